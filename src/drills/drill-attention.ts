import type { JournalEntry, RunRecord } from '../runbook/run.js';
import type { DrillAttention, DrillLayout, DrillRecord } from './drill.js';
import { CAPACITY_STEPS } from './drill-phases.js';

/**
 * The run among a drill's runs that ended without reaching its goal (failed
 * or cancelled): it may have left the application half way, for instance a
 * promoted standby database with DNS still on the primary. Pure.
 */
export function stoppedHalfWay(runs: (RunRecord | undefined)[]): RunRecord | undefined {
  return runs.find((r) => r?.status === 'failed' || r?.status === 'cancelled');
}

/** What a run's journal says it changed in the world and did not undo. */
export interface RunChanges {
  /** Steps whose act succeeded and was not compensated (rolled back), in the order they acted. */
  kept: string[];
  /** Steps whose act was issued but never journaled as succeeded, nor compensated: it may have taken effect. */
  uncertain: string[];
}

/** Read a run's changes from its journal (the run record's step statuses do not say what a rollback undid). Pure. */
export function runChanges(journal: JournalEntry[]): RunChanges {
  const issued: string[] = [];
  const succeeded = new Set<string>();
  const undone = new Set<string>();
  for (const entry of journal) {
    const id = entry.stepId;
    if (id === undefined) continue;
    if (entry.type === 'act-started' && !issued.includes(id)) issued.push(id);
    else if (entry.type === 'act-succeeded') succeeded.add(id);
    else if (entry.type === 'compensation-succeeded') undone.add(id);
  }
  const left = issued.filter((id) => !undone.has(id));
  return { kept: left.filter((id) => succeeded.has(id)), uncertain: left.filter((id) => !succeeded.has(id)) };
}

/** A layout with nothing to settle: read without errors, exactly one writer, and DNS pointing at its region. Pure. */
export function cleanLayout(layout: DrillLayout): boolean {
  const writers = writersOf(layout);
  return (layout.errors ?? []).length === 0 && writers.length === 1 && layout.dnsRegion === writers[0];
}

/**
 * Whether what a stopped run left needs an operator. Yes when the layout
 * read at the end is not clean, or when the run changed where traffic or
 * writes go and did not undo it (a promotion, a DNS switch, a retired
 * database). No when it changed nothing, or only capacity (CAPACITY_STEPS),
 * or a rollback undid it all: an RPO gate's rejection, a cancel with
 * rollback. An act whose outcome was never journaled counts unless a clean
 * read of the layout shows it did not matter. Without the journal
 * (`changes` unknown) the answer is yes: a false alarm costs a look, a
 * missed one a split application. Pure.
 */
export function needsOperator(layout: DrillLayout | undefined, changes: RunChanges | undefined): boolean {
  if (layout && !cleanLayout(layout)) return true;
  if (!changes) return true;
  const matters = (id: string) => !CAPACITY_STEPS.has(id);
  if (changes.kept.some(matters)) return true;
  return !layout && changes.uncertain.some(matters);
}

/**
 * What the report says loudly when a run of the drill stopped half way and
 * left something an operator must settle (see needsOperator): the step it
 * stopped at, what it changed, the layout it left (as read when the drill
 * ended) and what to do. Undefined when every run reached its goal or still
 * runs, or a stopped run left nothing to settle. `changes` are the stopped
 * run's, from its journal. Pure.
 */
export function drillAttention(drill: DrillRecord, runs: (RunRecord | undefined)[], changes?: RunChanges): DrillAttention | undefined {
  const run = stoppedHalfWay(runs);
  const layout = drill.endLayout;
  if (!run || !needsOperator(layout, changes)) return undefined;
  const step = run.steps.find((s) => s.status === 'failed') ?? run.steps.find((s) => s.status === 'stopped');
  const at = step ? ` at step ${step.id}${step.message ? ` (${step.message})` : ''}` : '';
  const changed = changes && changes.kept.length > 0 ? ` It changed, and did not undo: ${changes.kept.join(', ')}.` : '';
  // A body the API accepts as it stands: `reason` is required.
  const reason = `finish the ${run.kind} run ${run.id} that game day ${drill.id} left half way`;
  const finish = run.kind === 'failover' ? `POST /failover with ${JSON.stringify({ app: drill.app, to: run.to, reason })}` : `POST /failback with ${JSON.stringify({ app: drill.app, reason })}`;
  const actions = [
    `Read what the run did and did not do: GET /runs/${run.id}.${changed}`,
    ...(layout ? layoutActions(layout) : [`Read where DNS points and which database is the writer: this controller could not read them.`]),
    `Settle the layout: finish the ${run.kind} (${finish}; each step first checks whether its goal already holds) or put ${run.from} back as it was by hand. Nothing repairs it automatically.`,
  ];
  return {
    summary: `Operator action needed: the ${run.kind} run ${run.id} ${run.status}${at} and may have left ${drill.app} half way between ${run.from} and ${run.to}. ${layout ? describeLayout(layout) : 'Its layout was not read.'}`,
    run: {
      id: run.id,
      kind: run.kind,
      status: run.status,
      from: run.from,
      to: run.to,
      ...(step ? { failedStep: { id: step.id, title: step.title, status: step.status, ...(step.message ? { message: step.message } : {}) } } : {}),
    },
    ...(layout ? { layout } : {}),
    actions,
  };
}

/** "DNS points at us-east-1; databases: us-east-1 writer, eu-west-1 writer (two writers)." */
function describeLayout(layout: DrillLayout): string {
  const dns = layout.dnsRegion ? `DNS points at ${layout.dnsRegion}` : 'DNS points at none of its regions (or could not be read)';
  const dbs = layout.databases.map((d) => `${d.region} ${d.role}${d.replicaOf ? ` of ${d.replicaOf}` : ''}`).join(', ');
  const writers = writersOf(layout);
  const count = writers.length === 1 ? '' : writers.length === 0 ? ' (no writer)' : ` (${writers.length} writers)`;
  return `${dns}; databases: ${dbs}${count}.`;
}

function layoutActions(layout: DrillLayout): string[] {
  const actions: string[] = [];
  const writers = writersOf(layout);
  const served = layout.databases.find((d) => d.region === layout.dnsRegion);
  if (writers.length > 1) actions.push(`${writers.join(' and ')} both accept writes and no longer replicate: make sure writes go to one of them only${layout.dnsRegion ? ` (DNS sends traffic to ${layout.dnsRegion})` : ''}.`);
  if (served && served.role !== 'writer') actions.push(`DNS sends traffic to ${served.region}, whose database is ${served.role === 'replica' ? 'a read replica' : served.role}: writes fail there.`);
  if (writers.length === 0) actions.push('No database accepts writes.');
  for (const error of layout.errors ?? []) actions.push(`Check by hand: ${error}.`);
  return actions;
}

function writersOf(layout: DrillLayout): string[] {
  return layout.databases.filter((d) => d.role === 'writer').map((d) => d.region);
}
