import { describe, expect, it } from 'vitest';
import type { ComputeGroupState, ComputeInstance } from '../../../../src/ports/compute-provider.js';
import { assessCapacity, capacityGoal, shapeFor } from '../../../../src/runbook/steps/compute-capacity.js';
import { computeApp } from '../../../support/compute-step.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const REF = { region: 'eu-west-1', groupName: 'shop-web-eu-west-1' };

function group(patch: Partial<ComputeGroupState> & { serving?: number; pending?: number; leaving?: number; weight?: number } = {}): ComputeGroupState {
  const { serving = 1, pending = 0, leaving = 0, weight = 1, ...rest } = patch;
  const make = (state: string, n: number): ComputeInstance[] => Array.from({ length: n }, (_, i) => ({ id: `i-${state}-${i}`, lifecycleState: state, healthStatus: 'Healthy', weight }));
  return {
    ref: REF,
    minSize: 1,
    maxSize: 4,
    desiredCapacity: 1,
    instances: [...make('InService', serving), ...make('Pending', pending), ...make('Terminating:Wait', leaving)],
    suspendedProcesses: [],
    ...rest,
  };
}

const to = (compute: Record<string, unknown> = {}) => computeApp(compute).regions[1]!;

describe('capacityGoal', () => {
  it.each([
    [10, 0.9, 9],
    [4, 0.9, 4],
    [20, 0.9, 18],
    [3, 0.5, 2],
    [10, 1, 10],
    [10, 0, 0],
  ])('active %i at minShareBeforeDns %d is enough at %i serving', (activeCapacity, share, enough) => {
    expect(capacityGoal(to({ activeCapacity, minShareBeforeDns: share }), 'active')).toMatchObject({ kind: 'active', target: activeCapacity, enough });
  });

  it('defaults the share to 0.9, and the standby MinSize to the standby capacity with MaxSize left alone', () => {
    expect(capacityGoal(to(), 'active')).toMatchObject({ share: 0.9, enough: 9 });
    expect(capacityGoal(to({ standbyCapacity: 2 }), 'standby')).toEqual({ kind: 'standby', group: 'shop-web-eu-west-1 (eu-west-1)', target: 2, minSize: 2 });
    expect(capacityGoal(to({ standbyCapacity: 2, standbyMinSize: 0, standbyMaxSize: 6 }), 'standby')).toMatchObject({ minSize: 0, maxSize: 6 });
  });
});

describe('shapeFor', () => {
  const active = capacityGoal(to(), 'active');

  it('raises desired and MinSize to the active capacity, and MaxSize only when it is in the way', () => {
    expect(shapeFor(active, group())).toEqual({ desired: 10, bounds: { minSize: 10, maxSize: 10 } });
    expect(shapeFor(active, group({ maxSize: 30 }))).toEqual({ desired: 10, bounds: { minSize: 10, maxSize: 30 } });
  });

  it('never lowers a group target tracking has scaled out, nor a MinSize the operator set higher', () => {
    expect(shapeFor(active, group({ desiredCapacity: 14, minSize: 12, maxSize: 20 }))).toEqual({ desired: 14, bounds: { minSize: 12, maxSize: 20 } });
  });

  it('sets the standby values from the config', () => {
    expect(shapeFor(capacityGoal(to({ standbyMaxSize: 3 }), 'standby'), group({ desiredCapacity: 10, minSize: 10, maxSize: 10 }))).toEqual({ desired: 1, bounds: { minSize: 1, maxSize: 3 } });
    expect(shapeFor(capacityGoal(to(), 'standby'), group({ desiredCapacity: 10, minSize: 10, maxSize: 10 }))).toEqual({ desired: 1, bounds: { minSize: 1 } });
  });
});

