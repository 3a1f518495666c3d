import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunRecord } from '../../src/runbook/run.js';
import { freeStablePort } from './free-port.js';

const root = new URL('../../', import.meta.url).pathname;

/** `npm start` running as a process group of its own (npm, sh, tsx, node), with its output. */
export interface NpmStart {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code and signal. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/**
 * Run `npm start` exactly as a user types it, in a new process group so that
 * the whole group (npm and every process under it) can be killed at once,
 * as a crash or `kill -9` of the terminal's job would.
 */
export function npmStart(args: string[], env: Record<string, string>): NpmStart {
  const child = spawn('npm', ['start', '--silent', ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: root,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const proc = { child, output: () => output, exited };
  live.add(proc);
  void exited.then(() => groupGone(proc)).finally(() => live.delete(proc));
  return proc;
}

/** Every group started and not yet gone, so a failed test never leaves one running. */
const live = new Set<NpmStart>();

/** SIGKILL every group still alive (an afterAll of the files that start npm). */
export async function killAllGroups(): Promise<void> {
  await Promise.all([...live].map((proc) => killGroup(proc)));
}

/** Wait until the output matches, driven by the child's own output events (no polling sleeps); fails if it exits first. */
export async function waitForOutput(proc: NpmStart, pattern: RegExp): Promise<void> {
  const exited = proc.exited.then(() => 'exited' as const);
  while (!pattern.test(proc.output())) {
    const event = await Promise.race([once(proc.child.stdout!, 'data'), once(proc.child.stderr!, 'data'), exited]);
    if (event === 'exited' && !pattern.test(proc.output())) throw new Error(`exited before printing ${pattern}:\n${proc.output()}`);
  }
}

/** SIGKILL the whole process group, and wait until every process of it is gone (and its ports free). */
export async function killGroup(proc: NpmStart): Promise<void> {
  signalGroup(proc, 'SIGKILL');
  await proc.exited;
  await groupGone(proc);
}

/** SIGTERM the whole group (a clean stop) and wait until every process of it is gone. */
export async function stopGroup(proc: NpmStart): Promise<void> {
  signalGroup(proc, 'SIGTERM');
  await proc.exited;
  await groupGone(proc);
}

function signalGroup(proc: NpmStart, signal: NodeJS.Signals): void {
  try {
    process.kill(-proc.child.pid!, signal);
  } catch {
    // Already gone.
  }
}

/** npm exits before the node process under it has let go of its sockets: wait for the last member of the group. */
async function groupGone(proc: NpmStart): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(-proc.child.pid!, 0);
    } catch {
      return;
    }
    await sleep(25);
  }
  throw new Error(`process group ${proc.child.pid} still alive 5 s after it was signalled`);
}

/** A local-mode setup of its own: a state directory with a config whose simulated endpoints and API take free ports. */
export interface LocalSetup {
  stateDir: string;
  configPath: string;
  apiPort: number;
  env: Record<string, string>;
}

/**
 * Write `<stateDir>/failover.yaml` from examples/failover.yaml with free
 * ports for the simulated endpoints, fast simulated delays and 1 s rounds,
 * the `extra` YAML appended at the top level, and automatic failover as asked.
 */
export async function localSetup(stateDir: string, options: { extra?: string; automaticFailover?: boolean } = {}): Promise<LocalSetup> {
  // Outside the ephemeral range: the same ports serve every restart of the process (see freeStablePort).
  const [apiPort, a, b] = [await freeStablePort(), await freeStablePort(), await freeStablePort()];
  const example = await readFile(join(root, 'examples/failover.yaml'), 'utf8');
  const config = example
    .replace('127.0.0.1:18101', `127.0.0.1:${a}`)
    .replace('127.0.0.1:18102', `127.0.0.1:${b}`)
    .replace('probeIntervalSeconds: 2 ', 'probeIntervalSeconds: 1 ')
    .replace('timeoutMs: 1000', 'timeoutMs: 500')
    .replace('timeoutMs: 1000', 'timeoutMs: 500')
    .replace('automaticFailover: true', `automaticFailover: ${options.automaticFailover ?? true}`);
  const configPath = join(stateDir, 'failover.yaml');
  await writeFile(configPath, `${config}\nsimulation: { delays: { promoteMs: 400, replicaCreateMs: 400, instanceBootMs: 300, dnsPropagationMs: 300 } }\n${options.extra ?? ''}`);
  return { stateDir, configPath, apiPort, env: { FAILOVER_STATE_DIR: stateDir, FAILOVER_CONFIG: configPath, PORT: String(apiPort) } };
}

/** Call the local API with the token local mode wrote into the state directory. */
export async function localApi<T = unknown>(setup: LocalSetup, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const token = (await readFile(join(setup.stateDir, 'api-token'), 'utf8')).trim();
  const res = await fetch(`http://127.0.0.1:${setup.apiPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Poll the API until the app's newest run has ended (the process resumes it on its own). */
export async function endedRun(setup: LocalSetup, proc: NpmStart): Promise<RunRecord> {
  for (let i = 0; i < 600; i++) {
    const { body } = await localApi<{ runs: RunRecord[] }>(setup, 'GET', '/runs?limit=1');
    if (body.runs[0] && body.runs[0].status !== 'running') return body.runs[0];
    if (proc.child.exitCode !== null) throw new Error(`npm start exited:\n${proc.output()}`);
    await sleep(100);
  }
  throw new Error(`the run did not end within 60 s:\n${proc.output()}`);
}
