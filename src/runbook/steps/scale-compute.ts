import { PermanentError } from '../../errors/errors.js';
import type { ComputeRef } from '../../ports/compute-provider.js';
import { StepTimeoutError } from '../engine.js';
import type { RunRecord } from '../run.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { assessCapacity, type CapacityAssessment, capacityGoal, shapeFor } from './compute-capacity.js';
import { regionOf, type Side } from './side.js';
import { describeObservation } from '../poll-observation.js';

const DEFAULT_TIMEOUT_MS = 15 * 60_000;

/**
 * Bring a side's Auto Scaling group to its active or standby capacity.
 *
 * Active (traffic is about to come): desired capacity and MinSize go to the
 * config's `activeCapacity` (MinSize, so target tracking cannot scale the
 * group in before the traffic arrives; neither is ever lowered), and the
 * step is done once `minShareBeforeDns` of it serves: DNS may move while
 * Auto Scaling launches the rest, and the step's result says it does.
 * Standby: desired capacity, MinSize (and MaxSize, if configured) go to the
 * config's standby values, and the step is done once nothing beyond the
 * standby capacity still counts; instances a lifecycle hook holds in
 * Terminating:Wait count as gone.
 *
 * A group that cannot get there without a person (its Launch, or for
 * standby its Terminate, process suspended) fails the step at once, saying
 * so; a group short of capacity shows why (the newest failed scaling
 * activity) in the step's observation and in its error on timeout.
 */
export function scaleCompute(options: { id: string; title: string; side: Side; capacity: 'active' | 'standby'; timeoutMs?: number }): RunbookNode {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  /** What the group looked like at the last log line, per run: a long wait logs each change once, not each poll. */
  const lastLogged = new WeakMap<RunRecord, string>();

  const look = async (ctx: StepContext, capacity: 'active' | 'standby' = options.capacity) => {
    const region = regionOf(ctx, options.side);
    const ref: ComputeRef = { region: region.name, groupName: region.compute.autoScalingGroup };
    const goal = capacityGoal(region, capacity);
    const group = await ctx.cloud.compute.describeGroup(ref);
    return { ref, goal, group, assessment: assessCapacity(goal, group, ctx.clock.now()) };
  };

  return step({
    id: options.id,
    title: options.title,
    role: { kind: 'capacity', side: options.side },
    timeoutMs,
    pollMs: 200,
    maxPollMs: 10_000,
    async observe(ctx) {
      const { ref, assessment } = await look(ctx);
      return { resource: `asg:${ref.groupName} (${ref.region})`, current: assessment.current, desired: assessment.desired, done: assessment.done, pending: assessment.pending };
    },
    async act(ctx) {
      const { ref, goal, group, assessment } = await look(ctx);
      // Changing the group would not help, and a failover should not wait its whole timeout to say so.
      if (assessment.blocked) throw new PermanentError(`${options.id}: ${assessment.blocked}; nothing was changed on the group`);
      const shape = shapeFor(goal, group);
      await ctx.cloud.compute.setCapacity(ref, shape.desired, shape.bounds);
      // Journaled: what the group was and what it was set to, for whoever reads the run later.
      return {
        before: `desired ${group.desiredCapacity}, min ${group.minSize}, max ${group.maxSize}`,
        set: `desired ${shape.desired}, min ${shape.bounds.minSize}${shape.bounds.maxSize !== undefined ? `, max ${shape.bounds.maxSize}` : ''}`,
      };
    },
    async verify(ctx) {
      const { assessment } = await look(ctx);
      ctx.observed?.(describeObservation(assessment));
      if (assessment.done) return true;
      if (assessment.blocked) throw new PermanentError(`${options.id}: ${assessment.blocked}`);
      logChange(ctx, assessment);
      // The engine would time the step out at this same poll; saying why is worth the check.
      const started = ctx.run.steps.find((s) => s.id === options.id)?.startedAt;
      if (started !== undefined && ctx.clock.now() >= started + timeoutMs) {
        throw new StepTimeoutError(`${options.id}: goal not reached within ${Math.round(timeoutMs / 1000)} s: ${assessment.current} (wanted: ${assessment.desired})`);
      }
      return false;
    },
    // Undo: the other capacity of the same group (rollback does not wait for instances).
    async compensate(ctx) {
      const { ref, goal, group } = await look(ctx, options.capacity === 'active' ? 'standby' : 'active');
      const shape = shapeFor(goal, group);
      await ctx.cloud.compute.setCapacity(ref, shape.desired, shape.bounds);
    },
  });

  function logChange(ctx: StepContext, assessment: CapacityAssessment): void {
    if (lastLogged.get(ctx.run) === assessment.current) return;
    lastLogged.set(ctx.run, assessment.current);
    ctx.log.info({ current: assessment.current, desired: assessment.desired }, 'waiting for capacity');
  }
}
