/**
 * Every benchmark, one after another, each in its own process: `npm run bench`
 * (tsx bench/run-all.ts [--only name,name]). Each script rewrites its own
 * marked section of BENCHMARKS.md; this one then writes the summary at the
 * top from the headline figures they left in .bench-build/results/.
 * Exits non-zero when a benchmark could not run (not when a target is missed:
 * a missed target is a finding, written down with its reason).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Headline, machine, measuredLine, RESULTS_DIR, ROOT, writeSection } from './lib/report.js';

const BENCHMARKS = [
  { name: 'decision-cost', args: [] as string[] },
  { name: 'probe-throughput', args: [] },
  { name: 'api-throughput', args: ['--seconds', '1'] },
  { name: 'orchestration', args: ['--reps', '3'] },
  { name: 'detection', args: ['--trials', '24'] },
  { name: 'traffic-switch', args: ['--reps', '3'] },
  { name: 'readiness-cost', args: [] },
  { name: 'cold-start', args: ['--runs', '21'] },
  { name: 'status-page-memory', args: ['--loads', '10000', '--unfixed-loads', '2000'] },
  { name: 'metrics-cost', args: ['--turns', '30'] },
  { name: 'cli-startup', args: ['--runs', '21'] },
];

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((n) => !BENCHMARKS.some((b) => b.name === n)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`--only: unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}
const selected = BENCHMARKS.filter((b) => !only || only.includes(b.name));

const load = machine();
const started = performance.now();
const ran: { name: string; command: string; seconds: number; ok: boolean }[] = [];
for (const bench of selected) {
  rmSync(join(RESULTS_DIR, `${bench.name}.json`), { force: true });
  const command = `tsx bench/${bench.name}.ts${bench.args.length ? ` ${bench.args.join(' ')}` : ''}`;
  process.stdout.write(`\n=== ${command}\n`);
  const t0 = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', `${bench.name}.ts`), ...bench.args], { cwd: ROOT, stdio: 'inherit' });
  const seconds = (performance.now() - t0) / 1000;
  ran.push({ name: bench.name, command, seconds, ok: child.status === 0 });
  process.stdout.write(`=== ${bench.name}: ${child.status === 0 ? 'done' : `FAILED (exit ${child.status ?? child.signal})`} in ${seconds.toFixed(0)} s\n`);
}
const totalS = (performance.now() - started) / 1000;

// The summary covers every benchmark: figures of this run where it ran, the last ones written otherwise.
const rows: string[] = [];
for (const bench of BENCHMARKS) {
  const file = join(RESULTS_DIR, `${bench.name}.json`);
  const run = ran.find((r) => r.name === bench.name);
  if (bench.name === 'cold-start') {
    // bench/cold-start.ts keeps its own format; its section says **no** wherever a target is missed.
    const doc = readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');
    const section = /<!-- cold-start:begin[^>]*-->([\s\S]*?)<!-- cold-start:end -->/.exec(doc)?.[1] ?? '';
    const missed = section.includes('**no**');
    rows.push(`| [Lambda cold start](#lambda-cold-start-bundle-size-and-module-init) | per function: bundle size and init above bare \`node -e ''\` (see the section) | ≤ 1 MB; ≤ 150 ms | ${run && !run.ok ? '**did not run**' : section ? (missed ? '**no** (see the section)' : 'yes') : 'not measured'} |`);
    continue;
  }
  if (run && !run.ok) {
    rows.push(`| ${bench.name} | **the benchmark failed to run** | | |`);
    continue;
  }
  if (!existsSync(file)) {
    rows.push(`| ${bench.name} | not measured | | |`);
    continue;
  }
  const headlines = JSON.parse(readFileSync(file, 'utf8')) as Headline[];
  for (const h of headlines) rows.push(`| [${h.benchmark}](#${h.anchor}) | ${h.figure} | ${h.target} | ${h.pass ? 'yes' : '**no**'} |`);
}

const body = [
  '## Summary',
  '',
  '```sh',
  'npm run bench            # tsx bench/run-all.ts: every benchmark below, each in its own process; --only NAME[,NAME] runs some',
  '```',
  '',
  `${measuredLine(load)} ${only ? `This run: ${selected.map((b) => b.name).join(', ')}; the other rows are from earlier runs.` : `All ${selected.length} benchmarks in ${totalS.toFixed(0)} s.`}`,
  '',
  'Every figure is a ratio against a baseline measured in the same run (named in each section), so that it holds on a noisy machine; absolute figures are given beside it. ' +
    'This machine is a shared 2-CPU VM whose speed moves by a factor of two or more from one second to the next, which is why the benchmarks interleave each measurement with its baseline.',
  '',
  '| benchmark | figure | target | met |',
  '|---|---|---|---|',
  ...rows,
  '',
  'Commands, each also runnable alone with `npx`:',
  '',
  ...BENCHMARKS.map((b) => {
    const run = ran.find((r) => r.name === b.name);
    return `- \`${run?.command ?? `tsx bench/${b.name}.ts${b.args.length ? ` ${b.args.join(' ')}` : ''}`}\`${run ? ` (${run.seconds.toFixed(0)} s)` : ''}`;
  }),
].join('\n');
writeSection('summary', body, { atTop: true });
process.stdout.write(`\n${body}\n`);
if (ran.some((r) => !r.ok)) process.exit(1);
