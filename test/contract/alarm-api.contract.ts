import { voteAlarm } from '../../src/traffic/switch-layout.js';
import { trafficConfig } from '../support/traffic-config.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alarm, AlarmApi, AlarmSpec, EvacuationVote, VoteBallot } from '../../src/ports/traffic-switch.js';
import { VOTE_METRIC, VOTE_NAMESPACE, voteDimensions } from '../../src/traffic/vote-metric.js';

/** One datum of metric data as the cloud received it. */
export interface ReceivedDatum {
  namespace: string;
  metricName: string;
  dimensions: { name: string; value: string }[];
  value: number;
}

/** What one implementation under test provides: CloudWatch's alarms and its metric data, in one world. */
export interface AlarmApiContractFixture {
  alarms: AlarmApi;
  votes: VoteBallot;
  /** The metric data the cloud received in `region` and still holds (the current period's at least), in any order. */
  receivedData(region: string): Promise<ReceivedDatum[]>;
  close(): Promise<void>;
}

/** A vote alarm as provisioning puts it (src/traffic/switch-layout.ts), in eu-west-1 on its votes about us-east-1. */
const SPEC: AlarmSpec = voteAlarm(trafficConfig('health-checks').applications[0]!, 'us-east-1', 'eu-west-1');

/** More alarms than one DescribeAlarms takes names for (100). */
const MANY = 150;
/** More votes than one PutMetricData takes (1,000), and not a multiple of it. */
const VOTES = 2_500;

const byName = (alarms: Alarm[]) => [...alarms].sort((a, b) => (a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0));
/** A datum with its dimensions in name order, so data compare whatever order they were sent in. */
const normalised = (d: ReceivedDatum): ReceivedDatum => ({
  ...d,
  dimensions: [...d.dimensions].sort((a, b) => a.name.localeCompare(b.name)),
});
const datumKey = (d: ReceivedDatum) => JSON.stringify(normalised(d));

/**
 * The semantics every AlarmApi + VoteBallot pair shares, so the simulation
 * cannot drift from CloudWatch: putAlarm creates an alarm (INSUFFICIENT_DATA
 * at first) that describeAlarms returns with its spec, asked by name, only
 * the named ones, only in their region, absent names left out, however many
 * names are asked for; putAlarm again replaces the settings of the same
 * alarm; castVotes delivers every vote once, however many there are, as the
 * vote metric in the voter's region alone. How alarms change state is
 * CloudWatch's own evaluation, not this contract (the sim's has its own test).
 */
