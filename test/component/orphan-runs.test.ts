import { afterEach, describe, expect, it } from 'vitest';
import { runbooks } from '../../runbooks/index.js';
import { leaseName } from '../../src/controller/run-launcher.js';
import { pendingSteps } from '../../src/runbook/engine.js';
import type { RunRecord } from '../../src/runbook/run.js';
import { type Harness, startHarness } from '../support/harness.js';
import { runFixture } from '../support/run-fixture.js';
import { worldLayout } from '../support/world-state.js';

/** A failover a process that died left `running`: its lease (owned by the run) and its first journal entry, nothing else. */
async function orphan(h: Harness): Promise<RunRecord> {
  const now = h.clock.now();
  const run = runFixture({ id: 'run-orphan', createdAt: now, trigger: 'manual', steps: pendingSteps(runbooks.failover) });
  await h.store.acquireLease(leaseName('shop'), run.id, 2 * 3600_000, now);
  await h.store.putRun(run);
  await h.store.appendJournal({ seq: 1, at: now, runId: run.id, type: 'run-started' });
  return run;
}

describe('a run nobody executes is never left running', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('is resumed by the running controller, not only at start', async () => {
    h = await startHarness();
    // The process that started it died; this one started without resuming it (its resume at start failed, say).
    const run = await orphan(h);
    h.controller.start();
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(run.id))?.status !== 'running', { stepMs: 250, maxMs: 120_000 })).toBe(true);
    expect(await h.store.getRun(run.id)).toMatchObject({ status: 'succeeded' });
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
  });

  it('is ended by a cancel, at once, rather than the cancel being answered and doing nothing', async () => {
    h = await startHarness();
    const run = await orphan(h);
    await h.controller.cancelRun({ runId: run.id, by: 'oncall', comment: 'stop it' });
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(run.id))?.status !== 'running', { stepMs: 100, maxMs: 5_000 })).toBe(true);
    expect(await h.store.getRun(run.id)).toMatchObject({ status: 'cancelled', cancelRequested: { by: 'oncall' } });
    // Nothing was acted on: the layout is the original one.
    expect((await worldLayout(h)).regions['eu-west-1']).toMatchObject({ db: 'replica:available' });
  });
});
