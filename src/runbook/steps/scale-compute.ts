import { serving } from '../../ports/compute-provider.js';
import { type RunbookNode, step } from '../step.js';
import { regionOf, type Side } from './side.js';

/**
 * Bring a side's Auto Scaling group to its active or standby capacity and
 * wait until that many instances are InService and Healthy.
 */
export function scaleCompute(options: { id: string; title: string; side: Side; capacity: 'active' | 'standby'; timeoutMs?: number }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    pollMs: 200,
    maxPollMs: 10_000,
    async observe(ctx) {
      const region = regionOf(ctx, options.side);
      const target = options.capacity === 'active' ? region.compute.activeCapacity : region.compute.standbyCapacity;
      const group = await ctx.cloud.compute.describeGroup({ region: region.name, groupName: region.compute.autoScalingGroup });
      const ready = serving(group);
      // Scaling up is done when enough instances serve; scaling down when no more than asked are left.
      const done = options.capacity === 'active' ? group.desiredCapacity >= target && ready >= target : group.desiredCapacity === target && group.instances.length <= target;
      return {
        // The desired capacity is set and instances are on their way: wait for them.
        pending: !done && group.desiredCapacity === target,
        resource: `asg:${region.compute.autoScalingGroup} (${region.name})`,
        current: `desired ${group.desiredCapacity}, ${ready} in service`,
        desired: `desired ${target}, ${target} in service`,
        done,
      };
    },
    async act(ctx) {
      const region = regionOf(ctx, options.side);
      const target = options.capacity === 'active' ? region.compute.activeCapacity : region.compute.standbyCapacity;
      await ctx.cloud.compute.setCapacity({ region: region.name, groupName: region.compute.autoScalingGroup }, target);
    },
    // Undo: the other capacity of the same group (rollback does not wait for instances).
    async compensate(ctx) {
      const region = regionOf(ctx, options.side);
      const back = options.capacity === 'active' ? region.compute.standbyCapacity : region.compute.activeCapacity;
      await ctx.cloud.compute.setCapacity({ region: region.name, groupName: region.compute.autoScalingGroup }, back);
    },
  });
}
