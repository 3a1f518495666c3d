import { describe, expect, it } from 'vitest';
import { SimReplication } from '../../../../src/adapters/sim/sim-replication.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const at = (ms: number) => T0 + ms;

/** The value of the datapoint whose one-second period starts at `t`. */
function valueAt(r: SimReplication, id: string, now: number, t: number, sourceDownSince?: number): number | undefined {
  return r.sample(id, now, sourceDownSince === undefined ? {} : { sourceDownSince }).points.find((p) => p.at === t)?.seconds;
}

describe('SimReplication: lag as each engine publishes it', () => {
  it('MySQL: the apply lag while replicating; -1 for every period after replication stopped (Seconds_Behind_Master NULL)', () => {
    const r = new SimReplication();
    r.setEngineFamily('db', 'mysql');
    r.setLag(2);
    expect(r.sample('db', at(10_000), {}).seconds).toBe(2);
    r.setReplicationStopped(at(5_500));
    const sample = r.sample('db', at(10_000), {});
    expect(sample.seconds).toBeUndefined();
    // The period the stop falls in still holds the lag before it (Maximum); the next ones are -1.
    expect([at(4_000), at(5_000), at(6_000), at(10_000)].map((t) => sample.points.find((p) => p.at === t)?.seconds)).toEqual([2, 2, -1, -1]);
    r.setReplicationStopped(undefined);
    expect(r.sample('db', at(10_000), {}).seconds).toBe(2);
  });

  it('MySQL (and an unknown family): -1 once the writer\'s region is gone', () => {
    const r = new SimReplication();
    expect(valueAt(r, 'db', at(20_000), at(19_000), at(10_000))).toBe(-1);
    expect(valueAt(r, 'db', at(20_000), at(9_000), at(10_000))).toBe(0);
  });

  it('PostgreSQL on an idle writer: the time since the last replayed transaction, climbing to 300 s and falling back', () => {
    const r = new SimReplication();
    r.setEngineFamily('db', 'postgres');
    r.setWriterIdle(true, T0);
    const now = at(9 * 60_000);
    const sample = r.sample('db', now, {});
    const worst = Math.max(...sample.points.map((p) => p.seconds));
    expect(worst).toBeGreaterThan(299);
    expect(worst).toBeLessThan(301);
    // RDS's own write every five minutes resets it.
    expect(valueAt(r, 'db', now, at(5 * 60_000))).toBeLessThan(1);
    expect(valueAt(r, 'db', now, at(4 * 60_000))).toBeCloseTo(241, 0);
    r.setWriterIdle(false, now);
    expect(r.sample('db', now + 1_000, {}).seconds).toBe(0);
  });

  it('PostgreSQL once the writer is gone: the lag keeps growing from the last replay', () => {
    const r = new SimReplication();
    r.setEngineFamily('db', 'postgres');
    r.setLag(1);
    expect(r.sample('db', at(60_000), { sourceDownSince: at(30_000) }).seconds).toBe(31);
    expect(valueAt(r, 'db', at(60_000), at(20_000), at(30_000))).toBe(1);
  });

  it('a lag set with a time holds from then on; without one, as if always', () => {
    const r = new SimReplication();
    r.setLag(90, at(30_000));
    expect(valueAt(r, 'db', at(40_000), at(20_000))).toBe(0);
    expect(valueAt(r, 'db', at(40_000), at(35_000))).toBe(90);
    r.setLag(5);
    expect(valueAt(r, 'db', at(40_000), at(20_000))).toBe(5);
  });

  it('heartbeats: the writer writes one a second; a replica replays them with the apply lag, up to where replication broke', () => {
    const r = new SimReplication();
    expect(r.writerHeartbeat(at(12_345), undefined)).toBe(at(12_000));
    expect(r.writerHeartbeat(at(12_345), at(5_500))).toBe(at(5_000));
    r.setLag(3);
    expect(r.replayedHeartbeat(at(12_345), {})).toBe(at(9_000));
    expect(r.replayedHeartbeat(at(60_000), { sourceDownSince: at(20_500) })).toBe(at(17_000));
    r.setReplicationStopped(at(15_000));
    expect(r.replayedHeartbeat(at(60_000), {})).toBe(at(12_000));
    // An idle writer still writes its heartbeat: idleness is about ReplicaLag only.
    r.setReplicationStopped(undefined);
    r.setLag(0);
    r.setWriterIdle(true, T0);
    expect(r.replayedHeartbeat(at(600_000), {})).toBe(at(600_000));
  });
});
