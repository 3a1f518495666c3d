/**
 * Failover orchestration: `tsx bench/orchestration.ts [--reps 3]`.
 *
 * The regional-failover runbook (runbooks/regional-failover.ts) executed by
 * the runbook engine with the real clock, launched as an operator's failover
 * through the controller (lease, run record, journal in the in-memory store,
 * per-call retries), on the simulated cloud with injected step latencies
 * (createSimProviders delays: promotion, instance boot, DNS propagation),
 * after the primary region was broken.
 *
 * Baseline: the critical path, computed from the same delays and the
 * runbook's tree: a step costs the latency injected into what it waits for,
 * a sequence the sum of its children, a parallel group the longest child.
 * Figure: wall time / critical path.
 *
 * Two latency profiles: the one `npm start` uses (whole seconds), and one
 * off the poll grid. For comparison, each profile also
 * runs with a variant of the same runbook whose steps poll every 100 ms
 * (reported, not a target).
 */
import { parseArgs } from 'node:util';
import { runbooks } from '../runbooks/index.js';
import { DEFAULT_SIM_DELAYS, type SimDelays } from '../src/adapters/sim/sim-cloud.js';
import { systemClock } from '../src/adapters/system-clock.js';
import type { RunRecord } from '../src/runbook/run.js';
import type { MoveKind } from '../src/runbook/runbook-catalog.js';
import { flattenSteps, type Runbook, type RunbookNode } from '../src/runbook/step.js';
import { type Headline, machine, measuredLine, median, ms, saveHeadlines, writeSection, yesNo } from './lib/report.js';
import { startSimController } from './lib/sim-controller.js';

const TARGET = 1.05;
const FINE_POLL_MS = 100;

