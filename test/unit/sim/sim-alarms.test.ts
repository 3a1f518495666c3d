import { voteAlarm } from '../../../src/traffic/switch-layout.js';
import { trafficConfig } from '../../support/traffic-config.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSimProviders, type SimProviders } from '../../../src/adapters/sim/sim-providers.js';
import { TransientError } from '../../../src/errors/errors.js';
import type { AlarmSpec, EvacuationVote } from '../../../src/ports/traffic-switch.js';
import { ManualClock } from '../../support/manual-clock.js';

/**
 * How SimAlarms evaluates its alarms: CloudWatch's side of the vote
 * metric, which the AlarmApi contract leaves out (the fake CloudWatch never
 * evaluates). Periods of 6 s; the clock starts on a period boundary.
 */
const PERIOD = 6_000;
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

/** The alarm in eu-west-1 on eu-west-1's votes about shop in us-east-1, as provisioning puts it. */
const SPEC: AlarmSpec = voteAlarm(trafficConfig('health-checks').applications[0]!, 'us-east-1', 'eu-west-1');

const vote = (evacuate: boolean, app = 'shop', region = 'us-east-1'): EvacuationVote => ({ app, region, evacuate });

let clock: ManualClock;
let sim: SimProviders;

beforeEach(() => {
  clock = new ManualClock(T0);
  sim = createSimProviders({ clock, delays: { alarmPeriodMs: PERIOD }, random: () => 0.5 });
});

/** The alarm's state now, through DescribeAlarms. */
async function state(spec: AlarmSpec = SPEC): Promise<string | undefined> {
  const [alarm] = await sim.alarms.describeAlarms(spec.region, [spec.name]);
  return alarm?.state;
}

/** Move the clock to `T0 + ms`. */
async function at(ms: number): Promise<void> {
  await clock.advance(T0 + ms - clock.now());
}

