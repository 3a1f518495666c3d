import type { Logger } from 'pino';
import type { AppConfig, RegionConfig } from '../config/types.js';
import type { Clock } from '../ports/clock.js';
import type { Prober } from '../ports/prober.js';
import type { CloudProviders } from '../ports/providers.js';
import type { FenceStore, TrafficStore } from '../ports/state-store.js';
import type { RunRecord } from './run.js';

/** What a step sees: the run, the regions it moves between, and the cloud. */
export interface StepContext {
  run: RunRecord;
  app: AppConfig;
  /** The region the run moves away from. */
  from: RegionConfig;
  /** The region the run moves to. */
  to: RegionConfig;
  cloud: CloudProviders;
  /**
   * The fencing epoch and the network fences of old writers (the fence
   * steps' state, in the state store). Every run and plan has it; contexts
   * of steps that never fence may leave it out.
   */
  fences?: FenceStore;
  /**
   * The data-plane switches' state (where traffic was sent, what was
   * provisioned) and the regions whose votes this process casts (all of
   * them locally; its own region in a deployed stack).
   */
  traffic?: { store: TrafficStore; voterRegions: string[] };
  prober: Prober;
  clock: Clock;
  log: Logger;
  /** Aborted when the run is cancelled or a parallel sibling failed. */
  signal: AbortSignal;
  /** The journal shows this step's act was issued before (a resumed run): a change in progress is likely ours. */
  actInFlight: boolean;
  /**
   * Set while the engine polls a step's `verify`: say what this poll saw, as
   * a short sentence ("promoting; wanted: writer, available"). The engine
   * shows the latest on the step's progress and in its timeout message.
   */
  observed?: (text: string) => void;
}

/** The real-world state of a step's resource: what it is, what it should be, and whether it already is. */
export interface StepObservation {
  /** e.g. `rds:shop-db-euw1 (eu-west-1)` */
  resource: string;
  current: string;
  desired: string;
  done: boolean;
  /**
   * The goal is on its way (a promotion running, instances booting): acting
   * again would be wrong or refused, so the engine only waits for it.
   */
  pending?: boolean;
}

/** JSON-safe result of an act, journaled and handed to verify (e.g. a DNS change id). */
export type ActResult = Record<string, string | number | boolean>;

/**
 * What a step does to the application's layout, for the plan lint of
 * `failover validate`: an unplanned promotion must follow an RPO gate and a
 * fence; traffic moves only after the writer and capacity steps of its side.
 */
export interface StepRole {
  kind: 'rpo-gate' | 'fence' | 'promotion' | 'capacity' | 'traffic';
  /** Promotions: `unplanned` when the old writer may hold writes the new one lacks. */
  mode?: 'planned' | 'unplanned';
  /** The side of the run the step acts on. */
  side?: 'from' | 'to';
}

/**
 * One step of a runbook. `observe` is the check (and the plan's view of the
 * resource), `act` the one mutating call, `verify` the condition polled after
 * it (by default: `observe` says done).
 */
export interface StepDefinition {
  /** Stable kebab-case id: the journal key. Never rename a shipped one. */
  id: string;
  title: string;
  /** What it does to the layout, for the plan lint; steps of no such kind leave it out. */
  role?: StepRole;
  observe(ctx: StepContext): Promise<StepObservation>;
  act?(ctx: StepContext): Promise<ActResult | void>;
  verify?(ctx: StepContext, acted: ActResult | undefined): Promise<boolean>;
  /** Deadline for the step's verification, in ms of clock time. */
  timeoutMs?: number;
  /**
   * Shortest (first) wait between verification polls, in ms of clock time
   * (default 100). Later waits are 4% of the time already waited, so the goal
   * is seen soon after it holds however long the step takes; keep it high
   * enough for the API's rate limits (25 polls happen at this interval).
   */
  pollMs?: number;
  /** Longest wait between verification polls (default 10 s). */
  maxPollMs?: number;
  /**
   * The step's message once it succeeded, from what the world shows after it
   * and what its act returned (default: `after.current`): for what the world
   * no longer shows, like the name a database was set aside under.
   */
  report?(after: StepObservation, acted: ActResult | undefined, ctx: StepContext): string;
  /**
   * Undo this step's act, for rollback; where undo makes sense. `acted` is what the act returned, as journaled
   * (absent when its end never was): how a step undoes to the state it saw before, in whichever process rolls back.
   */
  compensate?(ctx: StepContext, acted?: ActResult): Promise<void>;
  /**
   * Make this step an approval gate: the run waits until an operator approves
   * (POST /runs/:id/approve) or rejects; on timeout it fails or proceeds, as said here.
   */
  approval?: {
    timeoutMs: number;
    /** Use the application's `policy.approvalTimeoutSeconds` instead of `timeoutMs`. */
    timeoutFromPolicy?: boolean;
    onTimeout: 'fail' | 'proceed';
    reason(ctx: StepContext): Promise<string>;
  };
}

/** A runbook's shape: steps, run one after another or side by side. */
export type RunbookNode =
  | { kind: 'step'; step: StepDefinition }
  | {
      kind: 'sequence';
      children: RunbookNode[];
      /** Set when the sequence is a child runbook included whole: its name, for the tree and the lint. */
      runbook?: string;
    }
  | { kind: 'parallel'; children: RunbookNode[] };

/** A runbook: a named tree of steps. */
export interface Runbook {
  name: string;
  title: string;
  root: RunbookNode;
}

/** Wrap a step definition as a node. */
export function step(definition: StepDefinition): RunbookNode {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(definition.id)) throw new Error(`step id "${definition.id}" must be kebab-case`);
  return { kind: 'step', step: definition };
}

/** Run the children one after another; stop at the first failure. */
export function sequence(...children: RunbookNode[]): RunbookNode {
  return { kind: 'sequence', children };
}

/** Run the children side by side; the group fails when any child fails. */
export function parallel(...children: RunbookNode[]): RunbookNode {
  return { kind: 'parallel', children };
}

/** The steps of a tree in execution order (depth first). */
export function flattenSteps(node: RunbookNode): StepDefinition[] {
  return node.kind === 'step' ? [node.step] : node.children.flatMap(flattenSteps);
}

/** Define a runbook, refusing duplicate step ids (they are journal keys). */
export function runbook(name: string, title: string, root: RunbookNode): Runbook {
  checkNodes(name, root);
  const ids = flattenSteps(root).map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`runbook ${name}: step id "${dup}" is used twice`);
  return { name, title, root };
}

/**
 * Refuse a tree with something other than nodes in it, the mistake a
 * runbook written without the type checker makes most: a StepDefinition
 * given where `step(definition)` belongs.
 */
function checkNodes(name: string, node: unknown): void {
  const kind = (node as Partial<RunbookNode> | null)?.kind;
  if (kind === 'step') return;
  if ((kind === 'sequence' || kind === 'parallel') && Array.isArray((node as { children?: unknown }).children)) {
    for (const child of (node as { children: unknown[] }).children) checkNodes(name, child);
    return;
  }
  const id = (node as { id?: unknown } | null)?.id;
  const what = typeof id === 'string' ? `the step definition "${id}"; wrap it as step(definition)` : `${JSON.stringify(node)?.slice(0, 60)}`;
  throw new Error(`runbook ${name}: not a step, sequence or parallel node: ${what}`);
}
