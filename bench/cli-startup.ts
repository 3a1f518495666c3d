/**
 * CLI start-up: `tsx bench/cli-startup.ts [--runs 21]`.
 *
 * `bin/failover.js` as a user runs it, a fresh process each time: `--version`
 * (answered before the CLI loads), and `status` against `npm start` (a real
 * local controller on a free port, found through the address it records in
 * its state directory, with the token it wrote there). Beside them, in the
 * same run: bare `node -e ''` (what any Node program pays), and `status`
 * through tsx from the TypeScript sources, as the CLI ran before it was
 * compiled to dist/. Wall time per command, median and p95, interleaved.
 * Targets (issue 18): `--version` ≤ 300 ms, `status` ≤ 500 ms.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { type Headline, machine, measuredLine, percentile, ROOT, saveHeadlines, writeSection, yesNo } from './lib/report.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 3) throw new Error(`--runs: a whole number from 3, got ${values.runs}`);

const BIN = join(ROOT, 'bin/failover.js');
const TARGETS = { version: 300, status: 500 };

/** Start `npm start` on a free port with a state directory of its own; resolves once its API address is recorded. */
async function startLocal(stateDir: string): Promise<ChildProcess> {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, FAILOVER_STATE_DIR: stateDir, PORT: '0', LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: 'ignore',
    detached: true,
  });
  for (let i = 0; i < 600 && !existsSync(join(stateDir, 'api-url')); i++) await sleep(100);
  if (!existsSync(join(stateDir, 'api-url'))) throw new Error('npm start recorded no API address within 60 s');
  return child;
}

/** Wall time of one command, in ms; it must exit 0. */
function timed(command: string, args: string[], env: Record<string, string>): number {
  const started = performance.now();
  const out = spawnSync(command, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  const took = performance.now() - started;
  if (out.status !== 0) throw new Error(`${command} ${args.join(' ')}: exit ${out.status}\n${out.stderr}`);
  return took;
}

const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, encoding: 'utf8' });
if (build.status !== 0) throw new Error(`scripts/build-cli.mjs failed:\n${build.stderr}`);
const load = machine();
const stateDir = mkdtempSync(join(tmpdir(), 'failover-cli-bench-'));
const local = await startLocal(stateDir);
const env = { FAILOVER_STATE_DIR: stateDir };
const commands = {
  node: () => timed(process.execPath, ['-e', ''], env),
  version: () => timed(BIN, ['--version'], env),
  status: () => timed(BIN, ['status'], env),
  statusTsx: () => timed(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'status'], env),
};
const samples: Record<keyof typeof commands, number[]> = { node: [], version: [], status: [], statusTsx: [] };
try {
  // One warm-up each (the page cache), then the runs, interleaved so that a slow second of the machine falls on all of them.
  for (const run of Object.values(commands)) run();
  for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(commands)) samples[name as keyof typeof commands].push(run());
} finally {
  process.kill(-local.pid!, 'SIGTERM');
  await once(local, 'exit');
}

const row = (label: string, xs: number[], target?: number) =>
  `| ${label} | ${percentile(xs, 50).toFixed(0)} ms | ${percentile(xs, 95).toFixed(0)} ms | ${target !== undefined ? `≤ ${target} ms` : ''} | ${target !== undefined ? yesNo(percentile(xs, 50) <= target) : ''} |`;
const versionOk = percentile(samples.version, 50) <= TARGETS.version;
const statusOk = percentile(samples.status, 50) <= TARGETS.status;
const version = readFileSync(join(ROOT, 'package.json'), 'utf8').match(/"version": "([^"]+)"/)?.[1];
writeSection(
  'cli-startup',
  [
    '## CLI start-up: `failover --version` and `failover status`',
    '',
    measuredLine(load),
    '',
    '```sh',
    `npm run bench -- --only cli-startup    # tsx bench/cli-startup.ts --runs ${runs}`,
    '```',
    '',
    `\`bin/failover.js\` (version ${version}) as a user runs it, a fresh process for each of ${runs} runs per command, interleaved, after one warm-up each: ` +
      '`--version`, answered by the bin before the CLI loads; `status` against `npm start` on this machine (found through the address and token it recorded in its state directory, so a real HTTP request and the answer formatted), running the CLI compiled to `dist/` by `scripts/build-cli.mjs`. ' +
      "Beside them: bare `node -e ''`, the floor any Node program pays here, and `status` run from the TypeScript sources through tsx, as the CLI ran before this build step.",
    '',
    '| command | median | p95 | target | met |',
    '|---|---|---|---|---|',
    row("`node -e ''` (the floor)", samples.node),
    row('`failover --version`', samples.version, TARGETS.version),
    row('`failover status` (dist/)', samples.status, TARGETS.status),
    row('`failover status` from the sources through tsx (before)', samples.statusTsx),
    '',
    `The compiled CLI loads only what a command needs: the config schema, the YAML parser and the AWS SDK clients are split into chunks that \`validate\`, \`iam-policy\` and \`provision\` import when they run; undici loads when a command talks to the API, cli-progress with the first progress bar. ` +
      `\`status\` is ${(percentile(samples.statusTsx, 50) / percentile(samples.status, 50)).toFixed(1)} times faster than through tsx.`,
  ].join('\n'),
);
const anchor = 'cli-start-up-failover---version-and-failover-status';
const headlines: Headline[] = [
  { benchmark: 'CLI start-up', anchor, figure: `failover --version ${percentile(samples.version, 50).toFixed(0)} ms, failover status ${percentile(samples.status, 50).toFixed(0)} ms (medians)`, target: `≤ ${TARGETS.version} ms; ≤ ${TARGETS.status} ms`, pass: versionOk && statusOk },
];
saveHeadlines('cli-startup', headlines);
process.stdout.write(`cli-startup: --version ${percentile(samples.version, 50).toFixed(0)} ms, status ${percentile(samples.status, 50).toFixed(0)} ms\n`);
