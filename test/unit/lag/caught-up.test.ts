import { describe, expect, it } from 'vitest';
import { caughtUpAfterFreeze, caughtUpFromSamples } from '../../../src/lag/caught-up.js';
import type { LagSample } from '../../../src/ports/database-provider.js';

const T = Date.UTC(2026, 10, 24, 12, 0, 0);
const read = (heartbeatAt: number) => ({ url: 'http://x/replication', heartbeatAt, readAt: T });

describe('caughtUpAfterFreeze (heartbeat positions)', () => {
  it('is caught up once the replica replayed the writer\'s newest heartbeat, however long the primary has been idle', () => {
    expect(caughtUpAfterFreeze(read(T - 1_000), read(T - 1_000), T)).toEqual({
      done: true,
      current: "caught up: replica replayed the heartbeat of 11:59:59Z, the writer's newest is 11:59:59Z, writes frozen since 12:00:00Z",
    });
    expect(caughtUpAfterFreeze(read(T), read(T - 1_000), T).done).toBe(true);
  });

  it('is not caught up while the replica is behind, and says by how much', () => {
    expect(caughtUpAfterFreeze(read(T - 2_500), read(T), T)).toEqual({
      done: false,
      current: "2.5 s of heartbeats behind: replica replayed the heartbeat of 11:59:57.500Z, the writer's newest is 12:00:00Z, writes frozen since 12:00:00Z",
    });
  });

  it('with the heartbeat beating on through the freeze, a replica with a steady lag gets there: a heartbeat from a second after the freeze has every frozen write', () => {
    // Always 3 s behind the writer's newest, which keeps moving.
    expect(caughtUpAfterFreeze(read(T + 500), read(T + 3_500), T).done).toBe(false);
    expect(caughtUpAfterFreeze(read(T + 1_000), read(T + 4_000), T)).toMatchObject({ done: true });
  });
});

describe('caughtUpFromSamples (CloudWatch only)', () => {
  const lag = (points: [number, number][]): LagSample => ({ at: points.at(-1)![0], points: points.map(([at, seconds]) => ({ at, seconds })), periodSeconds: 60, metric: 'ReplicaLag' });

  it('waits for a datapoint from the freeze on: one from before says nothing about the writes just before it', () => {
    const result = caughtUpFromSamples(lag([[T - 60_000, 0]]), { since: T - 30_000, maxLagSeconds: 1 });
    expect(result).toEqual({ done: false, current: 'waiting for a ReplicaLag datapoint from 11:59:30Z on (the newest is 0 s at 11:59:00Z)' });
  });

  it('is caught up when that datapoint is a lag within the limit', () => {
    expect(caughtUpFromSamples(lag([[T - 60_000, 9], [T, 1]]), { since: T - 30_000, maxLagSeconds: 1 })).toEqual({ done: true, current: 'caught up: ReplicaLag 1 s at 12:00:00Z' });
    expect(caughtUpFromSamples(lag([[T, 2]]), { since: T, maxLagSeconds: 1 })).toEqual({ done: false, current: 'lag ReplicaLag 2 s at 12:00:00Z' });
  });

  it('never takes -1 for 0', () => {
    expect(caughtUpFromSamples(lag([[T, -1]]), { since: T, maxLagSeconds: 1 })).toEqual({ done: false, current: 'replication not running: ReplicaLag -1 at 12:00:00Z' });
    expect(caughtUpFromSamples(undefined, { since: T, maxLagSeconds: 1 }).done).toBe(false);
  });

  it('cannot see an idle PostgreSQL catch up: its lag grows once writes stop (use the heartbeat)', () => {
    expect(caughtUpFromSamples(lag([[T, 45], [T + 60_000, 105]]), { since: T, maxLagSeconds: 1 }).done).toBe(false);
  });
});
