import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';

const root = new URL('../../', import.meta.url).pathname;
const stateDir = await mkdtemp(join(tmpdir(), 'failover-state-'));

/** Run src/main.ts the way `npm start` does (tsx), collecting its output. */
function start(args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, FAILOVER_STATE_DIR: stateDir, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, output: () => output };
}

/** Wait for a line in the output, driven by the child's own output events (no polling sleeps). */
async function waitFor(proc: ReturnType<typeof start>, pattern: RegExp): Promise<void> {
  const exited = once(proc.child, 'exit').then(() => 'exited' as const);
  while (!pattern.test(proc.output())) {
    const event = await Promise.race([once(proc.child.stdout!, 'data'), once(proc.child.stderr!, 'data'), exited]);
    if (event === 'exited') throw new Error(`exited before printing ${pattern}:\n${proc.output()}`);
  }
}

describe('npm start', () => {
  let running: ChildProcess | undefined;
  afterEach(() => {
    running?.kill('SIGKILL');
    running = undefined;
  });

  it('exits with code 2 and lists every problem of a bad config, with its path, and no stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'failover-'));
    const example = await readFile(join(root, 'examples/failover.yaml'), 'utf8');
    const bad = example.replace('url: http://127.0.0.1:18102/health', 'url: ftp://127.0.0.1:18102/health').replace('fallThreshold: 3', 'fallThreshold: zero');
    await writeFile(join(dir, 'bad.yaml'), bad);
    const proc = start(['--config', join(dir, 'bad.yaml')]);
    const [code] = await once(proc.child, 'exit');
    expect(code).toBe(2);
    expect(proc.output()).toContain('applications[0].regions[1].probes[0].url: must be an http(s) URL');
    expect(proc.output()).toContain('applications[0].policy.fallThreshold: ');
    expect(proc.output()).not.toMatch(/\n\s+at /);
  });

  it('exits with code 2 on an unknown flag or a missing file', async () => {
    const flag = start(['--nope']);
    expect((await once(flag.child, 'exit'))[0]).toBe(2);
    const missing = start(['--config', '/nonexistent/failover.yaml']);
    expect((await once(missing.child, 'exit'))[0]).toBe(2);
    expect(missing.output()).toContain('file not found');
  });

  it('serves the API against the simulated world with the example config, and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'failover-'));
    const [api, a, b] = [await freePort(), await freePort(), await freePort()];
    const example = await readFile(join(root, 'examples/failover.yaml'), 'utf8');
    await writeFile(join(dir, 'failover.yaml'), example.replace('127.0.0.1:18101', `127.0.0.1:${a}`).replace('127.0.0.1:18102', `127.0.0.1:${b}`));
    const proc = start(['--config', join(dir, 'failover.yaml')], { PORT: String(api) });
    running = proc.child;
    await waitFor(proc, /listening on/);
    const health = await fetch(`http://127.0.0.1:${api}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    // No tokens in the example config: the first start generated one, readable by its owner only, and said where.
    const tokenFile = join(stateDir, 'api-token');
    expect(proc.output()).toContain(`API token in ${tokenFile}`);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    const token = (await readFile(tokenFile, 'utf8')).trim();
    expect(proc.output()).not.toContain(token);
    expect((await fetch(`http://127.0.0.1:${api}/status`)).status).toBe(401);
    const authorization = { authorization: `Bearer ${token}` };
    const status = (await (await fetch(`http://127.0.0.1:${api}/status`, { headers: authorization })).json()) as { applications: unknown[] };
    expect(status.applications[0]).toMatchObject({ name: 'shop', activeRegion: 'us-east-1' });
    const regions = (await (await fetch(`http://127.0.0.1:${api}/sim/regions`, { headers: authorization })).json()) as { regions: { name: string }[] };
    expect(regions.regions.map((r) => r.name)).toEqual(['eu-west-1', 'us-east-1']);
    proc.child.kill('SIGTERM');
    const [code] = await once(proc.child, 'exit');
    expect(code).toBe(0);
    running = undefined;
  });
});
