/**
 * The project's own error classes. Adapters translate provider exceptions into
 * these so that the engine, the API and the CLI never see an SDK type.
 */

/** Base class: every error the project raises on purpose. */
export class FailoverError extends Error {
  override name = 'FailoverError';
}

/** A failure worth retrying: throttling, 5xx, timeouts, "try again later". */
export class TransientError extends FailoverError {
  override name = 'TransientError';
}

/** A failure that retrying will not fix: missing resource, denied, invalid request. */
export class PermanentError extends FailoverError {
  override name = 'PermanentError';
}

/**
 * The world changed under us: a conditional write or a DNS change batch found
 * something other than what was read. Never retried blindly.
 */
export class ConflictError extends FailoverError {
  override name = 'ConflictError';
}

/** A worker that lost its lease tried to write: its fencing token is stale. It must stop, not fail the run. */
export class FencedError extends ConflictError {
  override name = 'FencedError';
}

/** A user's mistake (bad body, unknown region or app): maps to HTTP 400 / exit code 2. */
export class UserInputError extends FailoverError {
  override name = 'UserInputError';
}

/** Something the user named does not exist (a run id): maps to HTTP 404. */
export class NotFoundError extends FailoverError {
  override name = 'NotFoundError';
}

/**
 * The caller is known and may use the route, but a rule of the policy
 * forbids this caller this particular answer (the two-person rule): maps to
 * HTTP 403 with the rule's name, and to exit code 2 in the CLI.
 */
export class ForbiddenError extends FailoverError {
  override name = 'ForbiddenError';
  constructor(
    message: string,
    /** The config option that forbids it, e.g. `policy.separateApprover`. */
    readonly rule: string,
  ) {
    super(message);
  }
}

/** Another run already holds the application: maps to HTTP 409 with its id. */
export class RunInProgressError extends FailoverError {
  override name = 'RunInProgressError';
  constructor(
    readonly app: string,
    readonly runId: string,
  ) {
    super(`application ${app} already has run ${runId} in progress`);
  }
}

/**
 * True when an error is worth another attempt. By name too: a user runbook
 * whose repository installed its own copy of this package throws that
 * copy's TransientError, another class of the same name.
 */
export function isTransient(err: unknown): boolean {
  return err instanceof TransientError || (err instanceof Error && err.name === 'TransientError');
}
