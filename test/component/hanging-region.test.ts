import { afterEach, describe, expect, it } from 'vitest';
import { SIM_REQUEST_DEADLINE_MS } from '../../src/adapters/sim/sim-cloud.js';
import { SIM_OLD_REGION_DEADLINE_MS } from '../../src/adapters/sim/sim-database.js';
import type { RunRecord } from '../../src/runbook/run.js';
import { BEST_EFFORT_DEADLINE_MS } from '../../src/runbook/steps/fence-network.js';
import { type Harness, startHarness } from '../support/harness.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';

/**
 * A region in trouble usually accepts connections and never answers. Here
 * us-east-1 goes down with its control plane hanging: every call into it
 * costs the AWS client's request deadline (15 s) before it fails. The
 * automatic failover must still finish, paying at most the deadlines of
 * the calls it makes into us-east-1 on purpose (the fence's one bounded
 * attempt, the promotion's bounded look at the old writer), and nothing
 * for calls that were not needed.
 */
describe('a failover away from a region whose control plane hangs (simulated time)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function failoverWith(controlPlane: 'refuses' | 'hangs'): Promise<{ run: RunRecord; ms: number; calls: number }> {
    h = await startHarness();
    h.controller.start();
    await h.clock.advance(10_000);
    await h.world.outage('us-east-1', 'down', { controlPlane });
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h!)).some((r) => r.status !== 'running'), { stepMs: 250, maxMs: 600_000 })).toBe(true);
    const [run] = await runsOldestFirst(h);
    expect(run!.status, run!.error).toBe('succeeded');
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
    const calls = h.world.providers.cloud.calls.filter((c) => c.region === 'us-east-1' && c.at >= run!.createdAt && c.at <= run!.finishedAt!).length;
    const result = { run: run!, ms: run!.finishedAt! - run!.createdAt, calls };
    await h.close();
    h = undefined;
    return result;
  }

  it('finishes, slower than against a refusing region by no more than the bounded calls it makes into the lost region', async () => {
    const refused = await failoverWith('refuses');
    const hung = await failoverWith('hangs');
    // What the hang may cost: the fence's one attempt and the promotion's look at the old writer, each cut off at its own deadline.
    const allowance = BEST_EFFORT_DEADLINE_MS + SIM_OLD_REGION_DEADLINE_MS;
    // Plus two steps of this test's clock (250 ms each): the run moves on at the first poll after a deadline, and
    // the refused run's own length varies by about a step with where its rounds fall on the clock's grid.
    expect(hung.ms).toBeLessThanOrEqual(refused.ms + allowance + 500);
    // Each of those deadlines is shorter than the client's: the hang never costs a whole client timeout on the path.
    expect(BEST_EFFORT_DEADLINE_MS).toBeLessThan(SIM_REQUEST_DEADLINE_MS);
    expect(hung.ms).toBeGreaterThan(refused.ms);
    console.info(`failover run: ${refused.ms / 1000} s with us-east-1 refusing, ${hung.ms / 1000} s with it hanging (allowance ${allowance / 1000} s)`);
    const fence = hung.run.steps.find((s) => s.id === 'fence-old-writer')!;
    expect(fence.message).toMatch(/fence pending after 1 attempt\(s\) \(us-east-1 did not answer within 10 s\)/);
  }, 60_000);
});
