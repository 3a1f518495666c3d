import { describe, expect, it } from 'vitest';
import { ConflictError, FencedError } from '../../src/errors/errors.js';
import type { Decision } from '../../src/policy/decision.js';
import type { StateStore } from '../../src/ports/state-store.js';
import type { RunRecord } from '../../src/runbook/run.js';

function run(id: string, app: string, createdAt: number): RunRecord {
  return { id, app, kind: 'failover', runbook: 'regional-failover', from: 'us-east-1', to: 'eu-west-1', trigger: 'manual', reason: 'r', status: 'running', createdAt, steps: [{ id: 's', title: 'S', status: 'pending' }] };
}

function hold(app: string, at: number, reason: string): Decision {
  return { action: 'hold', app, at, reason, attention: false };
}

/** What every StateStore must do alike: the memory one in tests and local mode, DynamoDB in production. */
export function describeStateStoreContract(name: string, setup: () => Promise<{ store: StateStore; close(): Promise<void> }>): void {
  describe(`StateStore contract: ${name}`, () => {
    const withStore = (fn: (store: StateStore) => Promise<void>) => async () => {
      const { store, close } = await setup();
      try {
        await fn(store);
      } finally {
        await close();
      }
    };

    it(
      'keeps app state and runs, and lists runs newest first per app and overall',
      withStore(async (store) => {
        expect(await store.getAppState('shop')).toBeUndefined();
        await store.putAppState({ app: 'shop', activeRegion: 'eu-west-1', lastFailoverAt: 5, updatedAt: 6 });
        expect(await store.getAppState('shop')).toEqual({ app: 'shop', activeRegion: 'eu-west-1', lastFailoverAt: 5, updatedAt: 6 });
        await store.putRun(run('r1', 'shop', 1_000));
        await store.putRun(run('r2', 'blog', 2_000));
        await store.putRun(run('r3', 'shop', 3_000));
        const updated = { ...run('r1', 'shop', 1_000), status: 'succeeded' as const, finishedAt: 1_500 };
        await store.putRun(updated);
        expect(await store.getRun('r1')).toEqual(updated);
        expect(await store.getRun('nope')).toBeUndefined();
        expect((await store.listRuns({ app: 'shop', limit: 10 })).map((r) => r.id)).toEqual(['r3', 'r1']);
        expect((await store.listRuns({ limit: 2 })).map((r) => r.id)).toEqual(['r3', 'r2']);
      }),
    );

    it(
      'appends journal entries only at the next position, in order',
      withStore(async (store) => {
        await store.appendJournal({ seq: 1, at: 1, runId: 'r1', type: 'run-started', detail: { from: 'us-east-1' } });
        await store.appendJournal({ seq: 2, at: 2, runId: 'r1', type: 'step-started', stepId: 'a' });
        await expect(store.appendJournal({ seq: 2, at: 3, runId: 'r1', type: 'step-started', stepId: 'b' })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.appendJournal({ seq: 4, at: 3, runId: 'r1', type: 'step-started', stepId: 'b' })).rejects.toBeInstanceOf(ConflictError);
        const journal = await store.readJournal('r1');
        expect(journal.map((e) => [e.seq, e.type, e.stepId])).toEqual([
          [1, 'run-started', undefined],
          [2, 'step-started', 'a'],
        ]);
        expect(journal[0]!.detail).toEqual({ from: 'us-east-1' });
        expect(await store.readJournal('other')).toEqual([]);
      }),
    );

    it(
      'lets exactly one of many concurrent writers take a journal position',
      withStore(async (store) => {
        await store.appendJournal({ seq: 1, at: 1, runId: 'r1', type: 'run-started' });
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.appendJournal({ seq: 2, at: 2, runId: 'r1', type: 'step-started', stepId: `w${i}` })));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(19);
        expect(await store.readJournal('r1')).toHaveLength(2);
      }),
    );

    it(
      'keeps decisions, newest first',
      withStore(async (store) => {
        await store.putDecision(hold('shop', 1, 'one'));
        await store.putDecision(hold('blog', 2, 'two'));
        await store.putDecision(hold('shop', 3, 'three'));
        expect((await store.listDecisions({ app: 'shop', limit: 10 })).map((d) => d.reason)).toEqual(['three', 'one']);
        expect((await store.listDecisions({ limit: 2 })).map((d) => d.reason)).toEqual(['three', 'two']);
        expect(await store.listDecisions({ app: 'shop', limit: 1 })).toEqual([hold('shop', 3, 'three')]);
      }),
    );

    it(
      'grants a lease to one owner at a time, with a growing fencing token, and lets an expired one be taken over',
      withStore(async (store) => {
        const a = await store.acquireLease('app#shop', 'run-a', 1_000, 10_000);
        expect(a).toMatchObject({ acquired: true, lease: { owner: 'run-a', expiresAt: 11_000 } });
        const b = await store.acquireLease('app#shop', 'run-b', 1_000, 10_500);
        expect(b).toMatchObject({ acquired: false, holder: { owner: 'run-a' } });
        // The holder may renew.
        const renewed = await store.acquireLease('app#shop', 'run-a', 1_000, 10_600);
        expect(renewed.acquired && renewed.lease.expiresAt).toBe(11_600);
        // Expired: another owner takes over with a larger token; the old holder cannot release it.
        const c = await store.acquireLease('app#shop', 'run-c', 1_000, 20_000);
        expect(c.acquired).toBe(true);
        if (!a.acquired || !c.acquired || !renewed.acquired) throw new Error('unreachable');
        expect(c.lease.token).toBeGreaterThan(renewed.lease.token);
        await store.releaseLease(renewed.lease);
        expect(await store.acquireLease('app#shop', 'run-d', 1_000, 20_100)).toMatchObject({ acquired: false, holder: { owner: 'run-c' } });
        await store.releaseLease(c.lease);
        const d = await store.acquireLease('app#shop', 'run-d', 1_000, 20_200);
        expect(d.acquired).toBe(true);
        // Released or not, the token never goes back: an old holder's fence can never match a new lease.
        if (d.acquired) expect(d.lease.token).toBeGreaterThan(c.lease.token);
      }),
    );

    it(
      'lets exactly one of many concurrent acquirers take a free lease',
      withStore(async (store) => {
        const results = await Promise.all(Array.from({ length: 25 }, (_, i) => store.acquireLease('app#shop', `run-${i}`, 60_000, 1_000)));
        const winners = results.filter((r) => r.acquired);
        expect(winners).toHaveLength(1);
        const owner = winners[0]!.acquired ? winners[0]!.lease.owner : '';
        for (const r of results) if (!r.acquired) expect(r.holder.owner).toBe(owner);
      }),
    );

    it(
      'keeps observations per app, region and vantage point, oldest first from a time on',
      withStore(async (store) => {
        const obs = (region: string, vantage: string, at: number, ok: boolean) => ({ app: 'shop', region, vantage, at, ok, probes: [{ latencyMs: 3, ...(ok ? { status: 200 } : { error: 'refused' }) }] });
        const many = Array.from({ length: 60 }, (_, i) => obs('us-east-1', i % 2 ? 'eu-west-1' : 'us-east-1', 1_000 + i, i % 3 !== 0));
        await store.putObservations([...many, obs('eu-west-1', 'us-east-1', 1_000, true)]);
        const all = await store.listObservations({ app: 'shop', region: 'us-east-1', since: 0 });
        expect(all).toHaveLength(60);
        expect(all.map((o) => o.at)).toEqual(many.map((o) => o.at));
        expect(all[0]).toEqual(many[0]);
        expect(await store.listObservations({ app: 'shop', region: 'us-east-1', since: 1_050 })).toHaveLength(10);
        expect((await store.listObservations({ app: 'shop', region: 'us-east-1', since: 0, vantage: 'eu-west-1' })).every((o) => o.vantage === 'eu-west-1')).toBe(true);
        expect(await store.listObservations({ app: 'shop', region: 'eu-west-1', since: 0 })).toHaveLength(1);
      }),
    );

    it(
      'refuses journal writes fenced by a lease that another worker has taken over',
      withStore(async (store) => {
        const first = await store.acquireLease('app#shop', 'run-1', 1_000, 0);
        if (!first.acquired) throw new Error('unreachable');
        const fence = { lease: 'app#shop', token: first.lease.token };
        await store.appendJournal({ seq: 1, at: 1, runId: 'run-1', type: 'run-started' }, fence);
        // The lease expires; another worker resumes the same run under a new token.
        const second = await store.acquireLease('app#shop', 'run-1', 1_000, 5_000);
        if (!second.acquired) throw new Error('unreachable');
        await expect(store.appendJournal({ seq: 2, at: 2, runId: 'run-1', type: 'step-started', stepId: 'a' }, fence)).rejects.toBeInstanceOf(FencedError);
        await store.appendJournal({ seq: 2, at: 2, runId: 'run-1', type: 'run-resumed' }, { lease: 'app#shop', token: second.lease.token });
        expect((await store.readJournal('run-1')).map((e) => e.type)).toEqual(['run-started', 'run-resumed']);
      }),
    );
  });
}
