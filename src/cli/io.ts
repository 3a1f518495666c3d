import { systemClock } from '../adapters/system-clock.js';

/** Where the CLI writes: a process stream, or a test's collector. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True on a terminal: progress bars and cursor movement only there. */
  isTTY?: boolean;
  /** Terminal width, when known. */
  columns?: number;
}

/**
 * Everything the CLI takes from its surroundings. `bin/failover.js` passes
 * the process's; tests pass collectors, their own environment and a clock,
 * so `main()` runs in-process with nothing global touched.
 */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  /** Base of relative paths (config files, the state directory); default process.cwd(). */
  cwd?: string;
  /** Waits between polls of a run; default real time. Tests pass their ManualClock's. */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
}

/** CliIo with its defaults filled in. */
export type ResolvedIo = Required<CliIo>;

/** Fill in the defaults of the optional parts. */
export function resolveIo(io: CliIo): ResolvedIo {
  return {
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    cwd: io.cwd ?? process.cwd(),
    sleep: io.sleep ?? ((ms) => systemClock.sleep(ms)),
    now: io.now ?? (() => systemClock.now()),
  };
}

/** The real process: its streams, environment and working directory. */
export function processIo(): CliIo {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/**
 * A reader that stopped reading (`failover runs | head -1`) is not the CLI's
 * failure: on EPIPE the process ends at once, quietly, with the exit code it
 * had, as `cat` and `grep` do, instead of Node's unhandled 'error' with a
 * stack trace. Any other write error still surfaces.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  if (stream.listenerCount('error') > 0) return;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}
