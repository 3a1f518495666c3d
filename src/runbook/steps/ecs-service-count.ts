import type { AppConfig, RegionConfig } from '../../config/types.js';
import { PermanentError } from '../../errors/errors.js';
import type { EcsServiceRef, EcsServiceState } from '../../ports/ecs-provider.js';
import { describeObservation } from '../poll-observation.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { type PerRegion, valueIn } from './per-region.js';
import { requireService } from './require-service.js';
import { regionOf, type Side } from './side.js';

/** Options of {@link ecsServiceCount}. */
export interface EcsServiceCountOptions {
  id: string;
  title: string;
  /** The side of the run whose region holds the service. */
  side: Side;
  /** Cluster name or ARN. */
  cluster: PerRegion<string>;
  /** Service name or ARN. */
  service: PerRegion<string>;
  /** The desired count to set, or how to compute it from the application and the side's region. */
  count: number | ((app: AppConfig, region: RegionConfig) => number);
  /** Deadline for the service to reach its steady state (default 15 minutes). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15 * 60_000;


/**
 * The `services-stable` waiter's condition at the count we want: one
 * deployment (no rollout under way) and as many tasks running as desired.
 */
function steady(state: EcsServiceState, count: number): boolean {
  return state.status === 'ACTIVE' && state.desiredCount === count && state.deployments === 1 && state.runningCount === count;
}

/** `ACTIVE, desired 4, 2 running, 2 pending, 2 deployments (rollout IN_PROGRESS); latest event: …` */
function describeService(state: EcsServiceState): string {
  const rollout = state.rolloutState ? ` (rollout ${state.rolloutState})` : '';
  const parts = [
    `${state.status}, desired ${state.desiredCount}, ${state.runningCount} running, ${state.pendingCount} pending, ` +
      `${state.deployments} deployment${state.deployments === 1 ? '' : 's'}${rollout}`,
  ];
  if (state.latestEvent) parts.push(`latest event: ${state.latestEvent}`);
  return parts.join('; ');
}

/**
 * Set an ECS service's desired count in a side's region and wait for its
 * steady state (ECS's `services-stable` condition: one deployment, running
 * tasks equal to the desired count), saying what each poll saw. A rollout
 * that ECS's circuit breaker failed ends the wait at once, with the
 * service's latest event. The act journals the count it replaced, and the
 * undo (a rollback) sets that count back.
 *
 * A service scaled by Application Auto Scaling may have its desired count
 * changed under the step: set the scalable target's minimum (or suspend its
 * scaling) in a step before this one, or the wait lasts until its deadline.
 */
export function ecsServiceCount(options: EcsServiceCountOptions): RunbookNode {
  const look = async (ctx: StepContext) => {
    const region = regionOf(ctx, options.side);
    const ref: EcsServiceRef = {
      region: region.name,
      cluster: valueIn(options.cluster, region),
      service: valueIn(options.service, region),
    };
    const count = typeof options.count === 'function' ? options.count(ctx.app, region) : options.count;
    if (!Number.isInteger(count) || count < 0) {
      throw new PermanentError(`${options.id}: the desired count must be a whole number ≥ 0, got ${count}`);
    }
    const state = await requireService(ctx, 'ecs', options.id).describeService(ref);
    return { ref, count, state, label: `ecs:${ref.cluster}/${ref.service} (${ref.region})` };
  };
  const wanted = (count: number) => `desired ${count}, ${count} running, one deployment (steady state)`;

  return step({
    id: options.id,
    title: options.title,
    role: { kind: 'capacity', side: options.side },
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // DescribeServices is rate limited per account: a few polls a second at most, fewer as the wait grows.
    pollMs: 1_000,
    maxPollMs: 15_000,
    async observe(ctx) {
      const { count, state, label } = await look(ctx);
      return {
        resource: label,
        current: describeService(state),
        desired: wanted(count),
        done: steady(state, count),
        // Already set to the count: the tasks are on their way, and setting it again changes nothing.
        pending: state.status === 'ACTIVE' && state.desiredCount === count && !steady(state, count),
      };
    },
    async act(ctx) {
      const { ref, count, state, label } = await look(ctx);
      if (state.status !== 'ACTIVE') {
        throw new PermanentError(`${options.id}: ${label} is ${state.status}, not ACTIVE: ECS runs no tasks for it; nothing was changed`);
      }
      await requireService(ctx, 'ecs', options.id).setDesiredCount(ref, count);
      // Journaled: the count to go back to on a rollback, in whichever process runs it.
      return { before: state.desiredCount, set: count };
    },
    async verify(ctx) {
      const { count, state, label } = await look(ctx);
      ctx.observed?.(describeObservation({ current: describeService(state), desired: wanted(count) }));
      if (steady(state, count)) return true;
      if (state.rolloutState === 'FAILED') {
        throw new PermanentError(`${options.id}: ECS failed the deployment of ${label}: ${describeService(state)}`);
      }
      return false;
    },
    report(after, acted) {
      return typeof acted?.['before'] === 'number' ? `${after.current} (desired count was ${acted['before']})` : after.current;
    },
    async compensate(ctx, acted) {
      const { ref, label } = await look(ctx);
      const before = acted?.['before'];
      if (typeof before !== 'number') {
        throw new PermanentError(
          `${options.id} not undone: the desired count ${label} had before the step was not journaled; set it back by hand`,
        );
      }
      // Rollback does not wait for the tasks: the count is what it undoes.
      await requireService(ctx, 'ecs', options.id).setDesiredCount(ref, before);
    },
  });
}
