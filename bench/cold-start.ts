/**
 * Cold start of the Lambda bundles: `npm run bench` (tsx bench/cold-start.ts [--runs N]).
 *
 * Builds each function (probe, api, runbook, reader) with the esbuild settings that
 * `serverless package` uses (deploy/esbuild.config.cjs), then reports per
 * function the bundle size (minified) and the cold module init time: the
 * median wall time of a fresh `node -e "require('<bundle>')"` minus the
 * median of a bare `node -e ''`, runs interleaved so that load on the machine
 * hits both alike. Loading a bundle composes nothing (that happens on the
 * first invocation), so this is what Lambda's init phase pays for our code.
 * For the record of the bundling decision, the same bundles are also built
 * with the AWS SDK v3 left out (as if loaded from the Lambda runtime's copy;
 * here from node_modules, which has the same CommonJS layout) and measured
 * the same way. Writes the results into BENCHMARKS.md between the cold-start
 * markers.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const FUNCTIONS = ['probe', 'api', 'runbook', 'reader'] as const;
const TARGET_BYTES = 1024 * 1024;
const TARGET_INIT_MS = 150;
const BEGIN = '<!-- cold-start:begin (written by npm run bench) -->';
const END = '<!-- cold-start:end -->';

interface Result {
  fn: string;
  variant: 'deployed' | 'sdk-external';
  bytes: number;
  initMs: number;
  bundleMs: number;
  top: { pkg: string; bytes: number }[];
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 3) throw new Error(`--runs: must be a whole number of at least 3, got ${values.runs}`);

const require = createRequire(import.meta.url);
const { lambdaBuildOptions } = require('../deploy/esbuild.config.cjs') as { lambdaBuildOptions: () => Record<string, unknown> };
// serverless-esbuild's own options, not esbuild's.
const { exclude: _exclude, outputFileExtension, ...buildOptions } = lambdaBuildOptions();

// Inside the repository, so that a bundle built without the SDK finds it in node_modules.
mkdirSync(join(ROOT, '.bench-build'), { recursive: true });
const out = mkdtempSync(join(ROOT, '.bench-build', 'cold-start-'));
try {
  const variants = [
    { variant: 'deployed' as const, external: [] as string[] },
    { variant: 'sdk-external' as const, external: ['@aws-sdk/*', '@smithy/*'] },
  ];
  const bundles: { key: string; fn: string; variant: Result['variant']; file: string; bytes: number; top: Result['top'] }[] = [];
  for (const { variant, external } of variants) {
    for (const fn of FUNCTIONS) {
      const file = join(out, variant, `${fn}${String(outputFileExtension)}`);
      const built = await esbuild.build({ ...(buildOptions as esbuild.BuildOptions), external, entryPoints: [join(ROOT, `src/handlers/${fn}.ts`)], outfile: file, metafile: true, logLevel: 'error' });
      const output = Object.values(built.metafile.outputs)[0]!;
      bundles.push({ key: `${variant}/${fn}`, fn, variant, file, bytes: output.bytes, top: biggest(output.inputs) });
    }
  }

  const time = (args: string[]): number => {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { cwd: out, stdio: ['ignore', 'ignore', 'pipe'] });
    if (child.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${child.stderr.toString()}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const load = (file: string) => ['-e', `require(${JSON.stringify(file)})`];
  const samples = new Map<string, number[]>([['bare', []]]);
  // A warm-up of each, so that the first run does not pay for the disk cache.
  time(['-e', '']);
  for (const b of bundles) time(load(b.file));
  for (let i = 0; i < runs; i++) {
    samples.get('bare')!.push(time(['-e', '']));
    for (const b of bundles) samples.set(b.key, [...(samples.get(b.key) ?? []), time(load(b.file))]);
  }
  const bare = median(samples.get('bare')!);
  const results: Result[] = bundles.map((b) => {
    const total = median(samples.get(b.key)!);
    return { fn: b.fn, variant: b.variant, bytes: b.bytes, bundleMs: total, initMs: total - bare, top: b.top };
  });

  const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}`;
  const section = render(results, { bare, runs, machine, node: process.version });
  process.stdout.write(`${section}\n`);
  const path = join(ROOT, 'BENCHMARKS.md');
  let doc = '';
  try {
    doc = readFileSync(path, 'utf8');
  } catch {
    doc = '# Benchmarks\n';
  }
  const at = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  doc = at >= 0 && end > at ? `${doc.slice(0, at)}${section}${doc.slice(end + END.length)}` : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, doc);
} finally {
  rmSync(out, { recursive: true, force: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The packages that weigh most in a bundle (by bytes in the output). */
function biggest(inputs: Record<string, { bytesInOutput: number }>): Result['top'] {
  const byPkg = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const pkg = m ? m[1]! : path.startsWith('deploy/') ? 'deploy' : 'our code (src, runbooks)';
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + bytesInOutput);
  }
  return [...byPkg].map(([pkg, bytes]) => ({ pkg, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, 6);
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KB`;
}

function render(results: Result[], run: { bare: number; runs: number; machine: string; node: string }): string {
  const commit = (() => {
    try {
      const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
      // What was measured may not be committed yet: say so.
      const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT }).toString().trim() !== '';
      return dirty ? `${head}+changes` : head;
    } catch {
      return 'unknown';
    }
  })();
  const deployed = results.filter((r) => r.variant === 'deployed');
  const external = results.filter((r) => r.variant === 'sdk-external');
  const rows = deployed.map(
    (r) =>
      `| ${r.fn} | ${kb(r.bytes)} (${r.bytes.toLocaleString('en-US')} B) | ${r.bytes <= TARGET_BYTES ? 'yes' : '**no**'} | ${r.bundleMs.toFixed(0)} ms | ${r.initMs.toFixed(0)} ms | ${r.initMs <= TARGET_INIT_MS ? 'yes' : '**no**'} |`,
  );
  const compared = external.map((r) => {
    const ours = deployed.find((d) => d.fn === r.fn)!;
    return `| ${r.fn} | ${kb(r.bytes)} | ${r.initMs.toFixed(0)} ms | ${kb(ours.bytes)} | ${ours.initMs.toFixed(0)} ms |`;
  });
  const heavy = deployed.map((r) => `- ${r.fn}: ${r.top.map((t) => `${t.pkg} ${kb(t.bytes)}`).join(', ')}`);
  return [
    BEGIN,
    '## Lambda cold start: bundle size and module init',
    '',
    '```sh',
    `npm run bench            # tsx bench/cold-start.ts --runs ${run.runs}`,
    '```',
    '',
    `Bundles built with the settings of \`serverless package\` (deploy/esbuild.config.cjs: CommonJS, minified, node22, the AWS SDK v3 bundled). ` +
      `Init = median of ${run.runs} fresh \`node -e "require(bundle)"\` minus the median of ${run.runs} bare \`node -e ''\` (${run.bare.toFixed(0)} ms), interleaved. ` +
      `Targets: at most 1 MB per bundle, init at most ${TARGET_INIT_MS} ms above bare Node.`,
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} at ${commit}, Node ${run.node}, ${run.machine}.`,
    '',
    '| function | bundle (minified) | ≤ 1 MB | node + require | init above bare node | ≤ 150 ms |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'The bundling decision: the same bundles with the AWS SDK v3 left out (`external`), loaded from node_modules as the Lambda runtime would load its own copy:',
    '',
    '| function | bundle without the SDK | init above bare node | bundle with the SDK (deployed) | init above bare node |',
    '|---|---|---|---|---|',
    ...compared,
    '',
    'What weighs most in each bundle:',
    '',
    ...heavy,
    END,
  ].join('\n');
}
