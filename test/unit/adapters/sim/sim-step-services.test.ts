import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPersistentSimProviders, type SimWorldSnapshot } from '../../../../src/adapters/sim/persistent-sim.js';
import { SIM_INVOKE_DEADLINE_MS, SIM_REQUEST_DEADLINE_MS, type SimCall } from '../../../../src/adapters/sim/sim-cloud.js';
import { createSimProviders, type SimProviders } from '../../../../src/adapters/sim/sim-providers.js';
import { TransientError } from '../../../../src/errors/errors.js';
import type { Clock } from '../../../../src/ports/clock.js';
import { ManualClock } from '../../../support/manual-clock.js';

const SERVICE = { region: 'eu-west-1', cluster: 'shop', service: 'web' };
const FUNCTION = { region: 'eu-west-1', functionName: 'shop-flush-cache' };
const DATASTORE = 'ldgnf-shop-sessions';
const MEMBERS = [
  { replicationGroupId: 'shop-sessions-use1', region: 'us-east-1', role: 'primary' as const },
  { replicationGroupId: 'shop-sessions-euw1', region: 'eu-west-1', role: 'secondary' as const },
];
const DELAYS = { taskStartMs: 15_000, taskStopMs: 5_000, cacheFailoverMs: 60_000 };

function seedStepServices(sim: SimProviders): void {
  sim.ecs.seed(SERVICE, { desiredCount: 1 });
  sim.functions.seed(FUNCTION, { response: { flushed: true } });
  sim.automation.seedDocument('eu-west-1', 'Shop-DrainQueue', { durationMs: 120_000, outcome: 'Success', outputs: { Drained: ['3'] } });
  sim.cache.seed(DATASTORE, MEMBERS);
}

describe('the step library in the simulated cloud: one log, faults and freeze points for all', () => {
  it('logs every call with the service, the AWS operation and the target a freeze point names (call:<Operation>:<target>)', async () => {
    const sim = createSimProviders({ clock: new ManualClock(), delays: DELAYS });
    seedStepServices(sim);
    await sim.ecs.setDesiredCount(SERVICE, 2);
    await sim.ecs.describeService(SERVICE);
    await sim.functions.invoke({ ...FUNCTION, qualifier: '$LATEST' }, { idempotencyKey: 'k' });
    const id = await sim.automation.start({ region: 'eu-west-1', documentName: 'Shop-DrainQueue', clientToken: 't' });
    await sim.automation.describe('eu-west-1', id);
    await sim.cache.failover({ globalReplicationGroupId: DATASTORE, region: 'eu-west-1' }, 'eu-west-1', 'shop-sessions-euw1');
    await sim.cache.describe({ globalReplicationGroupId: DATASTORE, region: 'eu-west-1' });
    expect(sim.cloud.calls.map((c) => [c.service, c.operation, c.region, c.target, c.outcome])).toEqual([
      ['ecs', 'UpdateService', 'eu-west-1', 'shop/web', 'ok'],
      ['ecs', 'DescribeServices', 'eu-west-1', 'shop/web', 'ok'],
      ['lambda', 'Invoke', 'eu-west-1', 'shop-flush-cache:$LATEST', 'ok'],
      ['ssm', 'StartAutomationExecution', 'eu-west-1', 'Shop-DrainQueue', 'ok'],
      ['ssm', 'GetAutomationExecution', 'eu-west-1', id, 'ok'],
      ['elasticache', 'FailoverGlobalReplicationGroup', 'eu-west-1', DATASTORE, 'ok'],
      ['elasticache', 'DescribeGlobalReplicationGroups', 'eu-west-1', DATASTORE, 'ok'],
    ]);
  });

  it('injected faults apply by AWS operation name, and change nothing', async () => {
    const sim = createSimProviders({ clock: new ManualClock(), delays: DELAYS });
    seedStepServices(sim);
    sim.cloud.injectFault({ operation: 'UpdateService', kind: 'transient', times: 1 });
    sim.cloud.injectFault({ operation: 'Invoke', kind: 'permanent', times: 1 });
    await expect(sim.ecs.setDesiredCount(SERVICE, 3)).rejects.toThrow(/Throttling/);
    await expect(sim.functions.invoke(FUNCTION, { idempotencyKey: 'k' })).rejects.toThrow(/AccessDenied/);
    expect((await sim.ecs.describeService(SERVICE)).desiredCount).toBe(1);
    expect(sim.functions.invocations(FUNCTION)).toBe(0);
  });

  it('a hanging region costs an Invoke the Lambda client’s longer deadline, and a control-plane call the usual one', async () => {
    const clock = new ManualClock();
    const sim = createSimProviders({ clock, delays: DELAYS });
    seedStepServices(sim);
    sim.cloud.setRegionAvailable('eu-west-1', false);
    sim.cloud.setRegionHanging('eu-west-1', true);
    const start = clock.now();
    const invoke = sim.functions.invoke(FUNCTION, { idempotencyKey: 'k' }).catch((e: unknown) => e);
    const describe = sim.ecs.describeService(SERVICE).catch((e: unknown) => e);
    await clock.advance(SIM_INVOKE_DEADLINE_MS);
    expect(await invoke).toBeInstanceOf(TransientError);
    expect(await describe).toBeInstanceOf(TransientError);
    expect(sim.cloud.calls.map((c) => [c.operation, c.at - start])).toEqual([
      ['DescribeServices', SIM_REQUEST_DEADLINE_MS],
      ['Invoke', SIM_INVOKE_DEADLINE_MS],
    ]);
  });
});

