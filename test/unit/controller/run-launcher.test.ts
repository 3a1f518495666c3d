import { RunbookCatalog } from '../../../src/runbook/runbook-catalog.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runbooks } from '../../../runbooks/index.js';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import { createSimProviders } from '../../../src/adapters/sim/sim-providers.js';
import { leaseName, RunLauncher, type RunPlacement } from '../../../src/controller/run-launcher.js';
import type { Lease } from '../../../src/ports/state-store.js';
import { UserInputError } from '../../../src/errors/errors.js';
import type { RunRecord } from '../../../src/runbook/run.js';
import { testApp } from '../../support/engine-fixture.js';
import { ManualClock } from '../../support/manual-clock.js';

const app = testApp;
const request = { app, kind: 'failover' as const, from: 'us-east-1', to: 'eu-west-1', trigger: 'manual' as const, reason: 'test' };

function setup(placement: RunPlacement) {
  const clock = new ManualClock();
  const store = new MemoryStateStore();
  const log = pino({ level: 'silent' });
  const finished: RunRecord[] = [];
  const deps = { store, clock, cloud: createSimProviders({ clock }), prober: { round: async () => [] }, log, runbooks: RunbookCatalog.of(runbooks), onFinished: async (run: RunRecord) => void finished.push(run) };
  const launcher = new RunLauncher({ ...deps, placement });
  return { clock, store, launcher, finished };
}

describe('RunLauncher placement', () => {
  it('refuses to launch a run into another region than its own, before taking the lease', async () => {
    const { store, launcher } = setup({ region: 'us-east-1' });
    await expect(launcher.launch(request)).rejects.toThrow(UserInputError);
    await expect(launcher.launch(request)).rejects.toThrow(/a failover into eu-west-1 is executed by the failover-controller stack in eu-west-1/);
    expect(await store.listRuns({ limit: 10 })).toEqual([]);
    expect((await store.acquireLease(leaseName('shop'), 'someone', 1_000, 0)).acquired).toBe(true);
  });

  it('does not resume a run into another region, and leaves its lease alone', async () => {
    const { store, launcher, clock } = setup({ region: 'us-east-1' });
    const run: RunRecord = { id: 'run-1', app: 'shop', kind: 'failover', runbook: 'regional-failover', from: 'us-east-1', to: 'eu-west-1', trigger: 'manual', reason: 'x', status: 'running', createdAt: 0, steps: [] };
    await store.putRun(run);
    const held = await store.acquireLease(leaseName('shop'), 'run-1', 60_000, clock.now());
    expect(await launcher.resume(run, app)).toBe(false);
    const holder = await store.acquireLease(leaseName('shop'), 'other', 60_000, clock.now());
    expect(holder).toEqual({ acquired: false, holder: held.acquired ? held.lease : undefined });
  });

  it('hands a new run to the dispatcher instead of executing it, and keeps the lease for the worker', async () => {
    const dispatched: RunRecord[] = [];
    const { store, launcher } = setup({ region: 'eu-west-1', handoff: { dispatcher: { dispatch: async (run) => void dispatched.push(run) } } });
    const run = await launcher.launch(request);
    expect(dispatched.map((r) => r.id)).toEqual([run.id]);
    expect(await store.getRun(run.id)).toMatchObject({ status: 'running' });
    expect(await store.readJournal(run.id)).toEqual([]);
    expect(launcher.running()).toEqual([]);
    const holder = await store.acquireLease(leaseName('shop'), 'other', 60_000, 0);
    expect(holder).toMatchObject({ acquired: false, holder: { owner: run.id } });
  });

  it('lists a new run as the newest of its app even when the last one ended in the same millisecond', async () => {
    const { store, launcher, clock } = setup({ handoff: { dispatcher: { dispatch: async () => undefined } } });
    // Ids end in random hex: without the ordering rule, 20 launches at one instant would list the wrong run first about half the time.
    for (let i = 0; i < 20; i++) {
      const [last] = await store.listRuns({ app: 'shop', limit: 1 });
      if (last) {
        await store.putRun({ ...last, status: 'failed', finishedAt: clock.now() });
        await store.releaseLease((await store.acquireLease(leaseName('shop'), last.id, 1, clock.now()) as { lease: Lease }).lease);
      }
      const run = await launcher.launch(request);
      const [newest] = await store.listRuns({ app: 'shop', limit: 1 });
      expect(newest).toMatchObject({ id: run.id, status: 'running' });
      if (last) expect(run.createdAt).toBe(last.createdAt + 1);
    }
  });

  it('still returns the run when the dispatch fails: the worker schedule picks it up', async () => {
    const { store, launcher } = setup({ handoff: { dispatcher: { dispatch: async () => Promise.reject(new Error('throttled')) } } });
    const run = await launcher.launch(request);
    expect(await store.getRun(run.id)).toMatchObject({ status: 'running' });
  });

  it('follows a handed-off run in the store until it ends, then reports it finished; or stops following when told', async () => {
    for (const outcome of ['ends', 'aborted'] as const) {
      const follow = new AbortController();
      const { store, launcher, clock, finished } = setup({ handoff: { dispatcher: { dispatch: async () => undefined }, follow: { signal: follow.signal, pollMs: 2_000 } } });
      const run = await launcher.launch(request);
      expect(launcher.running()).toEqual([run.id]);
      await clock.advance(10_000);
      expect(finished).toEqual([]);
      if (outcome === 'ends') {
        await store.putRun({ ...run, status: 'succeeded', finishedAt: clock.now() });
        await clock.advance(2_000);
        await launcher.settled();
        expect(finished.map((r) => [r.id, r.status])).toEqual([[run.id, 'succeeded']]);
      } else {
        follow.abort();
        await launcher.settled();
        expect(finished).toEqual([]);
      }
      expect(launcher.running()).toEqual([]);
    }
  });
});

describe('RunLauncher and a run whose runbook left the configuration', () => {
  it('ends it as failed with attention and frees the application, instead of running another runbook under its journal', async () => {
    const { store, launcher, clock, finished } = setup({});
    const run: RunRecord = { id: 'run-gone', app: 'shop', kind: 'runbook', runbook: 'drain-queues', from: 'us-east-1', to: 'eu-west-1', trigger: 'manual', reason: 'x', status: 'running', createdAt: 0, steps: [] };
    await store.putRun(run);
    expect(await launcher.resume(run, app)).toBe(true);
    await launcher.settled();
    const after = await store.getRun('run-gone');
    expect(after).toMatchObject({ status: 'failed', error: expect.stringContaining('drain-queues'), attention: expect.stringContaining("This run's runbook is gone") });
    expect(finished.map((r) => r.id)).toEqual(['run-gone']);
    expect((await store.readJournal('run-gone')).map((e) => e.type)).toEqual(['run-failed']);
    expect((await store.acquireLease(leaseName('shop'), 'next', 60_000, clock.now())).acquired).toBe(true);
  });
});
