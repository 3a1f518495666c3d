import { UserInputError } from '../errors/errors.js';

/** One problem in a configuration file, with the path of the field. */
export interface ConfigIssue {
  /** Like `applications[0].regions[1].probes[0].url`; empty for the whole file. */
  path: string;
  message: string;
}

/** A configuration that cannot be used; lists every problem, not just the first. */
export class ConfigError extends UserInputError {
  override name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
  ) {
    super(`${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
  }
}

/** `path: message`, or just the message for the file as a whole. */
export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}
