import type { MoveKind } from '../src/runbook/runbook-catalog.js';
import type { Runbook } from '../src/runbook/step.js';
import { failback } from './failback.js';
import { regionalFailover } from './regional-failover.js';

/** The runbook each kind of run executes. */
export const runbooks: Record<MoveKind, Runbook> = {
  failover: regionalFailover,
  failback,
};
