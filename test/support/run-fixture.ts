import type { RunRecord } from '../../src/runbook/run.js';

/** A failover run of shop (us-east-1 → eu-west-1, regional-failover) with no steps yet; `patch` over it. */
export function runFixture(patch: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'run-1',
    app: 'shop',
    kind: 'failover',
    runbook: 'regional-failover',
    from: 'us-east-1',
    to: 'eu-west-1',
    trigger: 'automatic',
    reason: 'test',
    status: 'running',
    createdAt: 0,
    steps: [],
    ...patch,
  };
}