describe('the step library in a persistent simulated world (a killed and restarted local process)', () => {
  let dir: string;
  let t: number;
  const clock: Clock = { now: () => t, sleep: async () => {} };
  const open = (onCommitted?: (call: SimCall) => void): SimProviders =>
    createPersistentSimProviders({ clock, dir, delays: DELAYS, seed: seedStepServices, ...(onCommitted ? { onCommitted } : {}) });

  beforeEach(async () => {
    t = Date.UTC(2026, 2, 1, 9);
    dir = await mkdtemp(join(tmpdir(), 'sim-step-services-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps ECS counts: tasks started before the restart run after it', async () => {
    await open().ecs.setDesiredCount(SERVICE, 3);
    const after = open();
    expect(await after.ecs.describeService(SERVICE)).toMatchObject({ desiredCount: 3, runningCount: 1, pendingCount: 2 });
    t += DELAYS.taskStartMs;
    expect(await after.ecs.describeService(SERVICE)).toMatchObject({ desiredCount: 3, runningCount: 3, pendingCount: 0, deployments: 1 });
  });

  it('keeps a function’s effects and stored responses: a process killed right after the invocation took effect repeats it harmlessly', async () => {
    const killed = open((call) => {
      if (call.operation === 'Invoke' && call.outcome === 'ok') throw new Error('killed before the answer came back');
    });
    await expect(killed.functions.invoke(FUNCTION, { idempotencyKey: 'run-1:flush' })).rejects.toThrow(/killed/);
    const after = open();
    expect(await after.functions.invoke(FUNCTION, { idempotencyKey: 'run-1:flush' })).toEqual({ payload: { flushed: true, effect: 1 } });
    expect(after.functions.effects(FUNCTION)).toEqual([{ idempotencyKey: 'run-1:flush' }]);
    expect(after.functions.invocations(FUNCTION)).toBe(2);
  });

  it('keeps SSM executions: the same client token after a restart is the same execution, which goes on running', async () => {
    const request = { region: 'eu-west-1', documentName: 'Shop-DrainQueue', clientToken: 'run-1:drain' };
    const id = await open().automation.start(request);
    t += 60_000;
    const after = open();
    expect(await after.automation.start(request)).toBe(id);
    expect((await after.automation.describe('eu-west-1', id)).status).toBe('InProgress');
    t += 60_000;
    expect(await open().automation.describe('eu-west-1', id)).toEqual({ executionId: id, status: 'Success', outputs: { Drained: ['3'] } });
    // A new execution after a restart gets a new id, never a reused one.
    expect(await open().automation.start({ ...request, clientToken: 'run-2:drain' })).not.toBe(id);
  });

  it('keeps datastore roles and a failover under way', async () => {
    const ref = { globalReplicationGroupId: DATASTORE, region: 'eu-west-1' };
    await open().cache.failover(ref, 'eu-west-1', 'shop-sessions-euw1');
    expect((await open().cache.describe(ref)).status).toBe('modifying');
    t += DELAYS.cacheFailoverMs;
    const roles = (await open().cache.describe(ref)).members.map((m) => [m.replicationGroupId, m.role]);
    expect(roles).toEqual([
      ['shop-sessions-use1', 'secondary'],
      ['shop-sessions-euw1', 'primary'],
    ]);
  });

  it('loads a snapshot from before the step library: none of its services, everything else as it was', async () => {
    open();
    const path = join(dir, 'sim-state.json');
    const old = JSON.parse(readFileSync(path, 'utf8')) as SimWorldSnapshot;
    delete old.ecs;
    delete old.functions;
    delete old.automation;
    delete old.cache;
    writeFileSync(path, JSON.stringify(old));
    const after = open();
    await expect(after.ecs.describeService(SERVICE)).rejects.toThrow(/ClusterNotFoundException/);
    await expect(after.functions.invoke(FUNCTION, {})).rejects.toThrow(/ResourceNotFoundException/);
    // The next change saves the world with the (empty) new fields.
    after.ecs.seed(SERVICE, { desiredCount: 2 });
    await after.ecs.setDesiredCount(SERVICE, 2);
    expect((JSON.parse(readFileSync(path, 'utf8')) as SimWorldSnapshot).ecs?.services).toHaveLength(1);
  });
});
