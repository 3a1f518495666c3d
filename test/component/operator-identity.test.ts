import awsLambdaFastify from '@fastify/aws-lambda';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/build-app.js';
import type { AppPolicy } from '../../src/config/types.js';
import type { RunRecord } from '../../src/runbook/run.js';
import { bearer, type TestRole } from '../support/auth.js';
import { type Harness, startHarness } from '../support/harness.js';
import { httpApiEvent } from '../support/http-api-event.js';
import { judgeRegions } from '../support/warm.js';

const GATE = 'check-data-loss-within-rpo';

/**
 * Who approved, rejected, cancelled or started a run is the authenticated
 * caller (the token's name, the IAM principal), never a name from the body;
 * and the two-person rule (policy.separateApprover) holds on that identity.
 */
describe('operator identity: the authenticated caller is who acted', () => {
  let h: Harness;
  let api: FastifyInstance;
  afterEach(async () => {
    await api?.close();
    await h?.close();
  });

  const post = (url: string, role: TestRole, payload: object) => api.inject({ method: 'POST', url, headers: bearer(role), payload });
  const run = async (id: string) => (await h.store.getRun(id))!;
  const journal = async (id: string) => h.store.readJournal(id);
  const ended = (id: string) => async () => (await run(id)).status !== 'running';

  /** A manual failover by `starter`, with the replica lagging past the RPO: it waits at the approval gate. */
  async function waitingRun(starter: TestRole, policy: Partial<AppPolicy> = {}): Promise<RunRecord> {
    h = await startHarness({ policy });
    api = await h.api();
    h.controller.start();
    await h.clock.advance(30_000);
    h.world.providers.database.setReplicationLag(90);
    const started = await post('/failover', starter, { to: 'eu-west-1', reason: 'lagging standby' });
    expect(started.statusCode).toBe(202);
    const id = started.json().run.id as string;
    const waiting = async () => (await journal(id)).some((e) => e.type === 'approval-requested');
    expect(await h.clock.advanceUntil(waiting, { stepMs: 250, maxMs: 60_000 })).toBe(true);
    return run(id);
  }

  it('a manual run records its starter; an approval records the approver token, keeping the body\'s other name as statedBy', async () => {
    const waiting = await waitingRun('operator');
    expect(waiting).toMatchObject({ trigger: 'manual', startedBy: 'test-operator' });
    expect((await journal(waiting.id))[0]).toMatchObject({ type: 'run-started', detail: { startedBy: 'test-operator' } });

    // The body claims to be alice: the answer is still the approver token's.
    const approve = await post(`/runs/${waiting.id}/approve`, 'approver', { by: 'alice', comment: 'accepting 90 s of loss' });
    expect(approve.statusCode).toBe(202);
    expect(approve.json()).toEqual({ runId: waiting.id, decision: 'approve', by: 'test-approver' });
    expect(await h.clock.advanceUntil(ended(waiting.id), { stepMs: 500, maxMs: 5 * 60_000 })).toBe(true);

    const finished = await run(waiting.id);
    expect(finished.status).toBe('succeeded');
    expect(finished.approvals).toEqual([{ stepId: GATE, decision: 'approved', by: 'test-approver', statedBy: 'alice', comment: 'accepting 90 s of loss', at: expect.any(Number) }]);
    const approved = (await journal(waiting.id)).find((e) => e.type === 'approved');
    expect(approved).toMatchObject({ stepId: GATE, detail: { by: 'test-approver', statedBy: 'alice', comment: 'accepting 90 s of loss' } });
    // The run record, its journal and the audit trail agree on who it was.
    const audit = (await h.store.listAudit({ limit: 10 })).find((r) => r.route === '/runs/:id/approve');
    expect(audit).toMatchObject({ caller: 'test-approver', statusCode: 202 });
  });

  it('a rejection without a name in the body is the token\'s, with no statedBy; the starter may reject its own run (default policy)', async () => {
    const waiting = await waitingRun('admin');
    const reject = await post(`/runs/${waiting.id}/approve`, 'admin', { decision: 'reject', comment: 'too much loss' });
    expect(reject.statusCode).toBe(202);
    expect(reject.json()).toMatchObject({ by: 'test-admin' });
    await h.clock.advanceUntil(ended(waiting.id), { stepMs: 500, maxMs: 60_000 });
    const finished = await run(waiting.id);
    expect(finished).toMatchObject({ status: 'failed', approvals: [{ decision: 'rejected', by: 'test-admin' }] });
    expect(finished.approvals![0]).not.toHaveProperty('statedBy');
    expect(finished.error).toMatch(/rejected by test-admin: too much loss/);
  });

  it('a cancel records the operator token as `by`; a body naming someone else is kept as statedBy; naming the caller itself adds nothing', async () => {
    const waiting = await waitingRun('operator');
    const cancel = await post(`/runs/${waiting.id}/cancel`, 'operator', { by: 'mallory', comment: 'wrong window' });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json()).toMatchObject({ runId: waiting.id, by: 'test-operator' });
    await h.clock.advanceUntil(ended(waiting.id), { stepMs: 500, maxMs: 60_000 });
    expect((await run(waiting.id)).cancelRequested).toEqual({ by: 'test-operator', statedBy: 'mallory', at: expect.any(Number), rollback: false, comment: 'wrong window' });
    expect((await journal(waiting.id)).at(-1)).toMatchObject({ type: 'run-cancelled', detail: { by: 'test-operator', statedBy: 'mallory', rollback: false } });

    // The same name as the caller's is no second name.
    const again = (await post('/failover', 'operator', { to: 'eu-west-1', reason: 'second try' })).json().run.id as string;
    expect((await post(`/runs/${again}/cancel`, 'operator', { by: 'test-operator' })).statusCode).toBe(202);
    await h.clock.advanceUntil(ended(again), { stepMs: 500, maxMs: 60_000 });
    expect((await run(again)).cancelRequested).not.toHaveProperty('statedBy');
  });

  it('policy.separateApprover: the starter of a manual run may not approve it (403 naming the rule, nothing changed); another approver may', async () => {
    const waiting = await waitingRun('admin', { separateApprover: true });

    // Naming someone else in the body does not help: the rule compares authenticated callers.
    const own = await post(`/runs/${waiting.id}/approve`, 'admin', { by: 'a-colleague' });
    expect(own.statusCode).toBe(403);
    expect(own.json()).toEqual({
      error: 'Forbidden',
      rule: 'policy.separateApprover',
      message: `policy.separateApprover: run ${waiting.id} was started by test-admin, so another approver must approve it (test-admin may still reject or cancel it)`,
    });
    await h.clock.advance(5_000);
    expect(await h.store.listRunSignals(waiting.id)).toEqual([]);
    expect((await run(waiting.id)).steps.find((s) => s.id === GATE)).toMatchObject({ status: 'running' });
    expect((await journal(waiting.id)).filter((e) => e.type === 'approved' || e.type === 'rejected')).toEqual([]);
    expect(h.world.providers.cloud.succeeded('PromoteReadReplica')).toEqual([]);
    expect((await h.store.listAudit({ limit: 1 }))[0]).toMatchObject({ caller: 'test-admin', route: '/runs/:id/approve', statusCode: 403 });

    expect((await post(`/runs/${waiting.id}/approve`, 'approver', {})).statusCode).toBe(202);
    await h.clock.advanceUntil(ended(waiting.id), { stepMs: 500, maxMs: 5 * 60_000 });
    expect(await run(waiting.id)).toMatchObject({ status: 'succeeded', approvals: [{ decision: 'approved', by: 'test-approver' }] });
  });
});

