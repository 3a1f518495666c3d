import { describe, expect, it } from 'vitest';
import { initialHealth, observe } from '../../../src/health/region-health.js';
import type { ComputeGroupState } from '../../../src/ports/compute-provider.js';
import type { DatabaseState, LagSample } from '../../../src/ports/database-provider.js';
import { computeChecks } from '../../../src/readiness/compute-readiness.js';
import { databaseChecks } from '../../../src/readiness/database-readiness.js';
import { endpointCheck } from '../../../src/readiness/endpoint-readiness.js';
import { preflightFailures } from '../../../src/readiness/preflight.js';
import { stackChecks } from '../../../src/readiness/stack-liveness.js';

const REF = { engine: 'rds' as const, region: 'eu-west-1', instanceId: 'shop-db-eu-west-1' };
const replica: DatabaseState = { ref: REF, exists: true, role: 'replica', replicaOf: 'us-east-1', status: 'available' };
const lag = (seconds: number | undefined, points = [seconds ?? 0]): LagSample => ({ ...(seconds !== undefined ? { seconds } : {}), at: 0, points: points.map((s, i) => ({ at: i, seconds: s })), periodSeconds: 60, metric: 'ReplicaLag' });
const base = { region: 'eu-west-1', label: 'rds:shop-db-eu-west-1 (eu-west-1)', writerRegion: 'us-east-1', rpoSeconds: 60 };
const statusOf = (checks: { id: string; status: string }[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]));

describe('database readiness', () => {
  it('is ok for an available replica of the writer within the RPO', () => {
    expect(statusOf(databaseChecks({ ...base, state: replica, lag: lag(3) }))).toEqual({ 'database-exists': 'ok', 'database-replica': 'ok', 'database-lag': 'ok' });
  });
  it('fails when the replica is gone, is a writer, follows another writer, or lags beyond the RPO; warns when busy or the lag is unknown', () => {
    expect(statusOf(databaseChecks({ ...base, state: { ...replica, exists: false } }))).toEqual({ 'database-exists': 'failing' });
    expect(statusOf(databaseChecks({ ...base, state: { ...replica, role: 'writer' } }))['database-replica']).toBe('failing');
    expect(statusOf(databaseChecks({ ...base, state: { ...replica, replicaOf: 'ap-southeast-2' } }))['database-replica']).toBe('failing');
    expect(statusOf(databaseChecks({ ...base, state: replica, lag: lag(61) }))['database-lag']).toBe('failing');
    expect(statusOf(databaseChecks({ ...base, state: replica, lag: lag(60) }))['database-lag']).toBe('ok');
    expect(databaseChecks({ ...base, state: replica, lag: lag(undefined, [-1]) }).find((c) => c.id === 'database-lag')).toMatchObject({ status: 'failing', sentence: expect.stringMatching(/not running/) });
    expect(statusOf(databaseChecks({ ...base, state: { ...replica, status: 'backing-up' }, lag: lag(1) }))['database-replica']).toBe('warning');
    expect(statusOf(databaseChecks({ ...base, state: replica, lag: lag(undefined, []) }))['database-lag']).toBe('warning');
    expect(statusOf(databaseChecks({ ...base, state: new Error('timeout') }))).toEqual({ 'database-exists': 'warning' });
  });
});

describe('compute readiness', () => {
  const compute = { autoScalingGroup: 'shop-web', standbyCapacity: 1, activeCapacity: 4, minShareBeforeDns: 0.9, standbyMinSize: 1 };
  const group: ComputeGroupState = { ref: { region: 'eu-west-1', groupName: 'shop-web' }, minSize: 1, maxSize: 4, desiredCapacity: 1, instances: [], suspendedProcesses: [], launchSource: 'launch-template:web@$Default' };
  it('is ok when MaxSize allows active capacity and the group can launch', () => {
    expect(statusOf(computeChecks('eu-west-1', compute, group))).toEqual({ 'compute-group': 'ok', 'compute-capacity': 'ok', 'compute-launch': 'ok' });
  });
  it('fails on a small MaxSize (with the command that raises it), no launch template, a suspended Launch, a missing group', () => {
    const small = computeChecks('eu-west-1', compute, { ...group, maxSize: 3 }).find((c) => c.id === 'compute-capacity');
    expect(small).toMatchObject({ status: 'failing', fix: expect.stringContaining('--max-size 4 --region eu-west-1') });
    const { launchSource: _none, ...noTemplate } = group;
    expect(statusOf(computeChecks('eu-west-1', compute, noTemplate))['compute-launch']).toBe('failing');
    expect(statusOf(computeChecks('eu-west-1', compute, { ...group, suspendedProcesses: [{ name: 'Launch', reason: 'User suspended' }] }))['compute-launch']).toBe('failing');
    expect(statusOf(computeChecks('eu-west-1', compute, new Error('ValidationError: AutoScalingGroup name not found')))).toEqual({ 'compute-group': 'failing' });
    expect(statusOf(computeChecks('eu-west-1', compute, new Error('socket hang up')))).toEqual({ 'compute-group': 'warning' });
  });
});

