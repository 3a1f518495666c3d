import type { RegionConfig } from '../../config/types.js';
import { type CapacityBounds, type ComputeGroupState, isLeaving, liveCapacity, servingCapacity } from '../../ports/compute-provider.js';

/**
 * Share of a region's active capacity that must serve before DNS may move
 * to it, when the config does not say (`compute.minShareBeforeDns`). In a
 * failover the region being left is down: nine in ten instances serving
 * beats none, and a group sized with the usual headroom (target tracking
 * keeps it well below full load) carries the traffic at 90% while Auto
 * Scaling launches the rest. Below that, latency and errors grow with the
 * shortfall, so the default stops there; groups of fewer than ten instances
 * still wait for all of them (the ceiling of 0.9 × n is n).
 */
export const DEFAULT_MIN_SHARE_BEFORE_DNS = 0.9;

/** A failed launch older than this is history, not the reason for today's shortfall (Auto Scaling retries every few minutes). */
const FAILURE_RELEVANT_MS = 60 * 60_000;

/**
 * What a scale step aims for, from the region's config. Capacities are in
 * the group's units (instances, or weights with instance weighting), like
 * its DesiredCapacity.
 */
export type CapacityGoal =
  | { kind: 'active'; group: string; target: number; share: number; enough: number }
  | { kind: 'standby'; group: string; target: number; minSize: number; maxSize?: number };

/** The goal for a region at its active or standby capacity. */
export function capacityGoal(region: RegionConfig, capacity: 'active' | 'standby'): CapacityGoal {
  const c = region.compute;
  const group = `${c.autoScalingGroup} (${region.name})`;
  if (capacity === 'active') {
    const share = c.minShareBeforeDns ?? DEFAULT_MIN_SHARE_BEFORE_DNS;
    // The epsilon keeps 0.9 × 10 at 9 (floating point makes it 9.000000000000002).
    return { kind: 'active', group, target: c.activeCapacity, share, enough: Math.min(c.activeCapacity, Math.max(0, Math.ceil(share * c.activeCapacity - 1e-9))) };
  }
  return { kind: 'standby', group, target: c.standbyCapacity, minSize: c.standbyMinSize ?? c.standbyCapacity, ...(c.standbyMaxSize !== undefined ? { maxSize: c.standbyMaxSize } : {}) };
}

/** The update that brings `group` to the goal: its desired capacity and bounds. */
export interface CapacityShape {
  desired: number;
  bounds: Required<Pick<CapacityBounds, 'minSize'>> & CapacityBounds;
}

/**
 * Active: desired and MinSize raised to the target, never lowered (a group
 * target tracking has scaled out stays as large; MinSize keeps scale-in off
 * the capacity traffic is about to need), MaxSize raised only if in the
 * way. Standby: the config's standby values, MaxSize only if configured.
 */
export function shapeFor(goal: CapacityGoal, group: ComputeGroupState): CapacityShape {
  if (goal.kind === 'active') {
    const desired = Math.max(group.desiredCapacity, goal.target);
    return { desired, bounds: { minSize: Math.max(group.minSize, goal.target), maxSize: Math.max(group.maxSize, desired) } };
  }
  return { desired: goal.target, bounds: { minSize: goal.minSize, ...(goal.maxSize !== undefined ? { maxSize: goal.maxSize } : {}) } };
}

/** What the step sees in the group: whether its goal holds, is on its way, or cannot come; and how to say so. */
export interface CapacityAssessment {
  done: boolean;
  /** The group is set as the goal wants and instances are on their way: acting again would change nothing. */
  pending: boolean;
  /** Why the goal cannot come without a person (a suspended Launch or Terminate), as a message to fail with. */
  blocked?: string;
  current: string;
  desired: string;
}

/**
 * Judge a group against a goal.
 *
 * Active: done once the shape is set and the InService, Healthy instances
 * carry `enough` units (weights counted, per the instance-weighting guide);
 * the rest may still be launching, and `current` says so.
 *
 * Standby: done once the shape is set, no instance that still counts
 * (launching or in service) is beyond the target, and the target serves
 * (after a write freeze the group comes back up from zero). Instances on their way
 * out count as gone: one held in Terminating:Wait by someone's lifecycle
 * hook no longer serves and Auto Scaling finishes it when the hook
 * completes or times out; completing another team's hook is not ours to do.
 */
