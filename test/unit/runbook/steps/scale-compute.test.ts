import { describe, expect, it } from 'vitest';
import { createSimProviders } from '../../../../src/adapters/sim/sim-providers.js';
import { PermanentError } from '../../../../src/errors/errors.js';
import { StepTimeoutError } from '../../../../src/runbook/engine.js';
import { scaleCompute } from '../../../../src/runbook/steps/scale-compute.js';
import { computeApp, computeContext, definitionOf, TO } from '../../../support/compute-step.js';
import { ManualClock } from '../../../support/manual-clock.js';

const GROUP = { region: TO, groupName: `shop-web-${TO}` };
const UP = 'scale-up-standby-compute';
const DOWN = 'scale-down-standby-compute';

function world(compute: Record<string, unknown> = {}) {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { instanceBootMs: 30_000 }, random: () => 0.5 });
  // The standby as the sim world seeds it: standby capacity, MinSize the same, MaxSize the active capacity.
  sim.compute.seed(GROUP, 1, 10);
  const app = computeApp(compute);
  const ctx = (stepId: string, startedAt = clock.now()) => computeContext({ app, compute: sim.compute, clock, stepId, startedAt });
  return { clock, sim, ctx };
}

const up = definitionOf(scaleCompute({ id: UP, title: 'up', side: 'to', capacity: 'active' }));
const down = definitionOf(scaleCompute({ id: DOWN, title: 'down', side: 'to', capacity: 'standby' }));

describe('scaleCompute on the simulated cloud', () => {
  it('scales up in one update, is pending while instances boot, and done once they serve', async () => {
    const { clock, sim, ctx } = world();
    expect(await up.observe(ctx(UP))).toMatchObject({ done: false, pending: false, current: 'desired 1 (min 1, max 10), 1 in service', desired: 'desired 10 (min 10), 10 in service; DNS may move at 9 (minShareBeforeDns 0.9)' });
    expect(await up.act!(ctx(UP))).toEqual({ before: 'desired 1, min 1, max 10', set: 'desired 10, min 10, max 10' });
    expect(await up.observe(ctx(UP))).toMatchObject({ done: false, pending: true });
    expect(await up.verify!(ctx(UP), undefined)).toBe(false);
    await clock.advance(30_000);
    expect(await up.verify!(ctx(UP), undefined)).toBe(true);
    expect(sim.cloud.succeeded('UpdateAutoScalingGroup')).toHaveLength(1);
  });

  it('fails the wait at once when someone suspends Launch while launches are still needed', async () => {
    const { sim, ctx } = world();
    sim.compute.setLaunchLimit(GROUP, 3);
    await up.act!(ctx(UP));
    sim.compute.suspendProcesses(GROUP, ['Launch'], 'User suspended at 2026-11-24T12:00:00Z');
    const err = await up.verify!(ctx(UP), undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/^scale-up-standby-compute: Auto Scaling's Launch process is suspended on shop-web-eu-west-1 \(eu-west-1\) \(User suspended at 2026-11-24T12:00:00Z\)/);
  });

  it('waits while short and before its deadline, and at the deadline fails with the cause', async () => {
    const { clock, sim, ctx } = world();
    sim.compute.setLaunchLimit(GROUP, 5);
    const started = clock.now();
    await up.act!(ctx(UP, started));
    await clock.advance(60_000);
    expect(await up.verify!(ctx(UP, started), undefined)).toBe(false);
    await clock.advance(14 * 60_000);
    const err = await up.verify!(ctx(UP, started), undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepTimeoutError);
    expect((err as Error).message).toMatch(/^scale-up-standby-compute: goal not reached within 900 s: desired 10 \(min 10, max 10\), 5 in service; latest failed scaling activity \(Failed, .*\): We currently do not have sufficient m5\.large capacity/);
    expect((err as Error).message).toMatch(/\(wanted: desired 10 \(min 10\), 10 in service; DNS may move at 9 \(minShareBeforeDns 0\.9\)\)$/);
  });

  it('undoes a scale-up with the standby shape of the config', async () => {
    const { sim, ctx } = world({ standbyMaxSize: 2 });
    await up.act!(ctx(UP));
    await up.compensate!(ctx(UP));
    expect(await sim.compute.describeGroup(GROUP)).toMatchObject({ desiredCapacity: 1, minSize: 1, maxSize: 2 });
  });

  it('undoes a scale-down with the active shape', async () => {
    const { sim, ctx } = world();
    await down.compensate!(ctx(DOWN));
    expect(await sim.compute.describeGroup(GROUP)).toMatchObject({ desiredCapacity: 10, minSize: 10, maxSize: 10 });
  });

  it('is blocked, and changes nothing, when Terminate is suspended and the group must come down', async () => {
    const { clock, sim, ctx } = world();
    await up.act!(ctx(UP));
    await clock.advance(60_000);
    sim.compute.suspendProcesses(GROUP, ['Terminate']);
    expect(await down.observe(ctx(DOWN))).toMatchObject({ done: false, pending: false });
    await expect(down.act!(ctx(DOWN))).rejects.toThrow(/Auto Scaling's Terminate process is suspended/);
    expect(sim.cloud.succeeded('UpdateAutoScalingGroup')).toHaveLength(1);
  });
});
