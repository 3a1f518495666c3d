/**
 * The controller side of the metrics-cost benchmark, in its own process
 * (bundled by bench/metrics-cost.ts and run with plain `node`); the probe
 * endpoints it probes are served by the benchmark's process. Prints one JSON line.
 *
 *   node metrics-cost-child.mjs scrape <apps> <scrapes> <url>...
 *     apps x 3 regions (one probe each) recording into PromMetrics; GET /metrics
 *     through buildApp (fastify inject, a viewer's token) after 3 rounds, then
 *     again after a real failover run of every application (so that the run,
 *     step and DNS-switch series exist too);
 *   node metrics-cost-child.mjs round <turns> <url>...
 *     three controllers of 100 apps x 2 regions x 5 probes (1,000 probes a
 *     round), one recording into PromMetrics, two with no `metrics` (nothing
 *     recorded: the baseline and an A/A control), their rounds in turn; then
 *     the recording calls of one such round alone.
 */
import { pino } from 'pino';
import { PromMetrics } from '../../src/adapters/metrics/prom-metrics.js';
import { hashToken } from '../../src/api/auth/token-verifier.js';
import { buildApp } from '../../src/api/build-app.js';
import { ControllerMetrics, type ProbeSample } from '../../src/metrics/controller-metrics.js';
import type { HoldDecision } from '../../src/policy/decision.js';
import { NO_METRICS, type MetricsSink } from '../../src/ports/metrics-sink.js';
import { BENCH_TOKEN } from './bench-token.js';
import { type FleetController, type FleetShape, startFleetController } from './fleet-controller.js';
import { median } from './report.js';

/** Runs' cloud operations a hundred times faster than `npm start`'s: the runs are there for the series they leave. */
const FAST_CLOUD = { promoteMs: 50, replicaCreateMs: 50, instanceBootMs: 50, dnsPropagationMs: 50, alarmPeriodMs: 100, healthCheckMs: 50 };
const SCRAPE_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const ROUND_SHAPE: FleetShape = { apps: 100, regions: ['us-east-1', 'eu-west-1'], probesPerRegion: 5 };
const WARM_ROUNDS = 5;
const MICRO_SAMPLES = 15;
const MICRO_SAMPLE_MS = 100;

const [mode, count, ...rest] = process.argv.slice(2);
if (mode === 'scrape') {
  const [scrapes, ...urls] = rest;
  process.stdout.write(`${JSON.stringify(await scrapeCost(Number(count), Number(scrapes), urls))}\n`);
} else if (mode === 'round') {
  process.stdout.write(`${JSON.stringify(await roundCost(Number(count), rest))}\n`);
} else {
  throw new Error('usage: scrape <apps> <scrapes> <url>... | round <turns> <url>...');
}
process.exit(0);

/** One state's scrapes: GET /metrics through the route, and its parts. */
export interface ScrapeState {
  /** Whole request through the route (fastify inject), ms. */
  routeMs: number[];
  /** PromMetrics.scrape() alone (collect the gauges, set them, serialise), ms. */
  scrapeMs: number[];
  /** The registry's serialisation alone (registry.metrics()), ms. */
  serialiseMs: number[];
  bytes: number;
  /** Sample lines (series) in the exposition, and those of the process metrics. */
  series: number;
  processSeries: number;
  /** Sample lines per metric (a histogram's _bucket, _sum and _count together), largest first. */
  families: [string, number][];
  status: number;
}

async function scrapeCost(apps: number, scrapes: number, urls: string[]) {
  const metrics = new PromMetrics();
  const fleet = await startFleetController({ apps, regions: SCRAPE_REGIONS, probesPerRegion: 1 }, urls, { metrics, delays: FAST_CLOUD });
  const log = pino({ level: 'silent' });
  const auth = { ...fleet.config.api, tokens: [{ name: 'bench', sha256: hashToken(BENCH_TOKEN), roles: ['viewer' as const] }] };
  // As src/local/start-local.ts wires it.
  const api = await buildApp({ controller: fleet.controller, store: fleet.store, log, auth, metrics: () => metrics.scrape() });
  let failures = 0;
  const rounds = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await fleet.round();
      failures += fleet.prober.last.results.filter((r) => !r.ok).length;
    }
  };
  await rounds(3);
  const steady = await measureScrapes(api, metrics, scrapes);
  const t0 = performance.now();
  const failover = (app: string) => fleet.controller.failover({ app, to: 'eu-west-1', reason: 'benchmark', by: 'bench' });
  const runs = await Promise.all(fleet.config.applications.map((app) => failover(app.name)));
  const ended = await Promise.all(runs.map((run) => fleet.controller.waitForRun(run.id)));
  const runsS = (performance.now() - t0) / 1000;
  await rounds(1);
  const afterRuns = await measureScrapes(api, metrics, scrapes);
  await api.close();
  await fleet.close();
  const runsSucceeded = ended.filter((r) => r?.status === 'succeeded').length;
  return { apps, regions: SCRAPE_REGIONS.length, failures, runs: ended.length, runsSucceeded, runsS, steady, afterRuns };
}

