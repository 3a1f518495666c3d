import type { RegionConfig } from '../../config/types.js';
import type { DatabaseState } from '../../ports/database-provider.js';
import type { StepContext } from '../step.js';

/** Which of a run's two regions a step works on. */
export type Side = 'from' | 'to';

/** The region config of a side. */
export function regionOf(ctx: StepContext, side: Side): RegionConfig {
  return side === 'from' ? ctx.from : ctx.to;
}

/** The other side. */
export function otherSide(side: Side): Side {
  return side === 'from' ? 'to' : 'from';
}

/** `rds:shop-db-euw1 (eu-west-1)` */
export function databaseLabel(region: RegionConfig): string {
  const db = region.database;
  return db.engine === 'rds' ? `rds:${db.instanceId} (${region.name})` : `aurora:${db.clusterId} (${region.name})`;
}

/** `writer (available)`, `replica of us-east-1 (creating)`, `absent` */
export function describeDatabase(state: DatabaseState): string {
  if (!state.exists) return 'absent';
  return `${state.role === 'writer' ? 'writer' : `replica of ${state.replicaOf ?? 'unknown'}`} (${state.status})`;
}
