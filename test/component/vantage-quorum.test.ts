import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runbooks } from '../../runbooks/index.js';
import { Controller } from '../../src/controller/controller.js';
import type { Prober } from '../../src/ports/prober.js';
import type { ProbeTarget } from '../../src/probes/types.js';
import { type Harness, startHarness } from '../support/harness.js';
import { runsOldestFirst } from '../support/world-state.js';

describe('quorum of vantage points (two controllers sharing one state store, simulated time)', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('a region seen down from one vantage point only is not failed over; seen down from both, it is, exactly once', async () => {
    h = await startHarness({ policy: { quorum: 2 } });
    const primaryUrl = h.config.applications[0]!.regions[0]!.probes[0]!.url;
    // The second controller sits in eu-west-1; a partition can cut it off from us-east-1 alone.
    let partitioned = false;
    const partitionedProber: Prober = {
      round: async (targets: ProbeTarget[]) => {
        const results = await h.prober.round(targets);
        return results.map((r) => (partitioned && r.url === primaryUrl ? { ...r, ok: false, error: 'timeout' as const, message: 'partition' } : r));
      },
    };
    const local = { ...h.config, vantage: 'eu-west-1' };
    const second = new Controller({ config: local, clock: h.clock, store: h.store, cloud: h.world.providers, prober: partitionedProber, log: pino({ level: 'silent' }), runbooks });
    const first = h.controller;
    await second.init();
    first.start();
    second.start();
    await h.clock.advance(60_000);

    partitioned = true;
    await h.clock.advance(10 * 60_000);
    expect(await runsOldestFirst(h)).toEqual([]);
    const view = (await second.status()).applications[0]!;
    expect(view.regions[0]!.state).toBe('unhealthy');
    expect(view.decision!.reason).toContain('only 1 of the 2 vantage points needed agree');

    partitioned = false;
    await h.clock.advance(60_000);
    await h.world.outage('us-east-1');
    await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).some((r) => r.status !== 'running'), { stepMs: 500, maxMs: 5 * 60_000 });
    const runs = await runsOldestFirst(h);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ from: 'us-east-1', to: 'eu-west-1', status: 'succeeded' });
    await second.stop();
  });
});
