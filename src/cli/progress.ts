import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';
import type { RunRecord, StepStatus } from '../runbook/run.js';
import { currentStep, formatDuration, formatStepTransition, stepCounts } from './format.js';
import { formatObservation } from './format-run.js';
import type { OutputStream } from './io.js';

/** Shows a followed run as it goes: told every polled state, and anything the operator must know meanwhile. */
export interface RunReporter {
  /** The run as last polled. */
  update(run: RunRecord): void;
  /** A message that must be seen now (e.g. the run waits for approval). */
  note(text: string): void;
  /** The run is over (or no longer followed): leave the terminal clean. */
  stop(): void;
}

/** Nothing while the run goes (--json prints the final run only). */
export class SilentReporter implements RunReporter {
  update(): void {}
  note(): void {}
  stop(): void {}
}

/** How long a polling step's unchanged observation goes unrepeated in line output. */
const OBSERVATION_REPEAT_MS = 30_000;

/**
 * One line per step status change, and while a step polls, what it last saw
 * (when that changes, or every OBSERVATION_REPEAT_MS): for logs, pipes and --no-progress.
 */
export class LineReporter implements RunReporter {
  private readonly seen = new Map<string, StepStatus>();
  private readonly observed = new Map<string, { at: number; text: string }>();

  constructor(private readonly out: OutputStream) {}

  update(run: RunRecord): void {
    for (const step of run.steps) {
      const before = this.seen.get(step.id);
      if (before !== step.status && !(before === undefined && step.status === 'pending')) {
        this.seen.set(step.id, step.status);
        this.out.write(`${formatStepTransition(step)}\n`);
      }
      const last = step.lastObservation;
      const told = this.observed.get(step.id);
      if (step.status === 'running' && last && (!told || told.text !== last.text || last.at - told.at >= OBSERVATION_REPEAT_MS)) {
        this.observed.set(step.id, last);
        this.out.write(`  ${step.id}: ${formatObservation(last)}\n`);
      }
    }
  }

  note(text: string): void {
    this.out.write(`${text}\n`);
  }

  stop(): void {}
}

/** A progress bar on a terminal: steps done of total, the current step, elapsed time. */
export class BarReporter implements RunReporter {
  private bar: cliProgress.SingleBar | undefined;
  private last: RunRecord | undefined;

  constructor(
    private readonly stream: OutputStream,
    private readonly now: () => number,
  ) {}

  update(run: RunRecord): void {
    this.last = run;
    const { done, total } = stepCounts(run);
    const payload = this.payload(run);
    if (!this.bar) {
      // Loaded on the first bar, not with the CLI: most commands never draw one.
      const { SingleBar, Presets } = createRequire(import.meta.url)('cli-progress') as typeof cliProgress;
      this.bar = new SingleBar(
        {
          stream: this.stream as NodeJS.WritableStream,
          format: '{bar} {value}/{total} steps | {step} | {elapsed}',
          barsize: 30,
          hideCursor: true,
          // Restores the cursor if the operator presses Ctrl-C; the run goes on in the controller.
          gracefulExit: true,
        },
        Presets.shades_classic,
      );
      this.bar.start(total, done, payload);
    } else {
      this.bar.setTotal(total);
      this.bar.update(done, payload);
    }
  }

  note(text: string): void {
    // A single bar cannot print above itself: end this bar, say it, start a new one below.
    this.stop();
    this.stream.write(`${text}\n`);
    if (this.last) this.update(this.last);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private payload(run: RunRecord): { step: string; elapsed: string } {
    const step = currentStep(run);
    // What the step last saw, cut to keep the bar on one line.
    const seen = step?.lastObservation ? `: ${step.lastObservation.text.length > 60 ? `${step.lastObservation.text.slice(0, 59)}…` : step.lastObservation.text}` : '';
    return { step: step ? `${step.id}${seen}` : run.status === 'running' ? 'starting' : run.status, elapsed: formatDuration((run.finishedAt ?? this.now()) - run.createdAt) };
  }
}

/** The reporter for this output: silent for --json, a bar on a terminal, lines otherwise. */
export function chooseReporter(options: { json: boolean; progress: boolean; stdout: OutputStream; stderr: OutputStream; now: () => number }): RunReporter {
  if (options.json) return new SilentReporter();
  if (options.progress && options.stderr.isTTY === true) return new BarReporter(options.stderr, options.now);
  return new LineReporter(options.stdout);
}
