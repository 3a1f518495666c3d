/**
 * Exit codes of the `failover` CLI, in one place:
 * - 0: the operation succeeded (a run that was waited for succeeded; a
 *   cancel that was followed ended the run cancelled, and its rollback, if
 *   asked for, undid everything);
 * - 1: the operation was tried and failed: a run failed, was rejected, was
 *   cancelled or rolled back; a followed cancel's rollback left acts standing
 *   (the compensations that failed are named); the API could not be reached; a run is already
 *   in progress (409); the API is rate limiting (429) or broken (5xx);
 * - 2: the request itself was wrong: unknown command or option, bad config
 *   file, bad input the API refused (400, 404, 405, 413, 415, 422), a token
 *   that is missing, unknown (401) or lacks the role (403). Retrying the same
 *   command will not help; fixing it will.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** One of the CLI's exit codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** HTTP answers that mean "the request was wrong" rather than "the operation failed". */
const USAGE_STATUSES = new Set([400, 401, 403, 404, 405, 413, 415, 422]);

/**
 * The exit code for an API answer that is not a success. A 409 is the
 * world refusing (a run already holds the application, the run has already
 * ended, nothing waits for approval): the request was well formed, the
 * operation could not be done, so 1.
 */
export function exitCodeForHttpStatus(status: number): ExitCode {
  if (status >= 200 && status < 300) return EXIT.ok;
  return USAGE_STATUSES.has(status) ? EXIT.usage : EXIT.failed;
}

/**
 * A failure the CLI reports as one message on stderr (never a stack trace)
 * with its exit code. `details` is added to the JSON error under --json.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A mistake in how the CLI was called or configured: exit 2. */
export function usageError(message: string, details?: Record<string, unknown>): CliError {
  return new CliError(message, EXIT.usage, details);
}