export function assessCapacity(goal: CapacityGoal, group: ComputeGroupState, now: number): CapacityAssessment {
  const live = liveCapacity(group);
  const serving = servingCapacity(group);
  const suspended = new Map(group.suspendedProcesses.map((p) => [p.name, p.reason]));
  const shape = shapeFor(goal, group);
  const notes: string[] = [];
  let done: boolean;
  let shapeSet: boolean;
  let blocked: string | undefined;
  if (goal.kind === 'active') {
    shapeSet = group.desiredCapacity >= goal.target && group.minSize >= goal.target;
    done = shapeSet && serving >= goal.enough;
    // Instances already launching will serve; only launches still needed for `enough` are stopped by a suspended Launch.
    if (live < goal.enough && suspended.has('Launch')) {
      blocked =
        `Auto Scaling's Launch process is suspended on ${goal.group} (${suspended.get('Launch') || 'no reason given'}): it launches nothing, ` +
        `so the group cannot grow from ${live} to the ${goal.enough} it needs in service. Resume it (aws autoscaling resume-processes --auto-scaling-group-name ${group.ref.groupName} ` +
        `--scaling-processes Launch --region ${group.ref.region}) and run again`;
    }
    if (done && serving < shape.desired) {
      const rest = live >= shape.desired ? 'the rest are launching' : suspended.has('Launch') ? 'the rest will not launch while Launch is suspended' : 'Auto Scaling goes on launching the rest';
      notes.push(`enough to move DNS (${goal.enough} of ${goal.target}, minShareBeforeDns ${goal.share}); ${rest}`);
    }
  } else {
    shapeSet = group.desiredCapacity === goal.target && group.minSize === goal.minSize && (goal.maxSize === undefined || group.maxSize === goal.maxSize);
    const staying = group.instances.filter((i) => !isLeaving(i) && /^(Pending|InService)/.test(i.lifecycleState));
    const smallest = Math.min(...staying.map((i) => i.weight));
    // With weights the group may stay above the target by less than one instance: nothing more will go then.
    const settled = live <= goal.target || live - smallest < goal.target;
    // From below too: a write freeze leaves the group at zero, and a warm standby is one that serves.
    const reached = serving >= goal.target;
    done = shapeSet && settled && reached;
    if (live < goal.target && suspended.has('Launch')) {
      blocked =
        `Auto Scaling's Launch process is suspended on ${goal.group} (${suspended.get('Launch') || 'no reason given'}): it launches nothing, ` +
        `so the group cannot come back up from ${live} to its standby capacity ${goal.target}. Resume it (aws autoscaling resume-processes --auto-scaling-group-name ${group.ref.groupName} ` +
        `--scaling-processes Launch --region ${group.ref.region}) and run again`;
    }
    if (!settled && suspended.has('Terminate')) {
      blocked =
        `Auto Scaling's Terminate process is suspended on ${goal.group} (${suspended.get('Terminate') || 'no reason given'}): it terminates nothing in service, ` +
        `so the group cannot come down from ${live} to ${goal.target}. Resume it (aws autoscaling resume-processes --auto-scaling-group-name ${group.ref.groupName} ` +
        `--scaling-processes Terminate --region ${group.ref.region}) and run again`;
    }
  }
  return {
    done,
    pending: !done && shapeSet && blocked === undefined,
    ...(blocked !== undefined ? { blocked } : {}),
    current: describeCurrent(group, notes, now),
    desired: describeGoal(goal, shape),
  };
}

/** `desired 10 (min 10, max 10), 9 in service; <notes>; Launch suspended (…); latest failed launch …` */
function describeCurrent(group: ComputeGroupState, notes: string[], now: number): string {
  const weighted = group.instances.some((i) => i.weight !== 1);
  const serving = servingCapacity(group);
  const servingText = weighted ? `${serving} units in service (${group.instances.filter((i) => i.lifecycleState === 'InService').length} instances)` : `${serving} in service`;
  const leaving = group.instances.filter(isLeaving);
  const waiting = leaving.filter((i) => i.lifecycleState === 'Terminating:Wait').length;
  const parts = [`desired ${group.desiredCapacity} (min ${group.minSize}, max ${group.maxSize}), ${servingText}`];
  if (leaving.length > 0) parts[0] += `, ${leaving.length} leaving${waiting > 0 ? ` (${waiting} held in Terminating:Wait by a lifecycle hook)` : ''}`;
  parts.push(...notes);
  for (const p of group.suspendedProcesses.filter((s) => s.name === 'Launch' || s.name === 'Terminate')) parts.push(`${p.name} suspended (${p.reason || 'no reason given'})`);
  const failure = group.latestFailure;
  if (failure && now - failure.startedAt <= FAILURE_RELEVANT_MS) {
    parts.push(`latest failed scaling activity (${failure.status}, ${new Date(failure.startedAt).toISOString()}): ${failure.message}`);
  }
  return parts.join('; ');
}

function describeGoal(goal: CapacityGoal, shape: CapacityShape): string {
  if (goal.kind === 'active') {
    const dns = goal.enough < goal.target ? `; DNS may move at ${goal.enough} (minShareBeforeDns ${goal.share})` : '';
    return `desired ${shape.desired} (min ${shape.bounds.minSize}), ${goal.target} in service${dns}`;
  }
  const max = shape.bounds.maxSize !== undefined ? `, max ${shape.bounds.maxSize}` : '';
  return `desired ${goal.target} (min ${goal.minSize}${max}), ${goal.target} in service, none beyond`;
}