async function measureScrapes(api: Awaited<ReturnType<typeof buildApp>>, metrics: PromMetrics, scrapes: number): Promise<ScrapeState> {
  const state: ScrapeState = { routeMs: [], scrapeMs: [], serialiseMs: [], bytes: 0, series: 0, processSeries: 0, families: [], status: 0 };
  const inject = () => api.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
  // Warm-up: the first scrape compiles the serialiser and sizes the buffers.
  await inject();
  for (let i = 0; i < scrapes; i++) {
    let t = performance.now();
    const response = await inject();
    state.routeMs.push(performance.now() - t);
    t = performance.now();
    await metrics.scrape();
    state.scrapeMs.push(performance.now() - t);
    t = performance.now();
    await metrics.registry.metrics();
    state.serialiseMs.push(performance.now() - t);
    state.status = response.statusCode;
    state.bytes = response.rawPayload.length;
    const lines = response.body.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    state.series = lines.length;
    state.processSeries = lines.filter((l) => /^failover_(process|nodejs)_/.test(l)).length;
    const families = new Map<string, number>();
    for (const line of lines) {
      const family = /^[\w:]+/.exec(line)![0].replace(/_(bucket|sum|count)$/, '');
      families.set(family, (families.get(family) ?? 0) + 1);
    }
    state.families = [...families].sort((a, b) => b[1] - a[1]);
  }
  return state;
}

async function roundCost(turns: number, urls: string[]) {
  const promMetrics = new PromMetrics();
  // `control` is a second controller without metrics: with/without is the A/B, control/without the A/A,
  // which shows what two identical controllers in one process differ by on this machine.
  const fleets = {
    with: await startFleetController(ROUND_SHAPE, urls, { metrics: promMetrics }),
    without: await startFleetController(ROUND_SHAPE, urls),
    control: await startFleetController(ROUND_SHAPE, urls),
  };
  type Variant = keyof typeof fleets;
  const variants = Object.keys(fleets) as Variant[];
  const walls: Record<Variant, number[]> = { with: [], without: [], control: [] };
  const cpus: Record<Variant, number[]> = { with: [], without: [], control: [] };
  let failures = 0;
  const run = async (variant: Variant, keep: boolean) => {
    const { wallMs, cpuMs } = await fleets[variant].round();
    failures += fleets[variant].prober.last.results.filter((r) => !r.ok).length;
    if (!keep) return;
    walls[variant].push(wallMs);
    cpus[variant].push(cpuMs);
  };
  for (let i = 0; i < WARM_ROUNDS; i++) for (const v of variants) await run(v, false);
  // Rotate which goes first, so that none always follows the same one (the one after a GC pays less).
  for (let i = 0; i < turns; i++) for (const v of [...variants.slice(i % 3), ...variants.slice(0, i % 3)]) await run(v, true);
  const probes = fleets.with.prober.last.targets.length;
  const recording = recordingCost(fleets.with);
  for (const fleet of Object.values(fleets)) await fleet.close();
  return { probes, apps: ROUND_SHAPE.apps, walls, cpus, failures, recording };
}

/**
 * The recording calls one round makes, alone, on the last round's real probe
 * results: ControllerMetrics.probes over every probe, a held decision per
 * application, the round's timing; into a PromMetrics whose series exist
 * already (as in every round but the first), against the same calls into
 * NO_METRICS (what the controller runs without `metrics`). Median µs per round.
 */
function recordingCost(fleet: FleetController) {
  const { results } = fleet.prober.last;
  // The controller's order: applications, their regions, their probes (src/controller/controller.ts, round()).
  const places = fleet.config.applications.flatMap((app) => app.regions.flatMap((region) => region.probes.map(() => ({ app: app.name, region: region.name }))));
  const decisions = fleet.config.applications.map((app): HoldDecision => ({ action: 'hold', app: app.name, at: 0, reason: 'all regions healthy', attention: false }));
  const record = (metrics: ControllerMetrics) => {
    // The samples are built as the controller builds them (an object literal, not a spread: V8 copies those slowly), with or without a sink.
    const samples: ProbeSample[] = places.map((p, i) => ({ app: p.app, region: p.region, result: results[i]! }));
    metrics.probes(samples);
    for (const decision of decisions) metrics.decision(decision);
    metrics.round({ dueAt: 0, startedAt: 1, endedAt: 900 });
  };
  const sinks: Record<'prom' | 'none', MetricsSink> = { prom: new PromMetrics(), none: NO_METRICS };
  const recorders = { prom: new ControllerMetrics(sinks.prom, 'bench'), none: new ControllerMetrics(sinks.none, 'bench') };
  const rate = (metrics: ControllerMetrics) => {
    let n = 0;
    const started = performance.now();
    let elapsed = 0;
    do {
      record(metrics);
      n++;
      elapsed = performance.now() - started;
    } while (elapsed < MICRO_SAMPLE_MS);
    return (elapsed * 1000) / n;
  };
  rate(recorders.prom);
  rate(recorders.none);
  const us = { prom: [] as number[], none: [] as number[] };
  for (let i = 0; i < MICRO_SAMPLES; i++) {
    us.prom.push(rate(recorders.prom));
    us.none.push(rate(recorders.none));
  }
  return {
    promUs: median(us.prom),
    noneUs: median(us.none),
    probes: places.length,
    decisions: decisions.length,
  };
}
