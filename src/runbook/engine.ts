import type { Logger } from 'pino';
import { FailoverError, FencedError, isTransient, PermanentError } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import type { Fence, RunSignal, StateStore } from '../ports/state-store.js';
import { Journal } from './journal.js';
import { type Replay, replayJournal } from './journal-replay.js';
import { journalProblem } from './journal-check.js';
import { actOnce } from './act-once.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from './retry.js';
import { rollBack, rollbackOutcome } from './rollback.js';
import { describeObservation, PollObservations } from './poll-observation.js';
import type { RunRecord, StepProgress } from './run.js';
import { type ActResult, flattenSteps, type Runbook, type RunbookNode, type StepContext, type StepDefinition } from './step.js';

/** Defaults for steps that do not set their own. */
const DEFAULT_TIMEOUT_MS = 15 * 60_000;
const DEFAULT_POLL_MS = 100;
const DEFAULT_MAX_POLL_MS = 10_000;
/**
 * The wait between verification polls is this share of the time already
 * waited (between the step's first and longest poll interval). The goal is
 * then seen at most ~4% after it came true, whatever the step's duration:
 * fixed intervals leave idle gaps of up to a whole interval (20% of a 5 s
 * promotion polled every second), and an exponential backoff leaves gaps of
 * a third of the elapsed time. The number of polls grows only with the log of
 * the duration (about 25 × (1 + ln(duration / (25 × first poll)))).
 */
const POLL_SHARE_OF_ELAPSED = 0.04;

/** Wait before the next verification poll, after `elapsedMs` of waiting. */
export function nextPollMs(elapsedMs: number, firstPollMs: number, maxPollMs: number): number {
  return Math.round(Math.min(maxPollMs, Math.max(firstPollMs, elapsedMs * POLL_SHARE_OF_ELAPSED)));
}
/** How often an approval gate looks for an operator's answer. */
const APPROVAL_POLL_MS = 1_000;

/** What the engine needs from the outside world. */
export interface EngineDeps {
  store: StateStore;
  clock: Clock;
  log: Logger;
  retry?: RetryPolicy;
  random?: () => number;
  /** Told after every save of a run record (its steps' progress): views of it, like GET /status, are out of date. */
  onRunSaved?: (run: RunRecord) => void;
}

/** A step ran out of time before its goal held. */
export class StepTimeoutError extends FailoverError {
  override name = 'StepTimeoutError';
}

/** The run must stop here and go on later (a Lambda invocation running out of time). */
class PauseSignal extends Error {
  override name = 'PauseSignal';
}

/** An operator cancelled the run. */
class CancelSignal extends Error {
  override name = 'CancelSignal';
  constructor(readonly request: RunSignal) {
    super(`cancelled by ${request.by}${request.comment ? `: ${request.comment}` : ''}`);
  }
}

/** The step context without the parts the engine supplies per run. */
export type RunContext = Omit<StepContext, 'run' | 'signal' | 'log' | 'actInFlight'>;

/** Options of one execution. */
export interface ExecuteOptions {
  /** Asked at every step boundary and between polls: true stops the run there, to be resumed later. */
  shouldPause?: () => boolean;
  /** The lease this worker holds the run under: journal writes are refused once another worker takes it over. */
  fence?: Fence;
}

/** A fresh progress list for a runbook: every step pending. */
export function pendingSteps(book: Runbook): StepProgress[] {
  return flattenSteps(book.root).map((s) => ({ id: s.id, title: s.title, status: 'pending' }));
}

/**
 * Executes runbooks: check → act → verify per step, sequence and parallel
 * groups, transient retries with jittered backoff, a journal entry before
 * and after every act, approval gates, cancel and rollback. A run that was
 * interrupted (process killed, Lambda out of time) resumes from its journal:
 * finished steps are not touched again, and a step whose act was in flight
 * is checked against the real world before anything is re-issued.
 */
export class RunbookEngine {
  private readonly retry: RetryPolicy;
  private readonly random: () => number;

  constructor(private readonly deps: EngineDeps) {
    this.retry = deps.retry ?? DEFAULT_RETRY;
    this.random = deps.random ?? Math.random;
  }