describe('IAM callers', () => {
  let h: Harness;
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
    await h?.close();
  });

  /** An API Gateway HTTP API (payload 2.0) event, as the AWS_IAM authorizer passes it on with the principal it verified. */
  function event(method: string, path: string, userArn: string, body?: unknown): APIGatewayProxyEventV2 {
    return httpApiEvent({ method, path, body, userArn });
  }


  async function iamApp(max: number) {
    h = await startHarness();
    await judgeRegions(h);
    let proxy!: (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;
    app = await buildApp({
      controller: h.controller,
      store: h.store,
      world: h.world,
      log: pino({ level: 'silent' }),
      clock: h.clock,
      auth: {
        auth: 'iam',
        tokens: [],
        iamPrincipals: [
          { arn: 'arn:aws:sts::123456789012:assumed-role/oncall/*', roles: ['operator', 'approver'] },
          { arn: 'arn:aws:sts::123456789012:assumed-role/release/*', roles: ['operator'] },
        ],
        rateLimit: { max, windowSeconds: 60 },
      },
      onInstance: (instance) => void (proxy = awsLambdaFastify<APIGatewayProxyEventV2>(instance) as typeof proxy),
    });
    return async (method: string, path: string, userArn: string, body?: unknown) => (await proxy(event(method, path, userArn, body), {} as Context)) as { statusCode: number; body: string };
  }

  it('rate-limits an assumed role as one caller whatever session names it picks; the audit keeps each full ARN', async () => {
    const call = await iamApp(3);
    const session = (name: string) => `arn:aws:sts::123456789012:assumed-role/oncall/${name}`;
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await call('POST', '/sim/regions/eu-west-1/heal', session(`dodge-${i}`)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 429, 429]);
    expect(JSON.parse(answers[3]!.body).message).toMatch(/^arn:aws:sts::123456789012:assumed-role\/oncall sent more than 3 requests that change something in 60 s/);
    // Another role has its own allowance.
    expect((await call('POST', '/sim/regions/eu-west-1/heal', 'arn:aws:sts::123456789012:assumed-role/release/bot')).statusCode).toBe(200);
    const audit = (await h.store.listAudit({ limit: 10 })).reverse();
    expect(audit.map((r) => [r.caller, r.statusCode])).toEqual([
      [session('dodge-0'), 200],
      [session('dodge-1'), 200],
      [session('dodge-2'), 200],
      [session('dodge-3'), 429],
      [session('dodge-4'), 429],
      ['arn:aws:sts::123456789012:assumed-role/release/bot', 200],
    ]);
  });

  it('records the full principal ARN, session included, as who started a run', async () => {
    const call = await iamApp(100);
    const started = await call('POST', '/failover', 'arn:aws:sts::123456789012:assumed-role/oncall/alice@example.com', { to: 'eu-west-1', reason: 'iam' });
    expect(started.statusCode).toBe(202);
    const id = JSON.parse(started.body).run.id as string;
    expect((await h.store.getRun(id))!.startedBy).toBe('arn:aws:sts::123456789012:assumed-role/oncall/alice@example.com');
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(id))!.status !== 'running', { stepMs: 500, maxMs: 60_000 })).toBe(true);
  });
});
