/**
 * What every benchmark shares: statistics, the machine it ran on, and the
 * rewrite of its own marked section of BENCHMARKS.md (nothing outside the
 * markers is touched, so sections written by other scripts and the prose
 * around them stay as they are).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const DOC = join(ROOT, 'BENCHMARKS.md');
/** Where each benchmark leaves its headline figures for the summary of bench/run-all.ts. */
export const RESULTS_DIR = join(ROOT, '.bench-build', 'results');

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Linear-interpolated percentile (p in 0..100) of a non-empty sample. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** "AMD EPYC, 2 CPUs, Node v20.20.2, load 0.61" */
export function machine(): string {
  return `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} CPUs, Node ${process.version}, load ${loadavg()[0]!.toFixed(2)} at start`;
}

/** Short commit of the working tree, with `+changes` when it is dirty. */
export function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'runbooks', 'bench'], { cwd: ROOT }).toString().trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

/** The first line under a section's heading: when, where, at which commit. */
export function measuredLine(load: string): string {
  return `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC at ${commit()}, ${load}.`;
}

export function yesNo(ok: boolean): string {
  return ok ? 'yes' : '**no**';
}

export function ms(value: number, digits = 0): string {
  return `${value.toFixed(digits)} ms`;
}

/** One headline figure, for the summary table. */
export interface Headline {
  benchmark: string;
  anchor: string;
  figure: string;
  target: string;
  pass: boolean;
}

/** Leave the headline figures where bench/run-all.ts picks them up. */
export function saveHeadlines(name: string, headlines: Headline[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify(headlines, null, 2));
}

/**
 * Replace the text between `<!-- name:begin ... -->` and `<!-- name:end -->`
 * in BENCHMARKS.md with `body` (markers included in what is written). A
 * missing section is added at the end, or, with `atTop`, after the title.
 */
export function writeSection(name: string, body: string, options: { atTop?: boolean } = {}): void {
  const begin = `<!-- ${name}:begin (written by npm run bench) -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${begin}\n${body.trim()}\n${end}`;
  let doc: string;
  try {
    doc = readFileSync(DOC, 'utf8');
  } catch {
    doc = '# Benchmarks\n';
  }
  const at = doc.search(new RegExp(`<!-- ${name}:begin[^>]*-->`));
  const stop = doc.indexOf(end);
  if (at >= 0 && stop > at) {
    doc = `${doc.slice(0, at)}${section}${doc.slice(stop + end.length)}`;
  } else if (options.atTop) {
    const firstBreak = doc.indexOf('\n');
    doc = firstBreak < 0 ? `${doc}\n\n${section}\n` : `${doc.slice(0, firstBreak + 1)}\n${section}\n${doc.slice(firstBreak + 1)}`;
  } else {
    doc = `${doc.trimEnd()}\n\n${section}\n`;
  }
  writeFileSync(DOC, doc);
}

/**
 * CPU pinning for client/server benchmarks on loopback: without it the
 * scheduler may put a client and the server it wakes on the same CPU for a
 * while, which slows one variant by chance, not by its code. With two CPUs or more and
 * `taskset` available, `pinForLoopback()` moves this process to CPU 0 and
 * `pinned()` starts children on CPU 1; otherwise nothing is pinned. Only the
 * benchmarks that call it are pinned (children inherit a process's CPUs).
 */
let pinning: { enabled: boolean; note: string } | undefined;

export function pinForLoopback(): { enabled: boolean; note: string } {
  if (pinning) return pinning;
  if (cpus().length < 2) return (pinning = { enabled: false, note: 'Nothing is pinned (one CPU).' });
  const own = spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  if (own.status !== 0) return (pinning = { enabled: false, note: 'Nothing is pinned (no `taskset`).' });
  return (pinning = { enabled: true, note: 'The benchmark process is pinned to CPU 0 and the measured child processes to CPU 1 (`taskset`), so that the scheduler cannot stack client and server on one CPU.' });
}

/** The command and arguments that run `command args` on CPU 1 once `pinForLoopback()` has pinned this process. */
export function pinned(command: string, args: string[]): [string, string[]] {
  return pinning?.enabled ? ['taskset', ['-c', '1', command, ...args]] : [command, args];
}
