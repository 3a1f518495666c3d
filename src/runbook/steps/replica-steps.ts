import { refuseRetireUnlessDnsElsewhere } from '../../dns/retire-guard.js';
import { refuseRetireUnlessAnsweredElsewhere } from './switch-traffic.js';
import { PermanentError } from '../../errors/errors.js';
import type { LostWritesSnapshot } from '../../ports/database-provider.js';
import type { RunRecord } from '../run.js';
import { type ActResult, type RunbookNode, type StepContext, step } from '../step.js';
import { databaseLabel, describeDatabase, otherSide, regionOf, type Side } from './side.js';
import { refusedForState, waitWhileBusy, watchAfterRefusal } from './wait-while-busy.js';

/**
 * The suffix a run sets a stale database aside under: deterministic per run,
 * so that a resumed run names the same snapshot of the past, and the
 * replica that takes its place can find it to copy its settings.
 */
export function staleSuffix(run: RunRecord): string {
  return `stale-${run.id.slice(-8)}`;
}

/**
 * A replica of a large database takes long to create: the creation copies
 * the whole volume across regions. One hour, plus 20 s per GiB of allocated
 * storage (100 GiB: 1.6 h; 1 TiB: 6.7 h; 10 TiB: 58 h); 6 h when the size is
 * not known.
 */
export function replicaCreationTimeoutMs(allocatedStorageGiB: number | undefined): number {
  return allocatedStorageGiB === undefined ? 6 * 3600_000 : 3600_000 + allocatedStorageGiB * 20_000;
}

/** Aurora's snapshots of the side's old volume (writes an unplanned failover lost) that have no manual copy yet. */
async function unpreservedLostWrites(ctx: StepContext, side: Side): Promise<{ all: LostWritesSnapshot[]; open: LostWritesSnapshot[] }> {
  const all = (await ctx.cloud.database.listLostWrites?.(regionOf(ctx, side).database)) ?? [];
  return { all, open: all.filter((s) => !s.preservedAs) };
}

function describeLostWrites(all: LostWritesSnapshot[]): string {
  return all.length === 0 ? '' : `; lost writes: ${all.map((s) => (s.preservedAs ? `${s.id} kept as ${s.preservedAs}` : `${s.id} not yet copied`)).join(', ')}`;
}

/**
 * Move a side's stale writer aside (renamed, data kept: it may hold writes
 * that never replicated) so that a fresh replica can take its name. For
 * Aurora, whose old primary Aurora rebuilds as a secondary by itself, the
 * writes it lost are in the snapshot Aurora took of its old volume, which
 * expires with the old cluster's backup retention: the step copies it to a
 * manual snapshot and names the copy. Before renaming an RDS writer, it
 * checks that its replacement can be created: a cross-region replica of an
 * encrypted writer needs this region's KMS key, and failing after the
 * rename would leave the name pointing at nothing.
 */
export function retireStaleWriter(options: { id: string; title: string; side: Side }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: 10 * 60_000,
    async observe(ctx) {
      const region = regionOf(ctx, options.side);
      const state = await ctx.cloud.database.describe(region.database);
      const lost = await unpreservedLostWrites(ctx, options.side);
      return {
        resource: databaseLabel(region),
        current: describeDatabase(state) + describeLostWrites(lost.all),
        desired: 'absent, or a replica; lost writes copied to manual snapshots',
        done: (!state.exists || state.role === 'replica') && lost.open.length === 0,
      };
    },
    async act(ctx) {
      const preserved: string[] = [];
      for (const snapshot of (await unpreservedLostWrites(ctx, options.side)).open) {
        preserved.push(await ctx.cloud.database.preserveLostWrites!(regionOf(ctx, options.side).database, snapshot.id));
      }
      const current = await ctx.cloud.database.describe(regionOf(ctx, options.side).database);
      if (!current.exists || current.role === 'replica') return { preservedAs: preserved.join(',') };
      // Only while DNS positively sends the traffic to another region: a writer DNS may still send clients to is no stale writer.
      const region = regionOf(ctx, options.side);
      if (ctx.app.traffic.mode === 'records') {
        refuseRetireUnlessDnsElsewhere(ctx.app.regions, region.name, databaseLabel(region), await ctx.cloud.dns.listRecords(region.dns.hostedZoneId, region.dns.recordName));
      } else {
        await refuseRetireUnlessAnsweredElsewhere(ctx, region.name, databaseLabel(region));
      }
      await refuseUnlessReplaceable(ctx, options.side);
      const newId = await ctx.cloud.database.retire(regionOf(ctx, options.side).database, staleSuffix(ctx.run));
      return { retiredAs: newId, ...(preserved.length > 0 ? { preservedAs: preserved.join(',') } : {}) };
    },
    // The new name is on no resource the check reads (the writer's name is free, or a replica's again): say it here.
    report(after, acted, ctx) {
      return retiredMessage(databaseLabel(regionOf(ctx, options.side)), after.current, acted);
    },
  });
}

/**
 * "old writer rds:shop-db (us-east-1) set aside as shop-db-stale-1a2b3c4d
 * (data kept); lost writes kept as …; now: absent", from the retire act's
 * result; only what the check saw when nothing was set aside.
 */
