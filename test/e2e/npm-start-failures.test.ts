import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCallLog } from '../../src/adapters/sim/persistent-sim.js';
import { killAllGroups, killGroup, type LocalSetup, localApi, localSetup, npmStart, stopGroup, waitForOutput } from '../support/npm-start.js';

// A test that fails half way must not leave an npm start behind.
afterAll(killAllGroups);

/** Run `npm start` to its exit: the code and everything it printed. */
async function exitOf(setup: LocalSetup, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const proc = npmStart(args, { ...setup.env, ...env });
  const [code] = await proc.exited;
  return { code, output: proc.output() };
}

/** Start, wait for the API, stop cleanly: the directory then holds state from a run of local mode. */
async function runOnce(setup: LocalSetup, args: string[] = []): Promise<string> {
  const proc = npmStart(args, setup.env);
  await waitForOutput(proc, /listening on/);
  await stopGroup(proc);
  return proc.output();
}

async function occupy(port: number): Promise<Server> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

const noStackTrace = /\n\s+at [\w.<]/;

async function fresh(): Promise<LocalSetup> {
  return localSetup(await mkdtemp(join(tmpdir(), 'start-fail-')), { automaticFailover: false });
}

describe('npm start refuses what it cannot start cleanly: a clear message, exit code 2, no stack trace, nothing changed', () => {
  it.concurrent('a state directory that is a file', async () => {
    const setup = await fresh();
    const file = join(setup.stateDir, 'not-a-dir');
    await writeFile(file, 'x');
    const { code, output } = await exitOf(setup, [], { FAILOVER_STATE_DIR: file });
    expect(code).toBe(2);
    expect(output).toContain(`FAILOVER_STATE_DIR: ${file} is a file, not a directory`);
    expect(output).not.toMatch(noStackTrace);
  }, 60_000);

  it.concurrent('a state store another npm start has open', async () => {
    const setup = await fresh();
    const first = npmStart([], setup.env);
    try {
      await waitForOutput(first, /listening on/);
      const { code, output } = await exitOf(setup, [], { PORT: '0' });
      expect(code).toBe(2);
      expect(output).toContain('the state store is open in another process');
      expect(output).not.toMatch(noStackTrace);
      // The first one is unharmed.
      expect((await localApi(setup, 'GET', '/health')).status).toBe(200);
    } finally {
      await stopGroup(first);
    }
  }, 60_000);

  it.concurrent('a simulated endpoint port another process holds', async () => {
    const setup = await fresh();
    const port = Number(/127\.0\.0\.1:(\d+)\/health/.exec(await readFile(setup.configPath, 'utf8'))![1]);
    const server = await occupy(port);
    try {
      const { code, output } = await exitOf(setup);
      expect(code).toBe(2);
      expect(output).toContain(`us-east-1: the simulated endpoint's port 127.0.0.1:${port} is taken by another process`);
      expect(output).not.toMatch(noStackTrace);
    } finally {
      server.close();
    }
  }, 60_000);

  it.concurrent('a busy API port, found before a run left behind is resumed: the world is not touched', async () => {
    const setup = await fresh();
    // A run left behind half way: the process died with the promotion journaled but not issued.
    const first = npmStart([], { ...setup.env, FAILOVER_SIM_FREEZE_AT: 'journal:act-started:promote-standby-database' });
    await waitForOutput(first, /listening on/);
    expect((await localApi(setup, 'POST', '/failover', { to: 'eu-west-1', reason: 'left behind', force: true })).status).toBe(202);
    await waitForOutput(first, /frozen at/);
    await killGroup(first);
    const calls = readCallLog(join(setup.stateDir, 'sim')).length;

    const server = await occupy(setup.apiPort);
    try {
      const { code, output } = await exitOf(setup);
      expect(code).toBe(2);
      expect(output).toContain(`PORT: 127.0.0.1:${setup.apiPort} is already in use`);
      expect(output).not.toMatch(noStackTrace);
      expect(output).not.toContain('resuming runs');
      // At most a read of where DNS points (init); nothing that changes the world.
      const since = readCallLog(join(setup.stateDir, 'sim')).slice(calls);
      expect(since.filter((c) => !/^(List|Describe|Get)/.test(c.operation))).toEqual([]);
    } finally {
      server.close();
    }
  }, 90_000);

  it.concurrent('a config that is a YAML alias bomb', async () => {
    const setup = await fresh();
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    await writeFile(setup.configPath, `${levels.join('\n')}\n`);
    const { code, output } = await exitOf(setup);
    expect(code).toBe(2);
    expect(output).toContain('YAML: Excessive alias count');
    expect(output).not.toMatch(noStackTrace);
  }, 60_000);
});

describe('npm start over state that is gone or damaged says so, and goes on only when told', () => {
  it.concurrent('the store deleted: refused with what is gone; --accept-lost-state starts, saying what it starts without', async () => {
    const setup = await fresh();
    await runOnce(setup);
    await rm(join(setup.stateDir, 'dynalite'), { recursive: true });
    const refused = await exitOf(setup);
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/the state store .*dynalite \(store [0-9a-f-]+, created [0-9T:.-]+Z\) is gone/);
    expect(refused.output).toContain('npm start -- --accept-lost-state');
    expect(refused.output).not.toMatch(noStackTrace);
    const accepted = await runOnce(setup, ['--accept-lost-state']);
    expect(accepted).toMatch(/starting over it, as --accept-lost-state asked/);
    // From then on it is this directory's store again: a plain start works.
    await runOnce(setup);
  }, 90_000);

  it.concurrent('the store damaged (leveldb CURRENT deleted): refused; with the flag, the damaged store is kept aside', async () => {
    const setup = await fresh();
    await runOnce(setup);
    await rm(join(setup.stateDir, 'dynalite', 'CURRENT'));
    const refused = await exitOf(setup);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('is damaged (its leveldb CURRENT file is missing)');
    expect(refused.output).not.toMatch(noStackTrace);
    await runOnce(setup, ['--accept-lost-state']);
    expect((await readdir(setup.stateDir)).some((f) => f.startsWith('dynalite.damaged-'))).toBe(true);
  }, 90_000);

  it.concurrent('the simulated cloud deleted while the store remembers the runs that changed it: refused', async () => {
    const setup = await fresh();
    await runOnce(setup);
    await rm(join(setup.stateDir, 'sim'), { recursive: true });
    const refused = await exitOf(setup);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain("the simulated cloud's state in");
    expect(refused.output).not.toMatch(noStackTrace);
  }, 90_000);
});