const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' } } });
const reps = Number(values.reps);
if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps: must be a whole number of at least 1, got ${values.reps}`);

const PROFILES: { name: string; delays: SimDelays }[] = [
  { name: '`npm start` delays', delays: DEFAULT_SIM_DELAYS },
  { name: 'off the poll grid', delays: { ...DEFAULT_SIM_DELAYS, promoteMs: 4_300, instanceBootMs: 3_700, dnsPropagationMs: 1_300, replicaCreateMs: 6_000 } },
];

/** What each step of the failover waits for, in injected latency; a step not listed here is refused, not guessed. */
function stepLatency(id: string, d: SimDelays): number {
  const latencies: Record<string, number> = {
    'check-data-loss-within-rpo': 0, // the RPO guard passes on its own: the lag sample is known and within the RPO
    'promote-standby-database': d.promoteMs,
    'scale-up-standby-compute': d.instanceBootMs,
    'switch-dns-to-standby': d.dnsPropagationMs,
    'verify-application-in-standby': 0, // the standby's endpoint answers at once
  };
  const latency = latencies[id];
  if (latency === undefined) throw new Error(`step ${id}: no injected latency known for it; add it to bench/orchestration.ts`);
  return latency;
}

function criticalPath(node: RunbookNode, d: SimDelays): number {
  if (node.kind === 'step') return stepLatency(node.step.id, d);
  const children = node.children.map((c) => criticalPath(c, d));
  return node.kind === 'sequence' ? children.reduce((a, b) => a + b, 0) : Math.max(0, ...children);
}

/** The same runbook, every step polling every FINE_POLL_MS. */
function finePolling(book: Runbook): Runbook {
  const map = (node: RunbookNode): RunbookNode =>
    node.kind === 'step' ? { kind: 'step', step: { ...node.step, pollMs: FINE_POLL_MS, maxPollMs: FINE_POLL_MS } } : { ...node, children: node.children.map(map) };
  return { ...book, root: map(book.root) };
}

interface Outcome {
  profile: string;
  variant: 'shipped' | 'fine';
  criticalMs: number;
  wallMs: number;
  run: RunRecord;
}

async function failover(profile: (typeof PROFILES)[number], variant: Outcome['variant']): Promise<Outcome> {
  const books: Record<MoveKind, Runbook> = variant === 'shipped' ? runbooks : { ...runbooks, failover: finePolling(runbooks.failover) };
  const sim = await startSimController({ clock: systemClock, delays: profile.delays, runbooks: books });
  try {
    await sim.world.outage('us-east-1');
    const started = performance.now();
    const run = await sim.controller.failover({ to: 'eu-west-1', reason: 'bench', by: 'bench' });
    const ended = await sim.controller.waitForRun(run.id);
    const wallMs = performance.now() - started;
    if (ended?.status !== 'succeeded') throw new Error(`run ${run.id} ${ended?.status ?? 'vanished'}: ${ended?.error ?? ''}`);
    return { profile: profile.name, variant, criticalMs: criticalPath(books.failover.root, profile.delays), wallMs, run: ended };
  } finally {
    await sim.close();
  }
}

const load = machine();
const started = performance.now();
const jobs = PROFILES.flatMap((p) => (['shipped', 'fine'] as const).flatMap((v) => Array.from({ length: reps }, () => () => failover(p, v))));
// All at once: the runs spend their time waiting on the clock, not computing.
const outcomes = await Promise.all(jobs.map((job) => job()));
const elapsedS = (performance.now() - started) / 1000;

const stepIds = flattenSteps(runbooks.failover.root).map((s) => s.id);
const group = (profile: string, variant: Outcome['variant']) => outcomes.filter((o) => o.profile === profile && o.variant === variant);
const summary = PROFILES.map((p) => {
  const shipped = group(p.name, 'shipped');
  const fine = group(p.name, 'fine');
  const criticalMs = shipped[0]!.criticalMs;
  const wall = median(shipped.map((o) => o.wallMs));
  const fineWall = median(fine.map((o) => o.wallMs));
  return { profile: p, criticalMs, wall, ratio: wall / criticalMs, fineWall, fineRatio: fineWall / criticalMs, shipped };
});
const allOk = summary.every((s) => s.ratio <= TARGET);

// The step that overshoots most, per profile.
const worst = summary.map((s) => {
  const overs = stepIds.map((id) => ({
    step: id,
    over: median(s.shipped.map((o) => {
      const step = o.run.steps.find((x) => x.id === id)!;
      return step.finishedAt! - step.startedAt! - stepLatency(id, s.profile.delays);
    })),
  }));
  return { profile: s.profile.name, overs: overs.filter((o) => o.over >= 100) };
});
const stepRows = summary.flatMap((s) =>
  stepIds.map((id) => {
    const latency = stepLatency(id, s.profile.delays);
    const took = median(s.shipped.map((o) => {
      const step = o.run.steps.find((x) => x.id === id)!;
      return step.finishedAt! - step.startedAt!;
    }));
    return `| ${s.profile.name} | ${id} | ${ms(latency)} | ${ms(took)} | ${ms(took - latency)} |`;
  }),
);
const delaysText = (d: SimDelays) => `promotion ${d.promoteMs / 1000} s, instance boot ${d.instanceBootMs / 1000} s, DNS ${d.dnsPropagationMs / 1000} s`;

const body = [
  '## Failover orchestration: wall time against the critical path',
  '',
  '```sh',
  `npm run bench            # runs tsx bench/orchestration.ts --reps ${reps}`,
  '```',
  '',
  `${measuredLine(load)}`,
  '',
  'The regional-failover runbook, launched as an operator\'s failover through the controller (lease, run record and journal in the in-memory store, per-call retries) and executed by the runbook engine with the real clock, on the simulated cloud with injected latencies, after `world.outage(\'us-east-1\')`. ' +
    'Wall time runs from `controller.failover()` to the run having ended (`waitForRun`). ' +
    `Baseline: the critical path from the same delays and the runbook's tree, (RPO guard 0 → promotion) ‖ instance boot, then DNS propagation, then the application check (0): a sequence adds up, a parallel group takes its longest branch. ` +
    `${reps} runs per profile and variant, all at once in one process (${elapsedS.toFixed(0)} s); medians.`,
  '',
  '| profile | injected latencies | critical path | wall time | ratio | target | met |',
  '|---|---|---|---|---|---|---|',
  ...summary.map((s) => `| ${s.profile.name} | ${delaysText(s.profile.delays)} | ${ms(s.criticalMs)} | ${ms(s.wall)} | ${s.ratio.toFixed(3)} x | ≤ ${TARGET} x | ${yesNo(s.ratio <= TARGET)} |`),
  '',
  'Per step (shipped runbook, median time from the step\'s start to its end against what it waits for):',
  '',
  '| profile | step | injected latency | took | over |',
  '|---|---|---|---|---|',
  ...stepRows,
  '',
  'How the engine polls (src/runbook/engine.ts, `nextPollMs`): a step verifies its goal first after its `pollMs` (200 ms for promotion, scale-up and DNS, 100 ms for the application check), then waits 4% of the time already waited before each next look, up to its `maxPollMs`; so a goal is seen at most max(pollMs, 4%) after it holds, whatever the step\'s length, with about 25 × (1 + ln(duration / (25 × pollMs))) polls (a 60 s Route 53 change: about 90 GetChange calls, paced by the adapter\'s 5-per-second limiter).',
  '',
  `For comparison, measured in the same run: the same runbook with every step polling every ${FINE_POLL_MS} ms (a variant built in the benchmark; not what ships), the floor of what polling can do here:`,
  '',
  '| profile | critical path | wall time, 100 ms polls | ratio |',
  '|---|---|---|---|',
  ...summary.map((s) => `| ${s.profile.name} | ${ms(s.criticalMs)} | ${ms(s.fineWall)} | ${s.fineRatio.toFixed(3)} x |`),
  '',
  allOk
    ? 'Every profile is within the target.'
    : `Why it falls short: the steps end after their goal held (${worst.map((w) => `${w.profile}: ${w.overs.map((o) => `${o.step} +${ms(o.over)}`).join(', ') || 'none over 100 ms'}`).join('; ')}). ` +
      `With ${FINE_POLL_MS} ms polls the same runbook lands within ${Math.max(...summary.map((s) => s.fineRatio)).toFixed(3)} x, so the parallel branches do run side by side; what is left is the steps' first poll intervals (\`pollMs\`) against latencies this short.`,
].join('\n');

writeSection('orchestration', body);
saveHeadlines('orchestration', summary.map((s) => ({
  benchmark: 'Failover orchestration',
  anchor: 'failover-orchestration-wall-time-against-the-critical-path',
  figure: `${s.profile.name.replace(/`/g, '')}: ${ms(s.wall)} / ${ms(s.criticalMs)} = ${s.ratio.toFixed(3)} x`,
  target: `≤ ${TARGET} x`,
  pass: s.ratio <= TARGET,
})) satisfies Headline[]);
process.stdout.write(`${body}\n`);