  /**
   * Execute `book` for `run`, from the start or from where its journal ends.
   * Resolves with the run record: ended, or still `running` when paused.
   * Never rejects for a step failure.
   */
  async execute(run: RunRecord, book: Runbook, context: RunContext, options: ExecuteOptions = {}): Promise<RunRecord> {
    const { store, clock } = this.deps;
    const entries = await store.readJournal(run.id);
    const replay = replayJournal(entries);
    if (replay.ended) {
      // The journal is the truth: a process that died between the journal's last entry and the record's update left the record behind.
      const stored = (await store.getRun(run.id)) ?? run;
      if (stored.status === 'running') {
        stored.status = replay.ended;
        stored.finishedAt = entries.at(-1)!.at;
        if (replay.ended === 'cancelled' && entries.at(-1)?.detail?.['rollback'] === true) stored.rollback = rollbackOutcome(entries);
        await this.saveRun(stored);
      }
      return stored;
    }
    const journal = await Journal.open(run.id, store, clock, options.fence);
    const log = this.deps.log.child({ runId: run.id, app: run.app });
    const damage = journalProblem(run, entries);
    if (damage) return this.failDamaged(run, journal, damage, log);
    const state: Execution = { run, journal, log, abort: new AbortController(), context, replay, options, signals: [] };
    if (entries.length === 0) {
      await journal.append('run-started', undefined, { runbook: book.name, from: run.from, to: run.to, trigger: run.trigger, reason: run.reason, ...(run.startedBy !== undefined ? { startedBy: run.startedBy } : {}) });
      log.info({ runbook: book.name, from: run.from, to: run.to }, 'run started');
    } else {
      await journal.append('run-resumed', undefined, { after: entries.length });
      log.info({ journalEntries: entries.length }, 'run resumed from its journal');
    }
    try {
      await this.runNode(book.root, state);
      run.status = 'succeeded';
      run.finishedAt = clock.now();
      await journal.append('run-succeeded');
      log.info({ durationMs: run.finishedAt - run.createdAt }, 'run succeeded');
    } catch (err) {
      if (err instanceof FencedError) {
        // Another worker owns the run now: write nothing more, it carries on from the journal.
        log.warn({ err: err.message }, 'lost the run to another worker: stopping');
        return run;
      }
      if (err instanceof PauseSignal) {
        await journal.append('run-paused');
        log.info('run paused: it goes on in the next invocation');
      } else if (err instanceof CancelSignal) {
        await this.cancel(book, state, err.request);
      } else {
        run.status = 'failed';
        run.finishedAt = clock.now();
        run.error = failureSummary(run, err);
        await journal.append('run-failed', undefined, { error: run.error });
        log.error({ error: run.error }, 'run failed');
      }
    }
    await this.saveRun(run);
    return run;
  }

  /**
   * End a run whose journal cannot be continued: failed, with `attention`
   * (a person must look at the world before anything else runs), never
   * left `running` to block every later run of its application.
   */
  private async failDamaged(run: RunRecord, journal: Journal, damage: string, log: Logger): Promise<RunRecord> {
    const why = `This run's journal is damaged (${damage}), so nobody can tell which of its acts took effect. `;
    return this.failUncontinued(run, journal, damage, why, log);
  }

  /**
   * End a run that no runbook of its application can continue any more (the
   * one it recorded left the configuration): failed, with `attention`, like
   * a damaged journal. Never another runbook under its journal, and never
   * left `running` holding the application's lease.
   */
  async abandon(run: RunRecord, reason: string, options: ExecuteOptions = {}): Promise<RunRecord> {
    const journal = await Journal.open(run.id, this.deps.store, this.deps.clock, options.fence);
    const why = `This run's runbook is gone (${reason}), so the rest of it cannot run. `;
    return this.failUncontinued(run, journal, reason, why, this.deps.log.child({ runId: run.id, app: run.app }));
  }

  private async failUncontinued(run: RunRecord, journal: Journal, damage: string, why: string, log: Logger): Promise<RunRecord> {
    const clock = this.deps.clock;
    run.status = 'failed';
    run.finishedAt = clock.now();
    run.error = `cannot continue: ${damage}`;
    run.attention =
      why +
      'Check the world before anything else: where DNS points, which database is the writer, each Auto Scaling group (`failover plan`, GET /status); settle it by hand, then start a new run if one is still needed.';
    for (const step of run.steps) if (step.status === 'running') Object.assign(step, { status: 'stopped', finishedAt: run.finishedAt, message: 'stopped: the journal cannot be continued' });
    await journal.append('run-failed', undefined, { error: run.error, damaged: true }).catch((err: unknown) => log.error({ err: String(err) }, 'could not journal the end of a damaged run'));
    log.error({ damage }, 'run failed: its journal cannot be continued; a person must check the world');
    await this.saveRun(run);
    return run;
  }

