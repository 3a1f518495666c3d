import { desiredRecords, describeRecord } from '../../dns/desired-records.js';
import { PermanentError, TransientError } from '../../errors/errors.js';
import { actTraffic, observeTraffic, verifyTraffic } from './switch-traffic.js';
import { ownerRecordName, ownsRecord, planRecordSwitch, type RecordSwitchPlan } from '../../dns/record-switch.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { otherSide, regionOf, type Side } from './side.js';
import { describeObservation } from '../poll-observation.js';

async function readPlan(ctx: StepContext, side: Side): Promise<RecordSwitchPlan & { zone: string; name: string }> {
  const { hostedZoneId: zone, recordName: name } = regionOf(ctx, side).dns;
  const read = await ctx.cloud.dns.listRecords(zone, name);
  return { ...planRecordSwitch(read, desiredRecords(ctx.app.regions, regionOf(ctx, side).name)), zone, name };
}

async function applySwitch(ctx: StepContext, side: Side): Promise<{ changeId: string } | undefined> {
  const { hostedZoneId: zone, recordName: name } = regionOf(ctx, side).dns;
  const owners = await ctx.cloud.dns.listRecords(zone, ownerRecordName(name));
  if (!ownsRecord(owners, ctx.app.name)) {
    throw new PermanentError(`${name} is not owned by ${ctx.app.name}: no ownership record at ${ownerRecordName(name)}; refusing to change it`);
  }
  const plan = await readPlan(ctx, side);
  // Already as desired (a resumed run, or a rollback of a switch that never landed): Route 53 refuses an empty batch.
  if (plan.changes.length === 0) return undefined;
  const comment = `failover-controller ${ctx.run.kind} ${ctx.run.id}: ${ctx.run.from} -> ${ctx.run.to}`;
  const change = await ctx.cloud.dns.changeRecords(zone, plan.changes, comment);
  return { changeId: change.changeId };
}

const CONTROL_PLANE_HINT =
  "records mode needs Route 53's control plane, which AWS runs in us-east-1 alone; traffic.mode health-checks or routing-control switch in Route 53's data plane without it";

/** Route 53 control-plane failures of records mode, with what would have worked instead. */
async function controlPlane<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TransientError && !err.message.includes(CONTROL_PLANE_HINT)) throw new TransientError(`${err.message} (${CONTROL_PLANE_HINT})`);
    throw err;
  }
}

/**
 * Point the application's record(s) at a side's region: read, diff, and
 * apply one batch of DELETE-exact + CREATE changes (a concurrent change makes
 * it fail as a conflict), only on a name this controller owns; then wait for
 * the change to be INSYNC.
 */
export function switchDns(options: { id: string; title: string; side: Side; timeoutMs?: number }): RunbookNode {
  const dataPlane = (ctx: StepContext) => ctx.app.traffic.mode !== 'records';
  const observe = async (ctx: StepContext) => {
    if (dataPlane(ctx)) return observeTraffic(ctx, options.side);
    const plan = await readPlan(ctx, options.side);
    const type = plan.desired[0]!.type;
    return {
      resource: `route53:${plan.name} ${type}`,
      current: plan.changes.length === 0 ? plan.desired.map(describeRecord).join('; ') : plan.current.length ? plan.current.map(describeRecord).join('; ') : 'absent',
      desired: plan.desired.map(describeRecord).join('; '),
      done: plan.changes.length === 0,
    };
  };
  return step({
    id: options.id,
    title: options.title,
    role: { kind: 'traffic', side: options.side },
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    pollMs: 200,
    maxPollMs: 5_000,
    observe: (ctx) => (dataPlane(ctx) ? observe(ctx) : controlPlane(() => observe(ctx))),
    act: (ctx) => (dataPlane(ctx) ? actTraffic(ctx, options.side, regionOf(ctx, otherSide(options.side)).name) : controlPlane(() => applySwitch(ctx, options.side))),
    // Undo: point the records back at the other side, under the same ownership and conflict rules.
    async compensate(ctx) {
      if (dataPlane(ctx)) await actTraffic(ctx, otherSide(options.side), regionOf(ctx, options.side).name);
      else await controlPlane(() => applySwitch(ctx, otherSide(options.side)));
    },
    async verify(ctx, acted) {
      if (dataPlane(ctx)) return verifyTraffic(ctx, options.side);
      // Without a change id (a resumed run, or an act whose answer was lost and whose repeat Route 53 refused as
      // already applied: see actOnce), the records themselves are the evidence; Route 53 has no call that finds a change by its batch.
      if (typeof acted?.['changeId'] !== 'string') {
        const seen = await controlPlane(() => observe(ctx));
        ctx.observed?.(describeObservation(seen));
        return seen.done;
      }
      const status = await controlPlane(() => ctx.cloud.dns.getChange(acted['changeId'] as string));
      ctx.observed?.(`Route 53 change ${acted['changeId'] as string} is ${status}; wanted: INSYNC`);
      return status === 'INSYNC';
    },
  });
}
