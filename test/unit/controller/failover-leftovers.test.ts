import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import type { Config } from '../../../src/config/types.js';
import { FailoverLeftovers } from '../../../src/controller/failover-leftovers.js';
import type { DatabaseRef } from '../../../src/ports/database-provider.js';
import type { CloudProviders } from '../../../src/ports/providers.js';
import { ManualClock } from '../../support/manual-clock.js';
import { runFixture } from '../../support/run-fixture.js';
import { shopConfig } from '../../support/shop-config.js';

const config: Config = shopConfig('rds');

/** A succeeded failover whose promotion asked (or not) for Multi-AZ, and a database port that takes it from the `takesFrom`-th ask on. */
async function world(options: { asked: boolean; takesFrom: number }) {
  const clock = new ManualClock();
  const store = new MemoryStateStore();
  const run = runFixture({
    status: 'succeeded',
    steps: [{ id: 'promote-standby-database', title: 'Promote', status: 'succeeded', message: 'writer (backing-up)' }],
  });
  await store.putRun(run);
  await store.appendJournal({ seq: 1, at: 0, runId: run.id, type: 'act-succeeded', stepId: 'promote-standby-database', detail: options.asked ? { restoreMultiAz: true } : {} });
  const asks: DatabaseRef[] = [];
  const cloud = { database: { restoreMultiAz: async (ref: DatabaseRef) => (asks.push(ref), asks.length >= options.takesFrom) } } as unknown as CloudProviders;
  const leftovers = new FailoverLeftovers({ config, store, cloud, clock, log: pino({ level: 'silent' }), everyMs: 60_000 });
  return { clock, store, run, asks, leftovers };
}

describe('FailoverLeftovers: Multi-AZ on a promoted RDS writer', () => {
  it('asks again at each look while the new writer refuses (its first backup), then says so in the failover run, and stops asking', async () => {
    const { clock, store, run, asks, leftovers } = await world({ asked: true, takesFrom: 3 });
    await leftovers.keep();
    // Within `everyMs` of the last look: no new ask.
    await leftovers.keep();
    expect(asks).toHaveLength(1);
    expect((await store.getRun(run.id))!.steps[0]!.message).toBe('writer (backing-up)');
    for (let i = 0; i < 4; i++) {
      await clock.advance(60_000);
      await leftovers.keep();
    }
    expect(asks).toEqual([1, 2, 3].map(() => ({ engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-eu-west-1' })));
    expect((await store.getRun(run.id))!.steps[0]!.message).toBe('writer (backing-up); Multi-AZ on or requested, as the writer it replaces had (seen to by the controller after the run)');
  });

  it('is settled for good once the run says so: a new process (every Lambda invocation) does not ask again', async () => {
    const { clock, store, asks, leftovers } = await world({ asked: true, takesFrom: 1 });
    await leftovers.keep();
    expect(asks).toHaveLength(1);
    const cloud = { database: { restoreMultiAz: async (ref: DatabaseRef) => (asks.push(ref), true) } } as unknown as CloudProviders;
    const restarted = new FailoverLeftovers({ config, store, cloud, clock, log: pino({ level: 'silent' }), everyMs: 60_000 });
    await restarted.keep();
    expect(asks).toHaveLength(1);
  });

  it('is left to the stack of the new writer’s region', async () => {
    const { store, clock, asks } = await world({ asked: true, takesFrom: 1 });
    const cloud = { database: { restoreMultiAz: async (ref: DatabaseRef) => (asks.push(ref), true) } } as unknown as CloudProviders;
    await new FailoverLeftovers({ config, store, cloud, clock, log: pino({ level: 'silent' }), region: 'us-east-1' }).keep();
    expect(asks).toEqual([]);
  });

  it('asks nothing when the replaced writer was not Multi-AZ', async () => {
    const { clock, asks, leftovers } = await world({ asked: false, takesFrom: 1 });
    await leftovers.keep();
    await clock.advance(60_000);
    await leftovers.keep();
    expect(asks).toEqual([]);
  });
});

describe('FailoverLeftovers: a lost region that hangs', () => {
  it('costs one look its deadline, never the whole loop', async () => {
    const aurora = shopConfig('aurora-global');
    const clock = new ManualClock();
    const store = new MemoryStateStore();
    await store.advanceWriterEpoch({ app: 'shop', epoch: 1, writerRegion: 'eu-west-1', since: 0, runId: 'run-1', reason: 'failover' });
    const listed: string[] = [];
    const cloud = { database: { listLostWrites: (ref: DatabaseRef) => (listed.push(ref.region), new Promise(() => undefined)), preserveLostWrites: async () => 'x' } } as unknown as CloudProviders;
    const leftovers = new FailoverLeftovers({ config: aurora, store, cloud, clock, log: pino({ level: 'silent' }) });
    let done = false;
    void leftovers.keep().then(() => (done = true));
    expect(await clock.advanceUntil(async () => done, { stepMs: 1_000, maxMs: 60_000 })).toBe(true);
    expect(listed).toEqual(['us-east-1']);
    expect(clock.now() - Date.UTC(2026, 10, 24, 12)).toBeLessThanOrEqual(11_000);
  });
});