export function retiredMessage(label: string, current: string, acted: ActResult | undefined): string {
  const retiredAs = typeof acted?.['retiredAs'] === 'string' ? acted['retiredAs'] : undefined;
  const preservedAs = typeof acted?.['preservedAs'] === 'string' && acted['preservedAs'] !== '' ? acted['preservedAs'] : undefined;
  if (retiredAs === undefined && preservedAs === undefined) return current;
  return [
    ...(retiredAs !== undefined ? [`old writer ${label} set aside as ${retiredAs} (data kept)`] : []),
    ...(preservedAs !== undefined ? [`lost writes kept as ${preservedAs.split(',').join(', ')}`] : []),
    `now: ${current}`,
  ].join('; ');
}

/**
 * An RDS replica of an encrypted writer in another region needs a KMS key of
 * its own region (RDS API Reference, CreateDBInstanceReadReplica, KmsKeyId):
 * refused here, before the rename, rather than by AWS after it.
 */
async function refuseUnlessReplaceable(ctx: StepContext, side: Side): Promise<void> {
  const region = regionOf(ctx, side);
  const ref = region.database;
  if (ref.engine !== 'rds' || ref.kmsKeyId) return;
  const writer = regionOf(ctx, otherSide(side));
  const source = await ctx.cloud.database.describe(writer.database);
  if (source.encrypted && writer.name !== region.name) {
    throw new PermanentError(
      `refusing to set aside ${databaseLabel(region)}: its replacement, a replica of the encrypted ${databaseLabel(writer)}, needs a KMS key of ${region.name}: ` +
        `set database.kmsKeyId of ${region.name} in the configuration`,
    );
  }
}

/** Default wait for a writer that is busy (its first backup after a promotion) before a replica of it can be created. */
export const BUSY_SOURCE_WAIT_MS = 4 * 3600_000;

/**
 * Create a side's database as a read replica of the other side's writer,
 * with the settings of the instance it replaces (set aside by the retire
 * step of the same run, and read under its new name, so a run resumed
 * between the two steps finds it all the same: the world keeps it, where a
 * journal entry could be lost with the act's answer). Waits first for a
 * writer that is busy (RDS creates a replica only of an available source),
 * and gives the creation time by the size of the database.
 */
export function createReplica(options: { id: string; title: string; side: Side; busySourceWaitMs?: number }): RunbookNode {
  const busyWaitMs = options.busySourceWaitMs ?? BUSY_SOURCE_WAIT_MS;
  return step({
    id: options.id,
    title: options.title,
    // The real deadline is sized by storage in `verify`; this only bounds it.
    timeoutMs: busyWaitMs + replicaCreationTimeoutMs(64 * 1024),
    pollMs: 1_000,
    maxPollMs: 15_000,
    async observe(ctx) {
      const region = regionOf(ctx, options.side);
      const source = regionOf(ctx, otherSide(options.side));
      const state = await ctx.cloud.database.describe(region.database);
      return {
        resource: databaseLabel(region),
        current: describeDatabase(state),
        desired: `replica of ${source.name} (available)`,
        done: state.exists && state.role === 'replica' && state.replicaOf === source.name && state.status === 'available',
        pending: state.exists && state.role === 'replica' && state.status !== 'available',
      };
    },
    async act(ctx) {
      const state = await ctx.cloud.database.describe(regionOf(ctx, options.side).database);
      // A replica being created already counts: do not issue a second create.
      if (state.exists) return;
      const source = regionOf(ctx, otherSide(options.side)).database;
      await waitWhileBusy(ctx, options.id, source, busyWaitMs, 'creating a replica of it (RDS needs an available source)');
      const ref = regionOf(ctx, options.side).database;
      try {
        await ctx.cloud.database.createReplica(ref, source, { replacesRetired: staleSuffix(ctx.run) });
      } catch (err) {
        if (!refusedForState(err)) throw err;
        // DBInstanceAlreadyExists: a create of ours whose answer was lost, once the world shows the replica of the right writer.
        const writer = regionOf(ctx, otherSide(options.side)).name;
        if ((await watchAfterRefusal(ctx, ref, (s) => s.exists && s.role === 'replica' && s.replicaOf === writer)) !== 'shown') throw err;
        return { recoveredFrom: String((err as Error).message).slice(0, 500) };
      }
    },
    async verify(ctx) {
      const region = regionOf(ctx, options.side);
      const state = await ctx.cloud.database.describe(region.database);
      const source = regionOf(ctx, otherSide(options.side));
      ctx.observed?.(`${describeDatabase(state)}; wanted: replica of ${source.name} (available)`);
      if (state.exists && state.role === 'replica' && state.replicaOf === source.name && state.status === 'available') return true;
      const started = ctx.run.steps.find((s) => s.id === options.id)?.startedAt ?? ctx.clock.now();
      const timeoutMs = busyWaitMs + replicaCreationTimeoutMs(state.allocatedStorageGiB);
      if (ctx.clock.now() >= started + timeoutMs) {
        const size = state.allocatedStorageGiB === undefined ? 'size unknown' : `${state.allocatedStorageGiB} GiB`;
        throw new PermanentError(`${databaseLabel(region)} is not an available replica of ${source.name} after ${Math.round(timeoutMs / 60_000)} min (${size}): ${describeDatabase(state)}`);
      }
      return false;
    },
  });
}
