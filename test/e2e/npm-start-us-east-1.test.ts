import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { UdpAuthoritativeDns } from '../../src/dns/authoritative-client.js';
import { freeStablePort } from '../support/free-port.js';
import { killAllGroups, killGroup, npmStart, waitForOutput } from '../support/npm-start.js';

const root = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

/**
 * README, "Surviving us-east-1", as a user runs it: `npm start` with
 * examples/failover.us-east-1.yaml, `failover provision --apply` through the
 * real CLI, then us-east-1 and Route 53's control plane down, both hanging;
 * clients asking the zone's name server over UDP move to eu-west-1, and a
 * killed and restarted process still serves them there.
 */
describe('npm start with a health-checks switch: us-east-1 and Route 53 down', () => {
  afterAll(killAllGroups);

  it('provisions through the CLI, fails over through the data plane, and keeps it across a kill -9', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'failover-use1-'));
    const [apiPort, a, b, dnsPort] = [await freeStablePort(), await freeStablePort(), await freeStablePort(), await freeStablePort()];
    const config = (await readFile(join(root, 'examples/failover.us-east-1.yaml'), 'utf8'))
      .replace('127.0.0.1:18101', `127.0.0.1:${a}`)
      .replace('127.0.0.1:18102', `127.0.0.1:${b}`)
      .replace('dnsPort: 18153', `dnsPort: ${dnsPort}\n  delays: { promoteMs: 400, replicaCreateMs: 400, instanceBootMs: 300, dnsPropagationMs: 300, alarmPeriodMs: 1000, healthCheckMs: 500 }`)
      .replace('probeIntervalSeconds: 2', 'probeIntervalSeconds: 1')
      .replaceAll('timeoutMs: 1000', 'timeoutMs: 500');
    const configPath = join(stateDir, 'failover.yaml');
    await writeFile(configPath, config);
    const env = { FAILOVER_STATE_DIR: stateDir, FAILOVER_CONFIG: configPath, PORT: String(apiPort) };
    const token = async () => (await readFile(join(stateDir, 'api-token'), 'utf8')).trim();
    const api = async (path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${apiPort}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${await token()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    const dns = new UdpAuthoritativeDns();
    const answer = async () => (await dns.query(`127.0.0.1:${dnsPort}`, 'shop.example.com', 'CNAME', 1_000)).values.join();
    const until = async (want: string, maxMs: number) => {
      for (const end = Date.now() + maxMs; Date.now() < end; await sleep(200)) if ((await answer()) === want) return true;
      return false;
    };

    let proc = npmStart([], env);
    await waitForOutput(proc, /listening on/);
    const cli = await run(join(root, 'bin/failover.js'), ['provision', '--apply'], { cwd: root, env: { ...process.env, FAILOVER_URL: `http://127.0.0.1:${apiPort}`, FAILOVER_TOKEN: await token() } });
    expect(cli.stdout).toMatch(/^shop \(health-checks\): 9 to create or change: done where not waiting/);
    expect(await answer()).toBe('shop-use1.example.com.');

    expect((await api('/sim/regions/us-east-1/outage', { controlPlane: 'hangs' })).status).toBe(200);
    expect((await api('/sim/route53/outage', { controlPlane: 'hangs' })).status).toBe(200);
    expect(await until('shop-euw1.example.com.', 90_000)).toBe(true);
    const runs = (await (await api('/runs')).json()) as { runs: { status: string; kind: string }[] };
    expect(runs.runs[0]).toMatchObject({ kind: 'failover' });

    await killGroup(proc);
    proc = npmStart([], env);
    await waitForOutput(proc, /listening on/);
    expect(await answer()).toBe('shop-euw1.example.com.');
    const traffic = (await (await api('/traffic')).json()) as { intent: { serving: string; evacuated: string[] }; answered: string };
    expect(traffic).toMatchObject({ intent: { serving: 'eu-west-1', evacuated: ['us-east-1'] }, answered: 'eu-west-1' });
    await killGroup(proc);
  }, 180_000);
});