describe('stack liveness', () => {
  const round = (vantage: string, at: number) => ({ app: 'shop', region: 'us-east-1', vantage, at, ok: true, probes: [] });
  it('names a stack that went silent or was never seen, and passes the ones that probe', () => {
    const checks = stackChecks([round('us-east-1', 95_000), round('eu-west-1', 10_000)], ['us-east-1', 'eu-west-1', 'ap-southeast-2'], 100_000, 30_000);
    expect(checks.map((c) => [c.region, c.status])).toEqual([
      ['ap-southeast-2', 'failing'],
      ['eu-west-1', 'failing'],
      ['us-east-1', 'ok'],
    ]);
    expect(checks[1]!.sentence).toMatch(/no probe round for 90 s/);
  });
});

describe('pre-flight gate', () => {
  const fall = { fall: 3, rise: 3 };
  const rounds = (ok: boolean[]) => ok.reduce((h, pass, i) => observe(h, { region: 'eu-west-1', at: i * 1000, results: [{ url: 'u', ok: pass, latencyMs: 1, at: i * 1000, ...(pass ? {} : { status: 503 }) }] }, fall), initialHealth('eu-west-1', 0));
  const healthy = rounds([true, true, true, true]);
  it('lets a run into a healthy, ready region start', () => {
    expect(preflightFailures({ kind: 'failover', to: 'eu-west-1', health: healthy, riseThreshold: 3, checks: [] })).toEqual([]);
  });
  it('refuses a failover into an unhealthy region, or one whose readiness fails, naming each check', () => {
    const down = rounds([true, true, true, false, false, false]);
    expect(preflightFailures({ kind: 'failover', to: 'eu-west-1', health: down, riseThreshold: 3, checks: [] })).toEqual([expect.stringMatching(/^standby-endpoint: eu-west-1 is unhealthy/)]);
    const checks = [
      { id: 'database-exists', region: 'eu-west-1', status: 'failing' as const, sentence: 'does not exist' },
      { id: 'stack-alive', region: 'us-east-1', status: 'failing' as const, sentence: 'silent' },
      // Replication stops when the writer's region fails: the run's RPO guard weighs the lag, with an approver, not the gate.
      { id: 'database-lag', region: 'eu-west-1', status: 'failing' as const, sentence: 'not running' },
    ];
    expect(preflightFailures({ kind: 'failover', to: 'eu-west-1', health: healthy, riseThreshold: 3, checks })).toEqual(['database-exists: does not exist']);
  });
  it('refuses a failback until the primary has been healthy for riseThreshold rounds, and ignores its stale database there', () => {
    const recovering = rounds([false, false, false, true, true]);
    expect(preflightFailures({ kind: 'failback', to: 'eu-west-1', health: recovering, riseThreshold: 3, checks: [] })[0]).toMatch(/recovering/);
    const db = [{ id: 'database-replica', region: 'eu-west-1', status: 'failing' as const, sentence: 'a writer' }];
    expect(preflightFailures({ kind: 'failback', to: 'eu-west-1', health: healthy, riseThreshold: 3, checks: db })).toEqual([]);
  });
});

describe('the endpoint check', () => {
  it('follows the probe rounds: no call of its own', () => {
    expect(endpointCheck('eu-west-1', undefined, 3).status).toBe('warning');
    expect(endpointCheck('eu-west-1', initialHealth('eu-west-1', 0), 3).status).toBe('warning');
  });
});

describe('compute readiness with a configured standby shape', () => {
  it('takes a MaxSize below activeCapacity as intended when it is the configured standbyMaxSize', () => {
    const compute = { autoScalingGroup: 'shop-web', standbyCapacity: 1, activeCapacity: 4, minShareBeforeDns: 0.9, standbyMinSize: 1, standbyMaxSize: 2 };
    const group: ComputeGroupState = { ref: { region: 'eu-west-1', groupName: 'shop-web' }, minSize: 1, maxSize: 2, desiredCapacity: 1, instances: [], suspendedProcesses: [], launchSource: 'launch-template:web@1' };
    expect(computeChecks('eu-west-1', compute, group).find((c) => c.id === 'compute-capacity')).toMatchObject({ status: 'ok', sentence: expect.stringContaining('configured standbyMaxSize') });
    expect(computeChecks('eu-west-1', compute, { ...group, maxSize: 3 }).find((c) => c.id === 'compute-capacity')?.status).toBe('failing');
  });
});
