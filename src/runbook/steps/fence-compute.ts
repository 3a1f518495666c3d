import type { AppConfig } from '../../config/types.js';
import { PermanentError } from '../../errors/errors.js';
import { type ComputeGroupState, type ComputeInstance, type ComputeRef, isLeaving } from '../../ports/compute-provider.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { promotedOrPromoting } from './fence-epoch.js';
import { regionOf, type Side } from './side.js';

/**
 * Instances that still take requests or start work: everything but those
 * leaving (Terminating, Terminating:Wait, Detaching, and gone). One held in
 * Terminating:Wait by a lifecycle hook has already been deregistered from
 * its load balancer ("the instance is deregistered from the load balancer
 * before the lifecycle hook wait state", Amazon EC2 Auto Scaling lifecycle
 * hooks, https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks-overview.html)
 * and only finishes what its hook drains; a hook may hold it for an hour,
 * so the freeze does not wait for it, and names it instead.
 */
function serving(group: ComputeGroupState): ComputeInstance[] {
  return group.instances.filter((i) => !isLeaving(i));
}

function held(group: ComputeGroupState): ComputeInstance[] {
  return group.instances.filter((i) => i.lifecycleState === 'Terminating:Wait');
}

/**
 * The planned write freeze by compute: scale a side's Auto Scaling group to
 * zero through the compute port, and wait until none of its instances is
 * left serving (see {@link serving}: held instances are named, not waited for), so that
 * nothing in that region writes to its database any more, whether or not
 * the application checks the fencing epoch. The price is an outage of the
 * region's reads and writes until DNS has moved. `enabled` leaves the step
 * out for applications whose `fence.planned` does not use compute. The
 * undo (a rollback) brings the group back to its active capacity, but only
 * while `guard`'s database has not been promoted: after a promotion the old
 * writer's instances would write beside the new one.
 */
export function freezeCompute(options: { id: string; title: string; side: Side; guard: Side; timeoutMs?: number; enabled?: (app: AppConfig) => boolean }): RunbookNode {
  const refOf = (ctx: StepContext): ComputeRef => {
    const region = regionOf(ctx, options.side);
    return { region: region.name, groupName: region.compute.autoScalingGroup };
  };
  return step({
    id: options.id,
    title: options.title,
    // A write freeze by capacity: to the plan lint, a capacity step of its side (the region it empties).
    role: { kind: 'capacity', side: options.side },
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    pollMs: 200,
    maxPollMs: 5_000,
    async observe(ctx) {
      const ref = refOf(ctx);
      const resource = `asg:${ref.groupName} (${ref.region})`;
      if (options.enabled && !options.enabled(ctx.app)) return { resource, current: `not used: fence.planned is ${ctx.app.fence.planned}`, desired: 'desired 0, no instance running', done: true };
      const group = await ctx.cloud.compute.describeGroup(ref);
      const left = serving(group);
      const draining = held(group).length;
      const heldNote = draining > 0 ? `; ${draining} held in Terminating:Wait by a lifecycle hook (out of the load balancer, finishing what the hook drains)` : '';
      return {
        resource,
        current: `desired ${group.desiredCapacity}, ${left.length} instance(s) running${left.length ? ` (${[...new Set(left.map((i) => i.lifecycleState))].join(', ')})` : ''}${heldNote}`,
        desired: 'desired 0, no instance running',
        done: group.desiredCapacity === 0 && left.length === 0,
        // Asked for zero already: the instances are on their way out.
        pending: group.desiredCapacity === 0 && left.length > 0,
      };
    },
    async act(ctx) {
      const ref = refOf(ctx);
      const group = await ctx.cloud.compute.describeGroup(ref);
      await ctx.cloud.compute.setCapacity(ref, 0, { minSize: 0 });
      return { before: `desired ${group.desiredCapacity}, min ${group.minSize}, max ${group.maxSize}` };
    },
    async compensate(ctx) {
      if (await promotedOrPromoting(ctx, options.guard)) {
        throw new PermanentError(`${options.id} kept: ${regionOf(ctx, options.guard).name} has been promoted, and the old writer's instances would write beside it`);
      }
      const active = regionOf(ctx, options.side).compute.activeCapacity;
      await ctx.cloud.compute.setCapacity(refOf(ctx), active, { minSize: active });
    },
  });
}
