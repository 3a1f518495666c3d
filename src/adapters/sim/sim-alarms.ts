import type { Alarm, AlarmApi, AlarmSpec, EvacuationVote, VoteBallot } from '../../ports/traffic-switch.js';
import { VOTE_METRIC, VOTE_NAMESPACE, voteDimensions } from '../../traffic/vote-metric.js';
import type { SimCloud } from './sim-cloud.js';

type AlarmState = Alarm['state'];

interface SimAlarm {
  spec: AlarmSpec;
  /** State changes, oldest first; the first is INSUFFICIENT_DATA at creation. */
  history: { at: number; state: AlarmState }[];
  /** The end of the last period evaluated. */
  evaluatedUntil: number;
}

/** Everything SimAlarms holds, JSON-safe. */
export interface SimAlarmsSnapshot {
  alarms: SimAlarm[];
  datapoints: { key: string; at: number; value: number }[];
}

/** How many state changes an alarm keeps (Route 53 looks back a few periods at most). */
const HISTORY_KEPT = 50;

/**
 * Simulated CloudWatch for the vote metrics and their alarms. An alarm is
 * evaluated at the end of each period over that period's datapoints
 * (statistic Maximum, one evaluation period: what provisioning sets); a
 * period without data keeps the state (TreatMissingData `ignore`, the only
 * setting provisioning uses; others are approximated as `missing`, and only
 * at the reads that happen to fall after such a period). Evaluation is lazy, at
 * each read, so the model needs no timers and a restored world goes on
 * where it stopped. PutMetricData and PutMetricAlarm go through the
 * region's control plane, like every call; the state history lets Route 53's
 * health checkers read the state as it was a little while ago.
 */
export class SimAlarms implements AlarmApi, VoteBallot {
  private readonly alarms = new Map<string, SimAlarm>();
  private datapoints: { key: string; at: number; value: number }[] = [];

  constructor(private readonly cloud: SimCloud) {}

  async castVotes(voterRegion: string, votes: EvacuationVote[]): Promise<void> {
    await this.cloud.call('cloudwatch', 'PutMetricData', voterRegion, `${VOTE_NAMESPACE}/${VOTE_METRIC}`, () => {
      this.settle();
      const at = this.cloud.clock.now();
      for (const vote of votes)
        this.datapoints.push({
          key: metricKey(voterRegion, VOTE_NAMESPACE, VOTE_METRIC, voteDimensions(vote.app, vote.region)),
          at,
          value: vote.evacuate ? 1 : 0,
        });
    });
  }

  async putAlarm(spec: AlarmSpec): Promise<void> {
    await this.cloud.call('cloudwatch', 'PutMetricAlarm', spec.region, spec.name, () => {
      this.settle();
      const id = `${spec.region}/${spec.name}`;
      const existing = this.alarms.get(id);
      // PutMetricAlarm on an existing alarm replaces its settings and keeps its state until the next evaluation.
      if (existing) existing.spec = structuredClone(spec);
      else {
        const now = this.cloud.clock.now();
        const start = Math.floor(now / this.periodMs()) * this.periodMs();
        this.alarms.set(id, { spec: structuredClone(spec), history: [{ at: now, state: 'INSUFFICIENT_DATA' }], evaluatedUntil: start });
      }
    });
  }

  async describeAlarms(region: string, names: string[]): Promise<Alarm[]> {
    return this.cloud.call('cloudwatch', 'DescribeAlarms', region, names.join(','), () => {
      this.settle();
      // A name asked twice is one alarm, as CloudWatch answers it.
      return [...new Set(names)].flatMap((name) => {
        const alarm = this.alarms.get(`${region}/${name}`);
        return alarm ? [{ spec: structuredClone(alarm.spec), state: alarm.history.at(-1)!.state }] : [];
      });
    });
  }

  /**
   * The alarm's state at time `at` (at most now), as Route 53 reads it: no
   * call, no outage check (the caller decides what a down region means).
   * Undefined when the alarm does not exist.
   */
  stateAt(region: string, name: string, at: number): { state: AlarmState; lastKnown?: 'OK' | 'ALARM' } | undefined {
    this.settle();
    const alarm = this.alarms.get(`${region}/${name}`);
    if (!alarm) return undefined;
    const before = alarm.history.filter((h) => h.at <= at);
    const state = before.at(-1)?.state ?? 'INSUFFICIENT_DATA';
    const known = before.filter((h) => h.state !== 'INSUFFICIENT_DATA').at(-1)?.state as 'OK' | 'ALARM' | undefined;
    return known ? { state, lastKnown: known } : { state };
  }

  snapshot(): SimAlarmsSnapshot {
    this.settle();
    return { alarms: structuredClone([...this.alarms.values()]), datapoints: structuredClone(this.datapoints) };
  }

  restore(snapshot: SimAlarmsSnapshot | undefined): void {
    this.alarms.clear();
    for (const alarm of snapshot?.alarms ?? []) this.alarms.set(`${alarm.spec.region}/${alarm.spec.name}`, structuredClone(alarm));
    this.datapoints = structuredClone(snapshot?.datapoints ?? []);
  }

  /** The alarms' period, scaled down like every delay of the world (the spec's 60 s is AWS's). */
  private periodMs(): number {
    return this.cloud.delays.alarmPeriodMs;
  }

  /** Evaluate every period that has ended since the last evaluation, and drop datapoints no period will read again. */
  private settle(): void {
    const now = this.cloud.clock.now();
    const period = this.periodMs();
    const last = Math.floor(now / period) * period;
    for (const alarm of this.alarms.values()) {
      const key = metricKey(alarm.spec.region, alarm.spec.namespace, alarm.spec.metricName, alarm.spec.dimensions);
      // Only the periods that hold data change anything (missing data is ignored), so visit those alone.
      const ends = [
        ...new Set(
          this.datapoints
            .filter((d) => d.key === key && d.at >= alarm.evaluatedUntil && d.at < last)
            .map((d) => Math.floor(d.at / period) * period + period),
        ),
      ];
      for (const end of ends.sort((a, b) => a - b)) {
        const values = this.datapoints.filter((d) => d.key === key && d.at >= end - period && d.at < end).map((d) => d.value);
        const state: AlarmState = Math.max(...values) >= alarm.spec.threshold ? 'ALARM' : 'OK';
        if (alarm.history.at(-1)!.state !== state) alarm.history.push({ at: end, state });
      }
      if (
        alarm.spec.treatMissingData !== 'ignore' &&
        last > alarm.evaluatedUntil &&
        ends.length === 0 &&
        alarm.history.at(-1)!.state !== 'INSUFFICIENT_DATA'
      ) {
        alarm.history.push({ at: last, state: 'INSUFFICIENT_DATA' });
      }
      alarm.evaluatedUntil = Math.max(alarm.evaluatedUntil, last);
      alarm.history.splice(0, Math.max(0, alarm.history.length - HISTORY_KEPT));
    }
    // Every alarm has now read every ended period; an alarm created later starts with the current one.
    this.datapoints = this.datapoints.filter((d) => d.at >= last);
  }
}

/** A metric's identity in one region: namespace, name and dimensions (sorted by name, as CloudWatch matches them). */
function metricKey(region: string, namespace: string, metric: string, dimensions: { name: string; value: string }[]): string {
  const dims = [...dimensions].sort((a, b) => a.name.localeCompare(b.name)).map((d) => `${d.name}=${d.value}`);
  return `${region}|${namespace}|${metric}|${dims.join(',')}`;
}
