import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runbooks } from '../../runbooks/index.js';
import { Controller } from '../../src/controller/controller.js';
import { MemoryNotifier } from '../../src/adapters/notify/fanout-notifier.js';
import { type Harness, startHarness } from '../support/harness.js';
import { runsOldestFirst } from '../support/world-state.js';

const INTERVAL = 5_000;

describe('the decision log in the simulated world (simulated time)', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  /** Rounds until the primary is judged unhealthy; the newest decision entry then. */
  async function judgedDown() {
    await h.world.outage('us-east-1', 'http503');
    for (let i = 0; i < 10 && (await h.controller.status()).applications[0]!.regions[0]!.state !== 'unhealthy'; i++) await h.clock.advance(INTERVAL);
    expect((await h.controller.status()).applications[0]!.regions[0]!.state).toBe('unhealthy');
    const [judged] = await h.store.listDecisions({ app: 'shop', limit: 1 });
    return judged!;
  }

  it('100 rounds of a steady outage (automatic failover off) add one decision, not 100: its count reads the rounds it held', async () => {
    h = await startHarness({ policy: { probeIntervalSeconds: INTERVAL / 1000, automaticFailover: false } });
    h.controller.start();
    await h.clock.advance(30_000);
    const judged = await judgedDown();
    expect(judged).toMatchObject({ action: 'hold', attention: true, count: 1 });
    const entries = (await h.store.listDecisions({ app: 'shop', limit: 500 })).length;
    const pages = h.notifier.sent.length;

    await h.clock.advance(100 * INTERVAL);

    const after = await h.store.listDecisions({ app: 'shop', limit: 500 });
    expect(after).toHaveLength(entries);
    expect(after[0]).toMatchObject({ action: 'hold', attention: true, at: judged.at, count: 101, lastAt: judged.at + 100 * INTERVAL });
    // The reason and the inputs are the latest round's: the streak has grown, the entry has not moved.
    expect(after[0]!.reason).not.toBe(judged.reason);
    expect(after[0]!.inputs!.regions[0]).toMatchObject({ name: 'us-east-1', state: 'unhealthy', consecutiveFailures: judged.inputs!.regions[0]!.consecutiveFailures + 100 });
    // Paged once, when the hold was decided, not once per round.
    expect(h.notifier.sent).toHaveLength(pages);
    expect(await runsOldestFirst(h)).toEqual([]);

    // A change of state is a new entry (and the healed primary no longer needs a person).
    await h.world.heal('us-east-1');
    await h.clock.advance(6 * INTERVAL);
    const healed = await h.store.listDecisions({ app: 'shop', limit: 500 });
    expect(healed.length).toBeGreaterThan(entries);
    expect(healed.find((d) => d.at === judged.at)).toMatchObject({ count: 101 });
  });

  it('a restarted controller (a new Lambda invocation) goes on counting the entry the store holds, without paging again', async () => {
    h = await startHarness({ policy: { probeIntervalSeconds: INTERVAL / 1000, automaticFailover: false } });
    h.controller.start();
    await h.clock.advance(30_000);
    const judged = await judgedDown();
    await h.clock.advance(4 * INTERVAL);
    await h.controller.stop();
    const notifier = new MemoryNotifier();
    const restarted = new Controller({ config: h.config, clock: h.clock, store: h.store, cloud: h.world.providers, prober: h.prober, log: pino({ level: 'silent' }), runbooks, notifier });
    await restarted.init();
    for (let i = 0; i < 3; i++) {
      await h.clock.advance(INTERVAL);
      await restarted.tick();
    }
    const [latest] = await h.store.listDecisions({ app: 'shop', limit: 1 });
    expect(latest).toMatchObject({ at: judged.at, count: 1 + 4 + 3 });
    expect(notifier.sent).toEqual([]);
    await restarted.stop();
  });
});
