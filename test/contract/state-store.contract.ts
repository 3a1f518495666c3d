import { describe, expect, it } from 'vitest';
import type { DrillRecord } from '../../src/drills/drill.js';
import { ConflictError, FencedError } from '../../src/errors/errors.js';
import type { Decision } from '../../src/policy/decision.js';
import type { StateStore } from '../../src/ports/state-store.js';
import type { RunRecord } from '../../src/runbook/run.js';
import { drillFixture } from '../support/drill-fixture.js';
import { runFixture } from '../support/run-fixture.js';

function run(id: string, app: string, createdAt: number): RunRecord {
  return runFixture({ id, app, trigger: 'manual', reason: 'r', createdAt, steps: [{ id: 's', title: 'S', status: 'pending' }] });
}

function drill(id: string, app: string, createdAt: number): DrillRecord {
  return drillFixture({ id, app, createdAt, updatedAt: createdAt, milestones: { startedAt: createdAt }, events: [{ at: createdAt, text: 'injected an outage of us-east-1' }] });
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
      'keeps a run\'s starter and the operators\' signals with who gave them and any name they stated beside it, in order',
      withStore(async (store) => {
        const started = { ...run('r1', 'shop', 1_000), startedBy: 'arn:aws:sts::123456789012:assumed-role/Ops/alice' };
        await store.putRun(started);
        expect(await store.getRun('r1')).toEqual(started);
        expect(await store.listRunSignals('r1')).toEqual([]);
        await store.addRunSignal({ runId: 'r1', at: 2_000, type: 'approve', stepId: 'gate', by: 'bob-oncall', statedBy: 'Bob', comment: 'ok' });
        await store.addRunSignal({ runId: 'r1', at: 3_000, type: 'cancel', by: 'carol', rollback: true });
        expect(await store.listRunSignals('r1')).toEqual([
          { runId: 'r1', at: 2_000, type: 'approve', stepId: 'gate', by: 'bob-oncall', statedBy: 'Bob', comment: 'ok' },
          { runId: 'r1', at: 3_000, type: 'cancel', by: 'carol', rollback: true },
        ]);
        expect(await store.listRunSignals('r2')).toEqual([]);
      }),
    );

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
      "keeps a data-plane switch's intent and setup apart, per app, and replaces each whole",
      withStore(async (store) => {
        expect(await store.getTrafficIntent('shop')).toBeUndefined();
        const intent = { app: 'shop', serving: 'eu-west-1', evacuated: ['us-east-1'], runId: 'r1', at: 7 };
        await store.putTrafficIntent(intent);
        const setup = { app: 'shop', mode: 'health-checks' as const, nameServers: ['ns-1.example.'], healthChecks: { 'us-east-1': 'hc-1' }, provisionedAt: 3 };
        await store.putTrafficSetup(setup);
        expect(await store.getTrafficIntent('shop')).toEqual(intent);
        expect(await store.getTrafficSetup('shop')).toEqual(setup);
        expect(await store.getTrafficIntent('blog')).toBeUndefined();
        const back = { ...intent, serving: 'us-east-1', evacuated: [], runId: 'r2', at: 9 };
        await store.putTrafficIntent(back);
        expect(await store.getTrafficIntent('shop')).toEqual(back);
        expect(await store.getTrafficSetup('shop')).toEqual(setup);
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
      'updates a decision in place: a put with the same app and `at` replaces the entry (a decision held on), another app or `at` adds one',
      withStore(async (store) => {
        await store.putDecision(hold('shop', 1, 'one'));
        await store.putDecision({ ...hold('shop', 5, 'held 1 round'), count: 1, lastAt: 5 });
        await store.putDecision({ ...hold('blog', 5, 'blog held'), count: 1, lastAt: 5 });
        await store.putDecision({ ...hold('shop', 5, 'held 3 rounds'), count: 3, lastAt: 15 });
        expect(await store.listDecisions({ app: 'shop', limit: 10 })).toEqual([{ ...hold('shop', 5, 'held 3 rounds'), count: 3, lastAt: 15 }, hold('shop', 1, 'one')]);
        expect((await store.listDecisions({ app: 'blog', limit: 10 })).map((d) => d.reason)).toEqual(['blog held']);
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
      'adds availability ledger increments per app, hour and vantage point, atomically, and lists hours of every vantage point',
      withStore(async (store) => {
        const H = Date.UTC(2026, 10, 24, 12, 0, 0);
        const inc = (vantage: string, hourStart: number, minute: number, measuredMs: number, downMs: number, unmeasuredMs = 0) => ({
          app: 'shop',
          vantage,
          hourStart,
          upMs: measuredMs - downMs,
          downMs,
          unmeasuredMs,
          minutes: [{ minute, measuredMs, downMs }],
        });
        // Twenty concurrent writers of the same item: every millisecond lands.
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.addAvailability(inc('us-east-1', H, i % 2 ? 7 : 59, 5_000, i < 4 ? 5_000 : 0, i === 0 ? 30_000 : 0))));
        await store.addAvailability(inc('eu-west-1', H, 7, 5_000, 5_000));
        await store.addAvailability(inc('us-east-1', H - 3_600_000, 0, 1_000, 0));
        await store.addAvailability(inc('us-east-1', H + 3_600_000, 0, 1_000, 0));
        await store.addAvailability({ ...inc('us-east-1', H, 0, 1_000, 0), app: 'blog' });
        const hour = await store.listAvailability({ app: 'shop', fromHour: H, toHour: H });
        expect(hour).toEqual([
          { app: 'shop', vantage: 'eu-west-1', hourStart: H, upMs: 0, downMs: 5_000, unmeasuredMs: 0, minutes: [{ minute: 7, measuredMs: 5_000, downMs: 5_000 }] },
          {
            app: 'shop',
            vantage: 'us-east-1',
            hourStart: H,
            upMs: 80_000,
            downMs: 20_000,
            unmeasuredMs: 30_000,
            minutes: [
              { minute: 7, measuredMs: 50_000, downMs: 10_000 },
              { minute: 59, measuredMs: 50_000, downMs: 10_000 },
            ],
          },
        ]);
        const range = await store.listAvailability({ app: 'shop', fromHour: H - 3_600_000, toHour: H + 3_600_000 });
        expect(range.map((b) => [b.hourStart - H, b.vantage])).toEqual([
          [-3_600_000, 'us-east-1'],
          [0, 'eu-west-1'],
          [0, 'us-east-1'],
          [3_600_000, 'us-east-1'],
        ]);
        expect(await store.listAvailability({ app: 'shop', fromHour: H + 2 * 3_600_000, toHour: H + 5 * 3_600_000 })).toEqual([]);
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

    const claim = (caller: string, key: string, fingerprint: string, createdAt: number, validUntil: number) => ({ caller, key, fingerprint, createdAt, validUntil });

    it(
      'claims an idempotency key once, keeps its answer until it lapses, per caller',
      withStore(async (store) => {
        expect(await store.claimIdempotencyKey(claim('alice', 'k1', 'f1', 1_000, 61_000), 1_000)).toEqual({ claimed: true });
        const again = await store.claimIdempotencyKey(claim('alice', 'k1', 'f1', 2_000, 62_000), 2_000);
        expect(again).toEqual({ claimed: false, existing: { caller: 'alice', key: 'k1', fingerprint: 'f1', state: 'pending', createdAt: 1_000, validUntil: 61_000 } });
        // Another caller's key of the same name is its own.
        expect(await store.claimIdempotencyKey(claim('bob', 'k1', 'f9', 2_000, 62_000), 2_000)).toEqual({ claimed: true });

        const response = { statusCode: 202, body: '{"run":{"id":"run-1"}}', contentType: 'application/json; charset=utf-8' };
        await store.completeIdempotencyKey('alice', 'k1', response, 86_400_000);
        expect(await store.getIdempotencyKey('alice', 'k1', 3_000)).toEqual({ caller: 'alice', key: 'k1', fingerprint: 'f1', state: 'complete', createdAt: 1_000, validUntil: 86_400_000, response });
        expect(await store.claimIdempotencyKey(claim('alice', 'k1', 'f1', 4_000, 64_000), 4_000)).toMatchObject({ claimed: false, existing: { state: 'complete', response } });
        // Past its validity the key is free again.
        expect(await store.getIdempotencyKey('alice', 'k1', 86_400_000)).toBeUndefined();
        expect(await store.claimIdempotencyKey(claim('alice', 'k1', 'f2', 86_400_000, 86_460_000), 86_400_000)).toEqual({ claimed: true });
        expect(await store.getIdempotencyKey('nobody', 'k1', 0)).toBeUndefined();
      }),
    );

    it(
      'frees a pending key on release, but never a completed one',
      withStore(async (store) => {
        await store.claimIdempotencyKey(claim('alice', 'k2', 'f', 1_000, 61_000), 1_000);
        await store.releaseIdempotencyKey('alice', 'k2');
        expect(await store.getIdempotencyKey('alice', 'k2', 1_500)).toBeUndefined();
        expect(await store.claimIdempotencyKey(claim('alice', 'k2', 'f', 2_000, 62_000), 2_000)).toEqual({ claimed: true });
        await store.completeIdempotencyKey('alice', 'k2', { statusCode: 200, body: '{}' }, 90_000);
        await store.releaseIdempotencyKey('alice', 'k2');
        expect(await store.getIdempotencyKey('alice', 'k2', 3_000)).toMatchObject({ state: 'complete', response: { statusCode: 200, body: '{}' } });
        await store.releaseIdempotencyKey('alice', 'never-claimed');
      }),
    );

    it(
      'lets exactly one of many concurrent claimers take an idempotency key',
      withStore(async (store) => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimIdempotencyKey(claim('alice', 'race', `f${i}`, 1_000, 61_000), 1_000)));
        expect(results.filter((r) => r.claimed)).toHaveLength(1);
        const winner = await store.getIdempotencyKey('alice', 'race', 1_000);
        for (const r of results) if (!r.claimed) expect(r.existing.fingerprint).toBe(winner!.fingerprint);
      }),
    );

    it(
      'keeps audit records, newest first',
      withStore(async (store) => {
        expect(await store.listAudit({ limit: 10 })).toEqual([]);
        const record = (id: string, at: number, statusCode: number) => ({ id, at, caller: 'alice', method: 'POST', route: '/failover', params: {}, body: '{"to":"eu-west-1"}', statusCode });
        await store.putAudit(record('a1', 1_000, 202));
        await store.putAudit({ ...record('a2', 2_000, 400), runId: 'run-1', idempotencyKey: 'k', replayed: true });
        await store.putAudit(record('a3', 3_000, 401));
        expect((await store.listAudit({ limit: 10 })).map((r) => r.id)).toEqual(['a3', 'a2', 'a1']);
        expect(await store.listAudit({ limit: 2 })).toEqual([record('a3', 3_000, 401), { ...record('a2', 2_000, 400), runId: 'run-1', idempotencyKey: 'k', replayed: true }]);
      }),
    );

    const session = (idHash: string, caller: string, createdAt: number, validUntil: number) => ({ idHash, caller, tokenSha256: 'a'.repeat(64), createdAt, validUntil });

    it(
      'keeps sign-in sessions by the hash of their id until they lapse, refusing a lapsed one before the store removes it',
      withStore(async (store) => {
        expect(await store.getSession('h1', 0)).toBeUndefined();
        await store.putSession(session('h1', 'alice', 1_000, 43_201_000));
        await store.putSession(session('h2', 'bob', 2_000, 43_202_000));
        expect(await store.getSession('h1', 5_000)).toEqual(session('h1', 'alice', 1_000, 43_201_000));
        expect(await store.getSession('h2', 5_000)).toEqual(session('h2', 'bob', 2_000, 43_202_000));
        // Past its validity a session is gone, whatever the store's TTL has done yet.
        expect(await store.getSession('h1', 43_201_000)).toBeUndefined();
        expect(await store.getSession('h2', 43_201_999)).toEqual(session('h2', 'bob', 2_000, 43_202_000));
      }),
    );

    it(
      'ends every session of a caller at once, and only theirs',
      withStore(async (store) => {
        await store.putSession(session('a1', 'alice', 1_000, 100_000));
        await store.putSession(session('a2', 'alice', 2_000, 100_000));
        await store.putSession(session('a3', 'alice', 3_000, 4_000));
        await store.putSession(session('b1', 'bob', 1_000, 100_000));
        // Two live ones end; the lapsed one is not counted.
        expect(await store.deleteSessions('alice', 5_000)).toBe(2);
        for (const id of ['a1', 'a2', 'a3']) expect(await store.getSession(id, 5_000), id).toBeUndefined();
        expect(await store.getSession('b1', 5_000)).toMatchObject({ caller: 'bob' });
        expect(await store.deleteSessions('alice', 6_000)).toBe(0);
        expect(await store.deleteSessions('nobody', 6_000)).toBe(0);
        // A caller signs in again after signing out: the new session stands.
        await store.putSession(session('a4', 'alice', 7_000, 100_000));
        expect(await store.getSession('a4', 7_000)).toMatchObject({ caller: 'alice' });
      }),
    );

    it(
      'keeps drills with versioned writes, and lists them newest first per app and overall',
      withStore(async (store) => {
        expect(await store.getDrill('nope')).toBeUndefined();
        const first = drill('d1', 'shop', 1_000);
        await store.putDrill(first);
        await store.putDrill(drill('d2', 'blog', 2_000));
        await store.putDrill(drill('d3', 'shop', 3_000));
        // A second "new" drill under the same id, or a write over a version it did not read, is refused.
        await expect(store.putDrill(first)).rejects.toBeInstanceOf(ConflictError);
        const later: DrillRecord = {
          ...first,
          version: 2,
          stage: 'failing-over',
          failoverRunId: 'run-1',
          milestones: { startedAt: 1_000, detectedAt: 16_000, failoverStartedAt: 16_000 },
          report: { drillId: 'd1', phases: [{ id: 'detection', part: 'failover', name: 'detection', status: 'done', durationMs: 15_000, percentOfRto: 5 }] } as unknown as DrillRecord['report'],
        };
        await store.putDrill(later);
        await expect(store.putDrill({ ...first, version: 2, stage: 'ended' })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.putDrill({ ...later, version: 4 })).rejects.toBeInstanceOf(ConflictError);
        expect(await store.getDrill('d1')).toEqual(later);
        expect((await store.listDrills({ app: 'shop', limit: 10 })).map((d) => [d.id, d.version])).toEqual([
          ['d3', 1],
          ['d1', 2],
        ]);
        expect((await store.listDrills({ limit: 2 })).map((d) => d.id)).toEqual(['d3', 'd2']);
      }),
    );

    it(
      'lets exactly one of many concurrent writers of the same drill version win',
      withStore(async (store) => {
        await store.putDrill(drill('d1', 'shop', 1_000));
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.putDrill({ ...drill('d1', 'shop', 1_000), version: 2, startedBy: `w${i}` })));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(9);
        expect((await store.getDrill('d1'))!.version).toBe(2);
      }),
    );

    it(
      'moves a fencing epoch on only from the epoch before it, one winner among concurrent writers, frozen as absent writerRegion',
      withStore(async (store) => {
        expect(await store.getWriterEpoch('shop')).toBeUndefined();
        const first = { app: 'shop', epoch: 1, writerRegion: 'eu-west-1', since: 1_000, runId: 'run-1', reason: 'failover: eu-west-1 promoted' };
        await expect(store.advanceWriterEpoch({ ...first, epoch: 2 })).rejects.toBeInstanceOf(ConflictError);
        await store.advanceWriterEpoch(first);
        await expect(store.advanceWriterEpoch(first)).rejects.toBeInstanceOf(ConflictError);
        expect(await store.getWriterEpoch('shop')).toEqual(first);
        expect(await store.getWriterEpoch('blog')).toBeUndefined();
        const frozen = { app: 'shop', epoch: 2, since: 2_000, runId: 'run-2', reason: 'failback: writes frozen' };
        const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => store.advanceWriterEpoch({ ...frozen, runId: `run-${i}` })));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(5);
        const stored = (await store.getWriterEpoch('shop'))!;
        expect(stored).toMatchObject({ epoch: 2, since: 2_000 });
        expect(stored.writerRegion).toBeUndefined();
      }),
    );

    it(
      'keeps network fences per application and region with versioned writes, revoked rules included',
      withStore(async (store) => {
        expect(await store.getNetworkFence('shop', 'us-east-1')).toBeUndefined();
        expect(await store.listNetworkFences('shop')).toEqual([]);
        const pending = {
          app: 'shop',
          region: 'us-east-1',
          database: 'rds:shop-db (us-east-1)',
          runId: 'run-1',
          writerRegion: 'eu-west-1',
          state: 'pending' as const,
          revoked: [],
          connectionsReset: false,
          attempts: 1,
          lastAttemptAt: 1_000,
          lastError: 'us-east-1 is not answering',
          createdAt: 1_000,
          updatedAt: 1_000,
          version: 1,
        };
        await store.putNetworkFence(pending);
        await expect(store.putNetworkFence(pending)).rejects.toBeInstanceOf(ConflictError);
        const rule = { groupId: 'sg-1', ruleId: 'sgr-1', protocol: 'tcp', fromPort: 5432, toPort: 5432, sourceGroupId: 'sg-app', description: 'app' };
        const fenced = { ...pending, state: 'fenced' as const, revoked: [rule], connectionsReset: true, attempts: 2, fencedAt: 2_000, updatedAt: 2_000, version: 2 };
        await store.putNetworkFence(fenced);
        await expect(store.putNetworkFence({ ...pending, version: 2 })).rejects.toBeInstanceOf(ConflictError);
        await store.putNetworkFence({ ...pending, app: 'blog' });
        expect(await store.getNetworkFence('shop', 'us-east-1')).toEqual(fenced);
        expect(await store.listNetworkFences('shop')).toEqual([fenced]);
        expect((await store.listNetworkFences('blog')).map((f) => f.app)).toEqual(['blog']);
      }),
    );
  });
}
