import type { AppConfig } from '../../config/types.js';
import { PermanentError } from '../../errors/errors.js';
import type { WriterEpoch } from '../../ports/state-store.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { requireStore } from './fence-attempt.js';
import { regionOf, type Side } from './side.js';

/** Who may write once the step has run: a side's region, or nobody (a planned handover's freeze). */
export type EpochWriter = Side | 'nobody';

/** `epoch 4: eu-west-1 writes`, `epoch 5: writes frozen`, `no epoch yet (any region may write)` */
export function describeEpoch(epoch: WriterEpoch | undefined): string {
  if (!epoch) return 'no epoch yet (applications that check it write where they are)';
  return `epoch ${epoch.epoch}: ${epoch.writerRegion ? `${epoch.writerRegion} writes` : 'writes frozen'}`;
}

/**
 * Whether a side's database has been promoted, or is being promoted: from
 * then on the writer moved, and undoing a fence would leave two writers.
 * A replica reads `modifying` during its promotion, but also during
 * maintenance or a reboot: it counts as promoting only once a promotion
 * step of this run has started (a rollback before it must lift the fence,
 * or the application stays frozen everywhere).
 */
export async function promotedOrPromoting(ctx: StepContext, side: Side): Promise<boolean> {
  const state = await ctx.cloud.database.describe(regionOf(ctx, side).database);
  if (!state.exists) return false;
  if (state.role === 'writer' || state.status === 'promoting') return true;
  const promotionStarted = ctx.run.steps.some((s) => s.id.startsWith('promote-') && s.status !== 'pending');
  return state.status === 'modifying' && promotionStarted;
}

/**
 * Move the application's fencing epoch on (state-store.ts, WriterEpoch):
 * publish which region's instances may write, or freeze writes everywhere.
 * Applications that check the epoch stop writing outside the writer region
 * as soon as they read it; the epoch only ever grows. Done when the epoch
 * already says so. `undoTo` makes it undoable for a rollback, back to that
 * side, but only while `guard`'s database has not been promoted (after a
 * promotion, undoing the fence would give the old writer its writes back
 * beside the new one). `enabled` leaves the step out for applications
 * whose `fence` configuration does not use it.
 */
export function publishWriterEpoch(options: {
  id: string;
  title: string;
  writer: EpochWriter;
  /** A few words for the epoch's `reason`: `failover`, `failback freeze`… */
  reason: string;
  undoTo?: Side;
  guard?: Side;
  enabled?: (app: AppConfig) => boolean;
}): RunbookNode {
  const wanted = (ctx: StepContext, writer: EpochWriter) => (writer === 'nobody' ? undefined : regionOf(ctx, writer).name);
  const holds = (epoch: WriterEpoch | undefined, region: string | undefined) => epoch !== undefined && epoch.writerRegion === region;
  const advance = async (ctx: StepContext, writer: EpochWriter, reason: string) => {
    const store = requireStore(ctx.fences, options.id);
    const current = await store.getWriterEpoch(ctx.app.name);
    const region = wanted(ctx, writer);
    if (holds(current, region)) return current!;
    const next: WriterEpoch = { app: ctx.app.name, epoch: (current?.epoch ?? 0) + 1, since: ctx.clock.now(), runId: ctx.run.id, reason: `${ctx.run.kind} ${ctx.run.from} -> ${ctx.run.to}: ${reason}` };
    if (region !== undefined) next.writerRegion = region;
    await store.advanceWriterEpoch(next);
    return next;
  };
  return step({
    id: options.id,
    title: options.title,
    role: { kind: 'fence' },
    timeoutMs: 60_000,
    async observe(ctx) {
      const region = wanted(ctx, options.writer);
      const desired = region ? `${region} writes` : 'writes frozen';
      if (options.enabled && !options.enabled(ctx.app)) return { resource: `epoch:${ctx.app.name}`, current: `not used: fence.planned is ${ctx.app.fence.planned}`, desired, done: true };
      const epoch = await requireStore(ctx.fences, options.id).getWriterEpoch(ctx.app.name);
      return { resource: `epoch:${ctx.app.name}`, current: describeEpoch(epoch), desired, done: holds(epoch, region) };
    },
    async act(ctx) {
      const next = await advance(ctx, options.writer, options.reason);
      return { epoch: next.epoch, writerRegion: next.writerRegion ?? 'none' };
    },
    ...(options.undoTo
      ? {
          async compensate(ctx: StepContext) {
            if (options.guard && (await promotedOrPromoting(ctx, options.guard))) {
              throw new PermanentError(`${options.id} kept: ${regionOf(ctx, options.guard).name} has been promoted, and giving the old writer its writes back would make two writers`);
            }
            await advance(ctx, options.undoTo!, `${options.id} undone`);
          },
        }
      : {}),
  });
}