  private async runNode(node: RunbookNode, state: Execution): Promise<void> {
    if (node.kind === 'step') return this.runStep(node.step, state);
    if (node.kind === 'sequence') {
      for (const child of node.children) await this.runNode(child, state);
      return;
    }
    // Parallel: a failure aborts the siblings at their next wait, and the
    // group reports the first failure once every branch has stopped.
    const results = await Promise.allSettled(
      node.children.map((child) =>
        this.runNode(child, state).catch((err: unknown) => {
          state.abort.abort(err);
          throw err;
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw state.abort.signal.reason ?? failed.reason;
  }

  /** Between steps: stop for a pause or a cancel, in that order. */
  private async boundary(state: Execution): Promise<void> {
    state.abort.signal.throwIfAborted();
    if (state.options.shouldPause?.()) throw new PauseSignal('paused at a step boundary');
    const signals = await this.refreshSignals(state);
    const cancel = signals.find((s) => s.type === 'cancel');
    if (cancel) throw new CancelSignal(cancel);
  }

  private async runStep(step: StepDefinition, state: Execution): Promise<void> {
    const { journal, abort, replay } = state;
    const clock = this.deps.clock;
    const progress = state.run.steps.find((s) => s.id === step.id)!;
    const previous = replay.steps.get(step.id);
    if (previous?.state === 'finished') {
      if (progress.status !== previous.outcome) await this.progress(state, progress, { status: previous.outcome });
      return;
    }
    const log = state.log.child({ stepId: step.id });
    const ctx: StepContext = { ...state.context, run: state.run, log, signal: abort.signal, actInFlight: previous?.state === 'in-flight' || previous?.state === 'acted' };
    const retrying = <T>(fn: () => Promise<T>) =>
      withRetry(fn, {
        policy: this.retry,
        clock,
        random: this.random,
        signal: abort.signal,
        onRetry: (err, attempt) => {
          log.warn({ attempt, err: String(err) }, 'transient error, retrying');
          // Best effort: a failed note about a retry must not become an unhandled rejection.
          journal.append('attempt-failed', step.id, { attempt, error: String(err) }).catch(() => undefined);
        },
      });

    await this.boundary(state);
    if (!previous) {
      await this.progress(state, progress, { status: 'running', startedAt: clock.now() });
      await journal.append('step-started', step.id);
    } else {
      await this.progress(state, progress, { status: 'running', ...(progress.startedAt === undefined ? { startedAt: clock.now() } : {}) });
      await journal.append('step-resumed', step.id, { was: previous.state });
    }
    // What the act returned (or the journal says it did): for verify, and for the step's message.
    let acted: ActResult | undefined = previous?.state === 'acted' ? previous.acted : undefined;
    try {
      if (step.approval) {
        // A gate whose condition already holds (say, the lag is within the RPO) needs nobody; on resume too.
        const before = await retrying(() => step.observe(ctx));
        if (before.done) {
          await journal.append('step-skipped', step.id, { current: before.current });
          await this.progress(state, progress, { status: 'skipped', finishedAt: clock.now(), message: `no approval needed: ${before.current}` });
          return;
        }
        await this.awaitApproval(step, ctx, state);
      } else {
        if (previous?.state !== 'acted') {
          // Fresh, or resumed with the act in flight: the real world says whether it happened.
          const before = await retrying(() => step.observe(ctx));
          if (before.done && !previous) {
            await journal.append('step-skipped', step.id, { current: before.current });
            await this.progress(state, progress, { status: 'skipped', finishedAt: clock.now(), message: `already done: ${before.current}` });
            return;
          }
          if (!before.done && !before.pending && step.act) {
            // A parallel sibling may have failed (or a pause come) while this step was looking.
            abort.signal.throwIfAborted();
            await journal.append('act-started', step.id, { resource: before.resource, current: before.current, desired: before.desired });
            // Each attempt looks at the world before acting, and judges a refusal by the world (see actOnce).
            acted = await retrying(() => actOnce(step, ctx, abort.signal));
            await journal.append('act-succeeded', step.id, acted ?? {});
          }
        }
        await this.verify(step, ctx, acted, state);
      }
      const after = await retrying(() => step.observe(ctx));
      await journal.append('step-succeeded', step.id, { current: after.current });
      await this.progress(state, progress, { status: 'succeeded', finishedAt: clock.now(), message: step.report ? step.report(after, acted, ctx) : after.current });
    } catch (err) {
      if (err instanceof PauseSignal || err instanceof CancelSignal || err instanceof FencedError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      // The signal is aborted only after the failing step itself has thrown: anything still running then was stopped by it.
      if (abort.signal.aborted && err === abort.signal.reason) {
        if (abort.signal.reason instanceof PauseSignal || abort.signal.reason instanceof CancelSignal) throw err;
        await journal.append('step-stopped', step.id, { because: message });
        await this.progress(state, progress, { status: 'stopped', finishedAt: clock.now(), message: `stopped: a parallel step failed (${message})` });
      } else {
        await journal.append('step-failed', step.id, { error: message });
        await this.progress(state, progress, { status: 'failed', finishedAt: clock.now(), message });
      }
      throw err;
    }
  }

  /** Poll until the step's goal holds or its deadline passes; transient errors only cost a poll. */
  private async verify(step: StepDefinition, ctx: StepContext, acted: ActResult | undefined, state: Execution): Promise<void> {
    const clock = this.deps.clock;
    const timeoutMs = step.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const started = state.run.steps.find((s) => s.id === step.id)?.startedAt ?? clock.now();
    // A resumed step keeps the deadline it started with.
    const deadline = Math.max(started + timeoutMs, clock.now());
    const firstPollMs = step.pollMs ?? DEFAULT_POLL_MS;
    const maxPollMs = Math.max(firstPollMs, step.maxPollMs ?? DEFAULT_MAX_POLL_MS);
    const progress = state.run.steps.find((s) => s.id === step.id)!;
    // A view, like the rest of the record: a save that fails costs the page an update, never the step.
    const notes = new PollObservations(progress, () => clock.now(), () => this.progress(state, progress, {}).catch((err: unknown) => ctx.log.warn({ err: String(err) }, 'last observation not saved')));
    const polling: StepContext = { ...ctx, observed: (text) => notes.see(text) };
    for (;;) {
      try {
        const ok = step.verify ? await step.verify(polling, acted) : await observeGoal(step, polling);
        if (ok) return;
      } catch (err) {
        if (!isTransient(err)) throw err;
        ctx.log.warn({ err: String(err) }, 'transient error while verifying');
      }
      await notes.polled();
      if (clock.now() >= deadline) throw new StepTimeoutError(`${step.id}: goal not reached within ${Math.round(timeoutMs / 1000)} s${notes.lastSeen()}`);
      // The act is journaled: waiting is a safe place to stop and go on later.
      if (state.options.shouldPause?.()) throw new PauseSignal('paused while waiting');
      const pollMs = nextPollMs(clock.now() - started, firstPollMs, maxPollMs);
      await clock.sleep(Math.min(pollMs, Math.max(0, deadline - clock.now())), ctx.signal);
    }
  }

  /** Wait for an operator's answer to an approval gate; the timeout does what the gate says. */
  private async awaitApproval(step: StepDefinition, ctx: StepContext, state: Execution): Promise<void> {
    const gate = { ...step.approval!, timeoutMs: step.approval!.timeoutFromPolicy ? ctx.app.policy.approvalTimeoutSeconds * 1000 : step.approval!.timeoutMs };
    const clock = this.deps.clock;
    const started = state.run.steps.find((s) => s.id === step.id)?.startedAt ?? clock.now();
    if (!state.replay.approvalRequested.has(step.id)) {
      await state.journal.append('approval-requested', step.id, { reason: await gate.reason(ctx), timeoutMs: gate.timeoutMs, onTimeout: gate.onTimeout });
    }
    for (;;) {
      const answer = (await this.refreshSignals(state)).find((s) => s.stepId === step.id && (s.type === 'approve' || s.type === 'reject'));
      if (answer) {
        const decision = answer.type === 'approve' ? 'approved' : 'rejected';
        const stated = answer.statedBy !== undefined ? { statedBy: answer.statedBy } : {};
        await state.journal.append(decision, step.id, { by: answer.by, ...stated, at: answer.at, ...(answer.comment ? { comment: answer.comment } : {}) });
        await this.recordApproval(state, { stepId: step.id, decision, by: answer.by, ...stated, at: answer.at, ...(answer.comment ? { comment: answer.comment } : {}) });
        if (decision === 'rejected') throw new PermanentError(`${step.id}: rejected by ${answer.by}${answer.comment ? `: ${answer.comment}` : ''}`);
        return;
      }
      if (clock.now() >= started + gate.timeoutMs) {
        await this.recordApproval(state, { stepId: step.id, decision: 'timed-out', by: 'controller', at: clock.now() });
        if (gate.onTimeout === 'proceed') {
          await state.journal.append('approved', step.id, { by: 'controller', reason: `no answer within ${Math.round(gate.timeoutMs / 1000)} s: proceeding, as configured` });
          return;
        }
        throw new StepTimeoutError(`${step.id}: no approval within ${Math.round(gate.timeoutMs / 1000)} s`);
      }
      const cancel = state.signals.find((s) => s.type === 'cancel');
      if (cancel) throw new CancelSignal(cancel);
      if (state.options.shouldPause?.()) throw new PauseSignal('paused while waiting for approval');
      await clock.sleep(Math.min(APPROVAL_POLL_MS, started + gate.timeoutMs - clock.now()), ctx.signal);
    }
  }

  /** End a cancelled run; with rollback, undo the steps that succeeded, newest first, each journaled. */
  private async cancel(book: Runbook, state: Execution, request: RunSignal): Promise<void> {
    const { run, journal, log } = state;
    const clock = this.deps.clock;
    log.warn({ by: request.by, rollback: request.rollback === true }, 'run cancelled');
    if (request.rollback) {
      const replay = replayJournal(await this.deps.store.readJournal(run.id));
      await rollBack(book, replay, { run, journal, context: state.context, log, clock, retry: this.retry, random: this.random });
      // On the run, not only in the journal: "cancelled" says nothing of whether the world was put back.
      run.rollback = rollbackOutcome(await this.deps.store.readJournal(run.id));
      if (run.rollback.outcome !== 'complete') log.error({ notUndone: run.rollback.notUndone }, `rollback ${run.rollback.outcome}: some of what the run did stands`);
    }
    run.status = 'cancelled';
    run.finishedAt = clock.now();
    const stated = request.statedBy !== undefined ? { statedBy: request.statedBy } : {};
    run.cancelRequested = { by: request.by, ...stated, at: request.at, rollback: request.rollback === true, ...(request.comment ? { comment: request.comment } : {}) };
    await journal.append('run-cancelled', undefined, { by: request.by, ...stated, rollback: request.rollback === true, ...(run.rollback ? { rollbackOutcome: run.rollback.outcome } : {}) });
  }

  private async refreshSignals(state: Execution): Promise<RunSignal[]> {
    state.signals = await this.deps.store.listRunSignals(state.run.id);
    return state.signals;
  }

  private async recordApproval(state: Execution, approval: NonNullable<RunRecord['approvals']>[number]): Promise<void> {
    state.run.approvals = [...(state.run.approvals ?? []).filter((a) => a.stepId !== approval.stepId), approval];
    await this.saveRun(state.run);
  }

  private async progress(state: Execution, progress: StepProgress, patch: Partial<StepProgress>): Promise<void> {
    Object.assign(progress, patch);
    // The record is a view of the journal: a transient store error must not fail the run.
    await withRetry(() => this.saveRun(state.run), { policy: this.retry, clock: this.deps.clock, random: this.random });
  }

  private async saveRun(run: RunRecord): Promise<void> {
    await this.deps.store.putRun(run);
    this.deps.onRunSaved?.(run);
  }
}

/** The default verification: the step's own check says done; what it saw is the poll's observation. */
async function observeGoal(step: StepDefinition, ctx: StepContext): Promise<boolean> {
  const seen = await step.observe(ctx);
  ctx.observed?.(describeObservation(seen));
  return seen.done;
}

interface Execution {
  run: RunRecord;
  journal: Journal;
  log: Logger;
  abort: AbortController;
  context: RunContext;
  replay: Replay;
  options: ExecuteOptions;
  /** The operator signals as last read. */
  signals: RunSignal[];
}

/** "failed at X: why. Done: a, b. Not done: c." — what an operator needs first. */
function failureSummary(run: RunRecord, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const failed = run.steps.filter((s) => s.status === 'failed').map((s) => s.id);
  const done = run.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').map((s) => s.id);
  const stopped = run.steps.filter((s) => s.status === 'stopped').map((s) => s.id);
  const notDone = run.steps.filter((s) => s.status === 'pending' || s.status === 'running').map((s) => s.id);
  return [
    failed.length ? `failed at ${failed.join(', ')}: ${message}` : message,
    ...(stopped.length ? [`stopped: ${stopped.join(', ')}`] : []),
    `done: ${done.length ? done.join(', ') : 'nothing'}`,
    `not done: ${notDone.length ? notDone.join(', ') : 'nothing'}`,
  ].join('. ');
}
