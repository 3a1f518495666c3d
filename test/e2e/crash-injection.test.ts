import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersistentSimProviders, readCallLog } from '../../src/adapters/sim/persistent-sim.js';
import type { RegionalEndpoint } from '../../src/sim/regional-endpoint.js';
import { SimWorld } from '../../src/sim/sim-world.js';
import { flattenSteps } from '../../src/runbook/step.js';
import { regionalFailover } from '../../runbooks/regional-failover.js';

const root = new URL('../../', import.meta.url).pathname;
const MUTATIONS = ['PromoteReadReplica', 'UpdateAutoScalingGroup', 'ChangeResourceRecordSets'];

/** Every step boundary and the middle of every act of regional-failover. */
const crashPoints = [
  'journal:run-started:',
  ...flattenSteps(regionalFailover.root).flatMap((s) => [`journal:step-started:${s.id}`, ...(s.act ? [`journal:act-started:${s.id}`, `journal:act-succeeded:${s.id}`] : []), `journal:step-ended:${s.id}`]),
  'journal:run-succeeded:',
  ...MUTATIONS.map((op) => `call:${op}`),
];

async function child(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/crash-child.ts'], {
    cwd: root,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const [code, signal] = (await once(proc, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, out };
}

describe('crash injection: regional-failover killed with SIGKILL at every step boundary and mid-act', () => {
  let endpoints: RegionalEndpoint[];
  let configPath: string;

  beforeAll(async () => {
    endpoints = await Promise.all(['us-east-1', 'eu-west-1'].map((r) => SimWorld.endpoint(r)));
    const dir = await mkdtemp(join(tmpdir(), 'crash-config-'));
    configPath = join(dir, 'failover.yaml');
    const region = (name: string, i: number) => `
      - name: ${name}
        probes: [{ url: "${endpoints[i]!.url('/health')}", timeoutMs: 1000 }]
        database: { engine: rds, instanceId: shop-db-${name} }
        compute: { autoScalingGroup: shop-web-${name}, standbyCapacity: 1, activeCapacity: 3 }
        dns: { hostedZoneId: Z0CRASH, recordName: shop.example.com, type: CNAME, value: shop-${name}.example.com }`;
    await writeFile(configPath, `applications:\n  - name: shop\n    regions:${region('us-east-1', 0)}${region('eu-west-1', 1)}\n`);
  });
  afterAll(async () => Promise.all(endpoints.map((e) => e.stop())));

  it('lists the points it kills at', () => {
    expect(crashPoints).toContain('journal:act-started:promote-standby-database');
    expect(crashPoints).toContain('call:ChangeResourceRecordSets');
    expect(crashPoints.length).toBe(21);
  });

  it.concurrent.each(crashPoints)('killed at %s, restarted: the run completes, the world is right, no mutation twice', async (point) => {
    const stateDir = await mkdtemp(join(tmpdir(), 'crash-state-'));
    const env = { STATE_DIR: stateDir, CONFIG: configPath };
    const first = await child({ ...env, CRASH_AT: point });
    expect(first.signal, first.out).toBe('SIGKILL');
    const second = await child(env);
    expect(second.code, second.out).toBe(0);
    const run = JSON.parse(second.out.trim().split('\n').at(-1)!);
    expect(run.status, run.error).toBe('succeeded');

    // The call log and the world were written to disk by both processes.
    const calls = readCallLog(stateDir);
    for (const op of MUTATIONS) expect(calls.filter((c) => c.operation === op && c.outcome === 'ok'), op).toHaveLength(1);
    const sim = createPersistentSimProviders({ clock: { now: () => Date.now(), sleep: async () => undefined }, dir: stateDir, seed: () => undefined });
    expect(await sim.database.describe({ engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-eu-west-1' })).toMatchObject({ role: 'writer', status: 'available' });
    expect((await sim.compute.describeGroup({ region: 'eu-west-1', groupName: 'shop-web-eu-west-1' })).desiredCapacity).toBe(3);
    const record = (await sim.dns.listRecords('Z0CRASH', 'shop.example.com.')).find((r) => r.type === 'CNAME');
    expect(record?.values).toEqual(['shop-eu-west-1.example.com']);
  }, 90_000);
});