describe('SimAlarms evaluation (period 6 s, Maximum >= 1, missing data ignored)', () => {
  it('a new alarm is INSUFFICIENT_DATA, and periods without data leave it so', async () => {
    await sim.alarms.putAlarm(SPEC);
    expect(await state()).toBe('INSUFFICIENT_DATA');
    await at(5 * PERIOD);
    expect(await state()).toBe('INSUFFICIENT_DATA');
  });

  it('an evacuate vote (1) makes it ALARM when the period ends, not before; a keep vote (0) later makes it OK', async () => {
    await sim.alarms.putAlarm(SPEC);
    await at(1_000);
    await sim.alarms.castVotes('eu-west-1', [vote(true)]);
    await at(PERIOD - 1);
    expect(await state()).toBe('INSUFFICIENT_DATA');
    await at(PERIOD);
    expect(await state()).toBe('ALARM');
    await at(2 * PERIOD + 500);
    await sim.alarms.castVotes('eu-west-1', [vote(false)]);
    expect(await state()).toBe('ALARM');
    await at(3 * PERIOD);
    expect(await state()).toBe('OK');
  });

  it('a keep vote (0) on a new alarm makes it OK', async () => {
    await sim.alarms.putAlarm(SPEC);
    await sim.alarms.castVotes('eu-west-1', [vote(false)]);
    await at(PERIOD);
    expect(await state()).toBe('OK');
  });

  it('the statistic is the Maximum: one evacuate vote among keep votes in a period is ALARM', async () => {
    await sim.alarms.putAlarm(SPEC);
    await sim.alarms.castVotes('eu-west-1', [vote(false), vote(false)]);
    await at(3_000);
    await sim.alarms.castVotes('eu-west-1', [vote(true)]);
    await at(4_000);
    await sim.alarms.castVotes('eu-west-1', [vote(false)]);
    await at(PERIOD);
    expect(await state()).toBe('ALARM');
  });

  it('a vote at the very end of a period counts in the next one', async () => {
    await sim.alarms.putAlarm(SPEC);
    await at(PERIOD);
    await sim.alarms.castVotes('eu-west-1', [vote(true)]);
    expect(await state()).toBe('INSUFFICIENT_DATA');
    await at(2 * PERIOD - 1);
    expect(await state()).toBe('INSUFFICIENT_DATA');
    await at(2 * PERIOD);
    expect(await state()).toBe('ALARM');
  });

  it('periods without data keep the state (TreatMissingData ignore), in ALARM as in OK', async () => {
    await sim.alarms.putAlarm(SPEC);
    await sim.alarms.castVotes('eu-west-1', [vote(true)]);
    for (let p = 1; p <= 6; p++) {
      await at(p * PERIOD);
      expect(await state()).toBe('ALARM');
    }
    await sim.alarms.castVotes('eu-west-1', [vote(false)]);
    for (let p = 7; p <= 12; p++) {
      await at(p * PERIOD);
      expect(await state()).toBe('OK');
    }
  });

  it('evaluation does not depend on when it is read: a world read every period and one read once agree', async () => {
    const lazy = createSimProviders({ clock, delays: { alarmPeriodMs: PERIOD }, random: () => 0.5 });
    const script: [number, boolean][] = [[1_000, true], [14_000, false], [15_000, false], [40_000, true]];
    await sim.alarms.putAlarm(SPEC);
    await lazy.alarms.putAlarm(SPEC);
    // Both get the same votes; only `sim` is also read at every period's end.
    const times = [...new Set([...script.map(([when]) => when), ...Array.from({ length: 10 }, (_, p) => (p + 1) * PERIOD)])];
    for (const when of times.sort((a, b) => a - b)) {
      await at(when);
      for (const [w, evacuate] of script.filter(([w]) => w === when)) {
        await sim.alarms.castVotes('eu-west-1', [vote(evacuate)]);
        await lazy.alarms.castVotes('eu-west-1', [vote(evacuate)]);
        expect(w).toBe(when);
      }
      expect(await state()).toBeDefined();
    }
    await at(10 * PERIOD);
    const history = (alarms: SimProviders['alarms']) =>
      Array.from({ length: 11 }, (_, p) => alarms.stateAt('eu-west-1', SPEC.name, T0 + p * PERIOD));
    expect(history(lazy.alarms)).toEqual(history(sim.alarms));
    expect(history(sim.alarms).map((s) => s?.state)).toEqual([
      ...['INSUFFICIENT_DATA', 'ALARM', 'ALARM', 'OK', 'OK', 'OK', 'OK', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
    ]);
  });

  it('putAlarm again replaces the settings and keeps the state until the next evaluation', async () => {
    await sim.alarms.putAlarm(SPEC);
    await sim.alarms.castVotes('eu-west-1', [vote(true)]);
    await at(PERIOD);
    expect(await state()).toBe('ALARM');
    await sim.alarms.putAlarm({ ...SPEC, threshold: 2, description: 'two to evacuate' });
    expect(await sim.alarms.describeAlarms('eu-west-1', [SPEC.name])).toEqual([
      { spec: { ...SPEC, threshold: 2, description: 'two to evacuate' }, state: 'ALARM' },
    ]);
    // Under the new threshold a vote of 1 no longer breaches.
    await sim.alarms.castVotes('eu-west-1', [vote(true)]);
    await at(2 * PERIOD);
    expect(await state()).toBe('OK');
  });

  it('votes cast in another region, or on another application or region, do not count', async () => {
    await sim.alarms.putAlarm(SPEC);
    // The us-east-1 stack's vote lands in us-east-1's CloudWatch, not in the alarm's.
    await sim.alarms.castVotes('us-east-1', [vote(true)]);
    // eu-west-1's votes on other dimensions: another region voted on, another application.
    await sim.alarms.castVotes('eu-west-1', [vote(true, 'shop', 'eu-west-1'), vote(true, 'other', 'us-east-1')]);
    await at(PERIOD);
    expect(await state()).toBe('INSUFFICIENT_DATA');
    // The same alarm name in us-east-1 is another alarm, and it does read us-east-1's votes.
    const there = { ...SPEC, region: 'us-east-1' };
    await sim.alarms.putAlarm(there);
    await sim.alarms.castVotes('us-east-1', [vote(true)]);
    await sim.alarms.castVotes('eu-west-1', [vote(true)]);
    await at(2 * PERIOD);
    expect(await state(there)).toBe('ALARM');
    expect(await state()).toBe('ALARM');
  });

  it('an alarm put after votes in the current period reads them', async () => {
    await sim.alarms.castVotes('eu-west-1', [vote(true)]);
    await at(2_000);
    await sim.alarms.putAlarm(SPEC);
    await at(PERIOD);
    expect(await state()).toBe('ALARM');
  });

  it('a region that is down refuses votes and descriptions (TransientError)', async () => {
    await sim.alarms.putAlarm(SPEC);
    sim.cloud.setRegionAvailable('eu-west-1', false);
    await expect(sim.alarms.castVotes('eu-west-1', [vote(true)])).rejects.toBeInstanceOf(TransientError);
    await expect(sim.alarms.describeAlarms('eu-west-1', [SPEC.name])).rejects.toBeInstanceOf(TransientError);
    // Other regions answer.
    await sim.alarms.castVotes('us-west-2', [vote(true)]);
  });
});

describe('SimAlarms.stateAt (what Route 53 health checkers read)', () => {
  it('gives the state at a past time, and the last OK or ALARM known then', async () => {
    await sim.alarms.putAlarm(SPEC);
    await sim.alarms.castVotes('eu-west-1', [vote(true)]);
    await at(2 * PERIOD + 1_000);
    await sim.alarms.castVotes('eu-west-1', [vote(false)]);
    await at(5 * PERIOD);
    expect(sim.alarms.stateAt('eu-west-1', SPEC.name, T0 + 3_000)).toEqual({ state: 'INSUFFICIENT_DATA' });
    expect(sim.alarms.stateAt('eu-west-1', SPEC.name, T0 + PERIOD - 1)).toEqual({ state: 'INSUFFICIENT_DATA' });
    expect(sim.alarms.stateAt('eu-west-1', SPEC.name, T0 + PERIOD)).toEqual({ state: 'ALARM', lastKnown: 'ALARM' });
    expect(sim.alarms.stateAt('eu-west-1', SPEC.name, T0 + 3 * PERIOD - 1)).toEqual({ state: 'ALARM', lastKnown: 'ALARM' });
    expect(sim.alarms.stateAt('eu-west-1', SPEC.name, T0 + 3 * PERIOD)).toEqual({ state: 'OK', lastKnown: 'OK' });
    expect(sim.alarms.stateAt('eu-west-1', SPEC.name, clock.now())).toEqual({ state: 'OK', lastKnown: 'OK' });
  });

  it('an alarm gone INSUFFICIENT_DATA (missing data not ignored) keeps its last known state', async () => {
    const missing: AlarmSpec = { ...SPEC, treatMissingData: 'missing' };
    await sim.alarms.putAlarm(missing);
    await sim.alarms.castVotes('eu-west-1', [vote(true)]);
    await at(PERIOD);
    expect(await state(missing)).toBe('ALARM');
    await at(2 * PERIOD);
    expect(await state(missing)).toBe('INSUFFICIENT_DATA');
    expect(sim.alarms.stateAt('eu-west-1', SPEC.name, T0 + 2 * PERIOD)).toEqual({ state: 'INSUFFICIENT_DATA', lastKnown: 'ALARM' });
  });

  it('is undefined for an alarm that does not exist, in that region', async () => {
    await sim.alarms.putAlarm(SPEC);
    expect(sim.alarms.stateAt('eu-west-1', 'failover-absent', clock.now())).toBeUndefined();
    expect(sim.alarms.stateAt('us-east-1', SPEC.name, clock.now())).toBeUndefined();
  });
});
