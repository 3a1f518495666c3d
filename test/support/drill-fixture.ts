import type { DrillRecord } from '../../src/drills/drill.js';

/** When fixture drills start. */
export const DRILL_T0 = 1_000_000;

/** A game day of shop (us-east-1 → eu-west-1, injected outage), running and detecting, started by alice at DRILL_T0; `patch` over it. */
export function drillFixture(patch: Partial<DrillRecord> = {}): DrillRecord {
  return {
    id: 'drill-1',
    app: 'shop',
    mode: 'game-day',
    from: 'us-east-1',
    to: 'eu-west-1',
    trigger: 'injected-outage',
    failback: true,
    status: 'running',
    stage: 'detecting',
    startedBy: 'alice',
    createdAt: DRILL_T0,
    updatedAt: DRILL_T0,
    version: 1,
    milestones: { startedAt: DRILL_T0 },
    events: [],
    ...patch,
  };
}
