import type { RunKind } from '../src/runbook/run.js';
import type { Runbook } from '../src/runbook/step.js';
import { failback } from './failback.js';
import { regionalFailover } from './regional-failover.js';

/** The runbook each kind of run executes. */
export const runbooks: Record<RunKind, Runbook> = {
  failover: regionalFailover,
  failback,
};