describe('assessCapacity, active', () => {
  const active = capacityGoal(to(), 'active');

  it('is pending while set and launching, done at the share, and says the rest keeps launching', () => {
    const launching = assessCapacity(active, group({ desiredCapacity: 10, minSize: 10, maxSize: 10, serving: 8, pending: 2 }), NOW);
    expect(launching).toMatchObject({ done: false, pending: true });
    const enough = assessCapacity(active, group({ desiredCapacity: 10, minSize: 10, maxSize: 10, serving: 9, pending: 1 }), NOW);
    expect(enough).toMatchObject({ done: true, pending: false, current: 'desired 10 (min 10, max 10), 9 in service; enough to move DNS (9 of 10, minShareBeforeDns 0.9); the rest are launching' });
    expect(assessCapacity(active, group({ desiredCapacity: 10, minSize: 10, maxSize: 10, serving: 10 }), NOW).current).toBe('desired 10 (min 10, max 10), 10 in service');
  });

  it('is neither done nor pending while MinSize is still below the active capacity, however many serve', () => {
    expect(assessCapacity(active, group({ desiredCapacity: 10, minSize: 1, maxSize: 10, serving: 10 }), NOW)).toMatchObject({ done: false, pending: false });
  });

  it('counts serving capacity in weights, not instances', () => {
    const weighted = group({ desiredCapacity: 10, minSize: 10, maxSize: 12, serving: 3, weight: 3 });
    expect(assessCapacity(active, weighted, NOW)).toMatchObject({ done: true, current: expect.stringMatching(/^desired 10 \(min 10, max 12\), 9 units in service \(3 instances\); enough to move DNS/) });
  });

  it('is blocked by a suspended Launch only when launches are still needed for the share', () => {
    const suspendedProcesses = [{ name: 'Launch', reason: 'User suspended at 2026-11-24T11:00:00Z' }];
    const blocked = assessCapacity(active, group({ desiredCapacity: 10, minSize: 10, maxSize: 10, serving: 5, suspendedProcesses }), NOW);
    expect(blocked).toMatchObject({ done: false, pending: false, blocked: expect.stringContaining("Auto Scaling's Launch process is suspended") });
    expect(blocked.current).toBe('desired 10 (min 10, max 10), 5 in service; Launch suspended (User suspended at 2026-11-24T11:00:00Z)');
    // Nine already launching: they will serve without a launch.
    const launching = assessCapacity(active, group({ desiredCapacity: 10, minSize: 10, maxSize: 10, serving: 5, pending: 4, suspendedProcesses }), NOW);
    expect(launching).toMatchObject({ pending: true });
    expect(launching.blocked).toBeUndefined();
    expect(assessCapacity(active, group({ desiredCapacity: 10, minSize: 10, maxSize: 10, serving: 9, suspendedProcesses }), NOW).current).toContain('the rest will not launch while Launch is suspended');
  });

  it('shows a failed launch of the last hour, and not an older one', () => {
    const failure = { id: 'a-1', status: 'Failed', message: 'The image id ‘[ami-0abc]’ does not exist. Launching EC2 instance failed.', startedAt: NOW - 59 * 60_000 };
    const recent = assessCapacity(active, group({ desiredCapacity: 10, minSize: 10, maxSize: 10, latestFailure: failure }), NOW);
    expect(recent.current).toBe(`desired 10 (min 10, max 10), 1 in service; latest failed scaling activity (Failed, 2026-11-24T11:01:00.000Z): ${failure.message}`);
    const old = assessCapacity(active, group({ desiredCapacity: 10, minSize: 10, maxSize: 10, latestFailure: { ...failure, startedAt: NOW - 2 * 60 * 60_000 } }), NOW);
    expect(old.current).toBe('desired 10 (min 10, max 10), 1 in service');
  });
});

describe('assessCapacity, standby', () => {
  const standby = capacityGoal(to({ standbyMaxSize: 4 }), 'standby');

  it('counts instances on their way out as gone, and is pending while more must go', () => {
    expect(assessCapacity(standby, group({ serving: 1, leaving: 9 }), NOW)).toMatchObject({ done: true, current: 'desired 1 (min 1, max 4), 1 in service, 9 leaving (9 held in Terminating:Wait by a lifecycle hook)' });
    expect(assessCapacity(standby, group({ serving: 3 }), NOW)).toMatchObject({ done: false, pending: true });
  });

  it('needs MinSize and the configured MaxSize back as well', () => {
    expect(assessCapacity(standby, group({ minSize: 10, maxSize: 10, desiredCapacity: 1 }), NOW)).toMatchObject({ done: false, pending: false, desired: 'desired 1 (min 1, max 4), 1 in service, none beyond' });
  });

  it('with weights, settles above the standby capacity by less than one instance', () => {
    const goal = capacityGoal(to({ standbyCapacity: 3 }), 'standby');
    expect(assessCapacity(goal, group({ desiredCapacity: 3, minSize: 3, serving: 2, weight: 2 }), NOW).done).toBe(true);
    expect(assessCapacity(goal, group({ desiredCapacity: 3, minSize: 3, serving: 3, weight: 2 }), NOW).done).toBe(false);
  });

  it('is blocked by a suspended Terminate while instances beyond the standby capacity serve', () => {
    const suspendedProcesses = [{ name: 'Terminate', reason: 'User suspended at 2026-11-24T11:00:00Z' }];
    expect(assessCapacity(standby, group({ serving: 3, suspendedProcesses }), NOW)).toMatchObject({ done: false, pending: false, blocked: expect.stringContaining("Auto Scaling's Terminate process is suspended") });
    expect(assessCapacity(standby, group({ serving: 1, suspendedProcesses }), NOW)).toMatchObject({ done: true });
  });
});
