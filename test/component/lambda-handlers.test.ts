import { afterEach, describe, expect, it } from 'vitest';
import { RemoteReads } from '../../src/adapters/remote/remote-reads.js';
import type { ReadRequest, ReadResponse } from '../../src/adapters/remote/read-protocol.js';
import { createApiHandler } from '../../src/handlers/api.js';
import { createReaderHandler } from '../../src/handlers/reader.js';
import { createProbeHandler } from '../../src/handlers/probe.js';
import { createRunbookHandler } from '../../src/handlers/runbook.js';
import type { RunRecord } from '../../src/runbook/run.js';
import { httpEvent, PROBE_TIMEOUT_MS, REGIONS, scheduledEvent, startWorld, type World } from '../support/lambda-world.js';

describe('Lambda handlers on the simulated cloud and dynalite (simulated time)', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('probes every 5 s through a one-minute invocation, records every round, and starts nothing while all is well', async () => {
    w = await startWorld();
    const probe = createProbeHandler(w.deps('eu-west-1'));
    const start = w.clock.now();
    const summary = await w.drive(probe(scheduledEvent(start), w.context(60_000)));
    // Probing stops at the longest probe timeout + 5 s before the deadline: rounds at 0, 5, …, 50 s.
    expect(summary).toMatchObject({ rounds: 11, runsHandedOff: [] });
    expect(Date.parse(summary.endedAt) - start).toBeLessThanOrEqual(60_000 - PROBE_TIMEOUT_MS - 5_000 + 1_000);
    for (const region of REGIONS) {
      const rounds = await w.store.listObservations({ app: 'shop', region, since: start });
      expect(rounds.map((o) => [o.vantage, o.ok]), region).toEqual(Array.from({ length: 11 }, () => ['eu-west-1', true]));
      expect(rounds.map((o) => o.at - start)).toEqual(Array.from({ length: 11 }, (_, i) => i * 5_000));
    }
    const [decision] = await w.store.listDecisions({ app: 'shop', limit: 1 });
    expect(decision).toMatchObject({ action: 'hold' });
    expect(await w.store.listRuns({ app: 'shop', limit: 10 })).toEqual([]);
  });

  it('hands the failover to the target region’s worker; a run cut off by the deadline is finished by the next invocation', async () => {
    w = await startWorld();
    const { clock, store } = w;
    const probeEu = createProbeHandler(w.deps('eu-west-1'));
    const probeUs = createProbeHandler(w.deps('us-east-1'));
    const workerEu = createRunbookHandler(w.deps('eu-west-1'), { pauseMarginMs: 2_000 });
    const workerUs = createRunbookHandler(w.deps('us-east-1'), { pauseMarginMs: 2_000 });

    // A healthy minute first, then us-east-1 goes down just after the next minute's invocations start.
    await w.drive(probeEu(scheduledEvent(clock.now()), w.context(60_000)));
    const minute = clock.now();
    const eu = probeEu(scheduledEvent(minute), w.context(60_000, 'probe-eu'));
    const us = probeUs(scheduledEvent(minute), w.context(60_000, 'probe-us'));
    await clock.advance(1);
    await w.world.outage('us-east-1');

    // Both stacks see us-east-1 down; only the eu-west-1 stack, the target, creates the run and hands it to its worker.
    expect(await clock.advanceUntil(() => w!.dispatched['eu-west-1']!.length > 0, { stepMs: 250, maxMs: 30_000 })).toBe(true);
    const [handed] = w.dispatched['eu-west-1']!;
    expect(handed).toMatchObject({ kind: 'failover', trigger: 'automatic', from: 'us-east-1', to: 'eu-west-1', status: 'running' });
    expect(handed!.createdAt - minute).toBeLessThanOrEqual(15_000);
    // Created, not executed: the journal is empty and the standby is still a replica.
    expect(await store.readJournal(handed!.id)).toEqual([]);
    expect(w.world.providers.cloud.succeeded('PromoteReadReplica')).toEqual([]);

    // The worker's first invocation has 6 s left: it starts the run and pauses it while the promotion (5 s) is under way.
    const first = await w.drive(workerEu({ source: 'failover-controller', runId: handed!.id, app: 'shop' }, w.context(6_000, 'worker-1')));
    expect(first.runs).toEqual([{ id: handed!.id, status: 'running' }]);
    let run = (await store.getRun(handed!.id))!;
    expect(run.status).toBe('running');
    expect(run.steps.some((s) => s.status === 'pending' || s.status === 'running')).toBe(true);
    expect((await store.readJournal(handed!.id)).map((e) => e.type)).toContain('run-paused');
    expect(w.world.providers.cloud.succeeded('PromoteReadReplica')).toHaveLength(1);

    // The us-east-1 worker (its schedule) leaves the eu-west-1 run alone: no takeover of its lease, no execution.
    const leaseHolder = async () => {
      const probeLease = await store.acquireLease('app#shop', 'just-looking', 1_000, clock.now());
      return probeLease.acquired ? undefined : probeLease.holder;
    };
    const before = await leaseHolder();
    expect(before).toMatchObject({ owner: handed!.id });
    expect(await w.drive(workerUs(scheduledEvent(clock.now()), w.context(60_000, 'worker-us')))).toEqual({ runs: [] });
    expect(await leaseHolder()).toEqual(before);

    // The next scheduled invocation of the eu-west-1 worker continues the run from its journal and finishes it.
    const second = await w.drive(workerEu(scheduledEvent(clock.now()), w.context(900_000, 'worker-2')));
    expect(second.runs).toEqual([{ id: handed!.id, status: 'succeeded' }]);
    run = (await store.getRun(handed!.id))!;
    expect(run.status, run.error).toBe('succeeded');
    const journal = (await store.readJournal(handed!.id)).map((e) => e.type);
    expect(journal.filter((t) => t === 'run-started')).toHaveLength(1);
    expect(journal.filter((t) => t === 'run-paused')).toHaveLength(1);
    expect(journal.filter((t) => t === 'run-resumed')).toHaveLength(1);
    expect(journal.at(-1)).toBe('run-succeeded');
    // Continued, never restarted: every act happened once.
    expect(w.world.providers.cloud.succeeded('PromoteReadReplica')).toHaveLength(1);
    expect(w.world.providers.cloud.succeeded('ChangeResourceRecordSets')).toHaveLength(1);
    // The worker released the lease: the application is free for the next run.
    expect(await leaseHolder()).toBeUndefined();

    // The probe invocations end on time; the eu-west-1 one followed the run and learned the new active region.
    const [euSummary, usSummary] = await Promise.all([w.drive(eu), w.drive(us)]);
    expect(euSummary.runsHandedOff).toEqual([handed!.id]);
    expect(usSummary.runsHandedOff).toEqual([]);
    expect(w.dispatched['us-east-1']).toEqual([]);
    expect(await store.getAppState('shop')).toMatchObject({ activeRegion: 'eu-west-1' });
    expect((await store.listRuns({ app: 'shop', limit: 10 })).map((r) => r.id)).toEqual([handed!.id]);
    // Both vantage points recorded their rounds in the shared table.
    const vantages = new Set((await store.listObservations({ app: 'shop', region: 'us-east-1', since: minute })).map((o) => o.vantage));
    expect(vantages).toEqual(new Set(['us-east-1', 'eu-west-1']));

    // The next minute's probe starts from what DNS and the store say: eu-west-1 is active, nothing to do.
    const calm = await w.drive(probeEu(scheduledEvent(clock.now()), w.context(60_000)));
    expect(calm.runsHandedOff).toEqual([]);
  });

  it('serves the API through @fastify/aws-lambda and refuses a run into another region with the stack that executes it', async () => {
    w = await startWorld();
    const api = createApiHandler(w.deps('eu-west-1'));
    const health = (await w.drive(api(httpEvent('GET', '/health'), w.context(29_000)))) as { statusCode: number };
    expect(health.statusCode).toBe(200);
    const status = (await w.drive(api(httpEvent('GET', '/status'), w.context(29_000)))) as { statusCode: number; body: string };
    expect(status.statusCode).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({ vantage: 'eu-west-1', applications: [{ name: 'shop', activeRegion: 'us-east-1' }] });

    // The us-east-1 API is asked for a failover into eu-west-1: refused, naming the stack that executes it; nothing changes.
    const apiUs = createApiHandler(w.deps('us-east-1'));
    const refused = (await w.drive(apiUs(httpEvent('POST', '/failover', { to: 'eu-west-1', reason: 'wrong stack' }), w.context(29_000)))) as { statusCode: number; body: string };
    expect(refused.statusCode, refused.body).toBe(400);
    expect(JSON.parse(refused.body).message).toMatch(/a failover into eu-west-1 is executed by the failover-controller stack in eu-west-1/);
    expect(await w.store.listRuns({ app: 'shop', limit: 10 })).toEqual([]);

    // The eu-west-1 stack's probe function judges the regions (an operator's failover is gated on a healthy target).
    await w.drive(createProbeHandler(w.deps('eu-west-1'))(scheduledEvent(w.clock.now()), w.context(60_000)));
    // The eu-west-1 API: created, handed to the worker, 202; not executed in the API function.
    const accepted = (await w.drive(api(httpEvent('POST', '/failover', { to: 'eu-west-1', reason: 'drill' }), w.context(29_000)))) as { statusCode: number; body: string };
    expect(accepted.statusCode, accepted.body).toBe(202);
    const run = (JSON.parse(accepted.body) as { run: RunRecord }).run;
    expect(w.dispatched['eu-west-1']!.map((r) => r.id)).toEqual([run.id]);
    expect(await w.store.readJournal(run.id)).toEqual([]);
    const again = (await w.drive(api(httpEvent('POST', '/failover', { to: 'eu-west-1', reason: 'twice' }), w.context(29_000)))) as { statusCode: number; body: string };
    expect(again.statusCode).toBe(409);
    expect(JSON.parse(again.body)).toMatchObject({ runId: run.id });
    expect(w.dispatched['us-east-1']).toEqual([]);

    // A change re-learns the world (DNS) first, but only once it is authenticated: a refused request costs no call to the cloud.
    const calls = () => w!.world.providers.cloud.calls.length;
    const before = calls();
    const anonymous = httpEvent('POST', '/failback', { reason: 'who am i' });
    anonymous.headers = { 'content-type': 'application/json', host: 'api.example.com' };
    expect(((await w.drive(api(anonymous, w.context(29_000)))) as { statusCode: number }).statusCode).toBe(401);
    expect(calls()).toBe(before);
    const signed = (await w.drive(api(httpEvent('POST', '/failback', { reason: 'who am i' }), w.context(29_000)))) as { statusCode: number };
    expect(signed.statusCode).toBe(409);
    expect(calls()).toBeGreaterThan(before);
  });

  it('reads the world for the API in the reader function: the active region and a dry-run plan, batched, and nothing changed', async () => {
    w = await startWorld();
    const stack = w.deps('eu-west-1');
    // The reader on the stack's cloud and prober; the API reaches it through a transport that serializes both ways, as a Lambda invocation does.
    const reader = createReaderHandler({ config: stack.config, world: { cloud: stack.cloud, prober: stack.prober }, log: stack.log });
    const requests: ReadRequest[] = [];
    const invoke = async (request: ReadRequest): Promise<ReadResponse> => {
      requests.push(request);
      return JSON.parse(JSON.stringify(await reader(JSON.parse(JSON.stringify(request)) as ReadRequest, w!.context(25_000, 'reader')))) as ReadResponse;
    };
    const remote = new RemoteReads({ read: invoke }, 'runs execute in the runbook worker');
    const api = createApiHandler({ ...stack, cloud: remote.cloud, prober: remote.prober });
    const callsBefore = w.world.providers.cloud.calls.length;

    const status = (await w.drive(api(httpEvent('GET', '/status'), w.context(29_000)))) as { statusCode: number; body: string };
    expect(status.statusCode, status.body).toBe(200);
    // The active region came from DNS, read by the reader.
    expect(JSON.parse(status.body)).toMatchObject({ applications: [{ name: 'shop', activeRegion: 'us-east-1' }] });
    expect(requests.flatMap((r) => r.reads.map((read) => read.op))).toEqual(['dns.listRecords']);

    requests.length = 0;
    const planned = (await w.drive(api(httpEvent('POST', '/drills', { mode: 'plan' }), w.context(29_000)))) as { statusCode: number; body: string };
    expect(planned.statusCode, planned.body).toBe(200);
    const { plan } = JSON.parse(planned.body) as { plan: { from: string; to: string; steps: { id: string; action: string; current: string }[] } };
    expect(plan).toMatchObject({ from: 'us-east-1', to: 'eu-west-1' });
    // Every step was observed in the real (simulated) world, none unreadable: the standby's replica, its group, DNS, the application's answer.
    expect(plan.steps.filter((s) => s.action === 'unknown')).toEqual([]);
    expect(plan.steps.find((s) => s.id === 'promote-standby-database')).toMatchObject({ action: 'act', current: expect.stringMatching(/replica/) });
    expect(plan.steps.find((s) => s.id === 'verify-application-in-standby')).toMatchObject({ action: 'none' });
    // The steps' reads went together: a couple of invocations for the whole plan, not one per read.
    const reads = requests.flatMap((r) => r.reads);
    expect(new Set(reads.map((r) => r.op))).toEqual(new Set(['dns.listRecords', 'database.describe', 'database.replicaLag', 'compute.describeGroup', 'prober.round']));
    expect(requests.length).toBeLessThan(reads.length);
    expect(requests.length).toBeLessThanOrEqual(3);
    // Reads only: the simulated cloud saw nothing that changes it.
    const calls = w.world.providers.cloud.calls.slice(callsBefore).map((c) => c.operation);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((op) => !/^(List|Describe|Get)/.test(op))).toEqual([]);
  });
});