export function describeAlarmApiContract(name: string, setup: () => Promise<AlarmApiContractFixture>): void {
  describe(`AlarmApi + VoteBallot contract: ${name}`, () => {
    let f: AlarmApiContractFixture;

    beforeEach(async () => {
      f = await setup();
    });

    afterEach(async () => {
      await f.close();
    });

    it('a put alarm is described with its spec, INSUFFICIENT_DATA before any evaluation', async () => {
      await f.alarms.putAlarm(SPEC);
      expect(await f.alarms.describeAlarms('eu-west-1', [SPEC.name])).toEqual([{ spec: SPEC, state: 'INSUFFICIENT_DATA' }]);
    });

    it('describes only the named alarms of that region, leaving absent names out', async () => {
      const other = { ...SPEC, name: 'failover-shop-evacuate-ap-southeast-2', dimensions: voteDimensions('shop', 'ap-southeast-2') };
      const elsewhere = {
        ...SPEC,
        region: 'us-west-2',
        name: 'failover-shop-evacuate-eu-west-1',
        dimensions: voteDimensions('shop', 'eu-west-1'),
      };
      await f.alarms.putAlarm(SPEC);
      await f.alarms.putAlarm(other);
      await f.alarms.putAlarm(elsewhere);
      const asked = await f.alarms.describeAlarms('eu-west-1', [SPEC.name, 'failover-absent']);
      expect(asked).toEqual([{ spec: SPEC, state: 'INSUFFICIENT_DATA' }]);
      expect(byName(await f.alarms.describeAlarms('eu-west-1', [other.name, SPEC.name]))).toEqual(byName([
        { spec: SPEC, state: 'INSUFFICIENT_DATA' },
        { spec: other, state: 'INSUFFICIENT_DATA' },
      ]));
      // Another region's alarm is not this region's, even by its exact name.
      expect(await f.alarms.describeAlarms('eu-west-1', [elsewhere.name])).toEqual([]);
      expect(await f.alarms.describeAlarms('us-east-1', [SPEC.name, other.name, elsewhere.name])).toEqual([]);
      expect(await f.alarms.describeAlarms('us-west-2', [elsewhere.name])).toEqual([{ spec: elsewhere, state: 'INSUFFICIENT_DATA' }]);
      expect(await f.alarms.describeAlarms('eu-west-1', [])).toEqual([]);
    });

    it('the same name in two regions is two alarms, each with its own settings', async () => {
      const there = { ...SPEC, region: 'us-west-2', description: 'the us-west-2 one', threshold: 2 };
      await f.alarms.putAlarm(SPEC);
      await f.alarms.putAlarm(there);
      expect(await f.alarms.describeAlarms('eu-west-1', [SPEC.name])).toEqual([{ spec: SPEC, state: 'INSUFFICIENT_DATA' }]);
      expect(await f.alarms.describeAlarms('us-west-2', [SPEC.name])).toEqual([{ spec: there, state: 'INSUFFICIENT_DATA' }]);
    });

    it('putAlarm again replaces the settings of the same alarm, and its state stays', async () => {
      await f.alarms.putAlarm(SPEC);
      const changed: AlarmSpec = {
        ...SPEC,
        description: 'changed',
        threshold: 2,
        evaluationPeriods: 3,
        periodSeconds: 120,
        treatMissingData: 'notBreaching',
        dimensions: voteDimensions('shop', 'us-west-2'),
      };
      await f.alarms.putAlarm(changed);
      expect(await f.alarms.describeAlarms('eu-west-1', [SPEC.name])).toEqual([{ spec: changed, state: 'INSUFFICIENT_DATA' }]);
      // Back again: nothing of the second put lingers.
      await f.alarms.putAlarm(SPEC);
      expect(await f.alarms.describeAlarms('eu-west-1', [SPEC.name])).toEqual([{ spec: SPEC, state: 'INSUFFICIENT_DATA' }]);
    });

    it(`describes ${MANY} alarms asked by name (more than one request takes), each once`, async () => {
      const specs = Array.from({ length: MANY }, (_, i) => ({ ...SPEC, name: `failover-app-${String(i).padStart(3, '0')}-evacuate` }));
      for (const spec of specs) await f.alarms.putAlarm(spec);
      const absent = ['failover-absent-1', 'failover-absent-2'];
      // Asked in reverse, absent names first and among them: the answer does not depend on the order asked.
      const names = [...absent, ...specs.map((s) => s.name).reverse()];
      names.splice(MANY / 2, 0, 'failover-absent-3');
      const described = await f.alarms.describeAlarms('eu-west-1', names);
      expect(described).toHaveLength(MANY);
      expect(byName(described)).toEqual(specs.map((spec) => ({ spec, state: 'INSUFFICIENT_DATA' })));
    });

    it(`castVotes of ${VOTES} votes delivers each vote once, as the vote metric, in the voter's region alone`, async () => {
      const votes: EvacuationVote[] = Array.from({ length: VOTES }, (_, i) => ({
        app: `app-${i}`,
        region: i % 3 === 0 ? 'us-east-1' : 'ap-southeast-2',
        evacuate: i % 2 === 0,
      }));
      await f.votes.castVotes('eu-west-1', votes);
      const expected = votes.map((v) => ({
        namespace: VOTE_NAMESPACE,
        metricName: VOTE_METRIC,
        dimensions: voteDimensions(v.app, v.region),
        value: v.evacuate ? 1 : 0,
      }));
      const received = await f.receivedData('eu-west-1');
      expect(received).toHaveLength(VOTES);
      expect(received.map(datumKey).sort()).toEqual(expected.map(datumKey).sort());
      // Nothing in the regions voted on, nor anywhere else.
      expect(await f.receivedData('us-east-1')).toEqual([]);
      expect(await f.receivedData('ap-southeast-2')).toEqual([]);
    });

    it('castVotes of no votes succeeds and delivers nothing', async () => {
      await f.votes.castVotes('eu-west-1', []);
      expect(await f.receivedData('eu-west-1')).toEqual([]);
    });
  });
}
