import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors/errors.js';
import { type ComputeProvider, type ComputeRef, liveCapacity, serving, servingCapacity } from '../../src/ports/compute-provider.js';

/** The group every setup must provide: MinSize 1, MaxSize 2, DesiredCapacity 1, its one instance InService and Healthy. */
export const CONTRACT_GROUP = { minSize: 1, maxSize: 2, desiredCapacity: 1 } as const;

/** Long enough for any implementation's instances to boot or terminate. */
const PLENTY_MS = 10 * 60_000;

/** What one implementation under test provides. */
export interface ComputeContractFixture {
  compute: ComputeProvider;
  /** A group laid out as CONTRACT_GROUP says. */
  ref: ComputeRef;
  /** Let `ms` of the implementation's time pass. */
  advance(ms: number): Promise<void>;
  close(): Promise<void> | void;
  /**
   * What the world does to the group, as someone at the console or EC2
   * itself would (not calls of the port):
   */
  world: {
    /** The region can launch at most this many units into the group (a capacity crunch); launches past it fail with `message`. `undefined` lifts it. */
    limitLaunches(maxCapacity: number | undefined, message: string): void;
    suspend(process: string): void;
    resume(process: string): void;
    /** Instances launched from now on count for `weight` units (instance weights). */
    weigh(weight: number): void;
    /** A terminate lifecycle hook nobody completes, with this heartbeat timeout. */
    holdTerminations(heartbeatTimeoutMs: number): void;
  };
}

/** EC2's answer when a zone has no capacity of the type asked for, as scaling activities show it. */
const NO_CAPACITY = 'We currently do not have sufficient m5.large capacity in the Availability Zone you requested (us-west-2a). Launching EC2 instance failed.';

/**
 * The semantics every ComputeProvider shares, so the simulation cannot drift
 * from Auto Scaling: bounds move out of the way of the desired capacity (or
 * are set as asked), new instances are Pending and then InService, scale-in
 * leaves no more than asked, and an unknown group is a permanent error. And
 * what goes wrong, as the Auto Scaling user guide describes it: a launch
 * that fails is a Failed scaling activity with EC2's message (troubleshooting
 * guide), a suspended Launch or Terminate stops that process
 * (as-suspend-resume-processes), capacity counts in instance weights and may
 * overshoot by less than one instance (asg-instance-weighting), and a
 * terminate lifecycle hook holds instances in Terminating:Wait until its
 * heartbeat timeout (lifecycle-hooks).
 */
export function describeComputeProviderContract(name: string, setup: () => Promise<ComputeContractFixture> | ComputeContractFixture): void {
  describe(`ComputeProvider contract: ${name}`, () => {
    let f: ComputeContractFixture;

    beforeEach(async () => {
      f = await setup();
    });

    afterEach(async () => {
      await f.close();
    });

    it('describes the group: bounds, desired capacity, instances with lifecycle and health', async () => {
      const group = await f.compute.describeGroup(f.ref);
      expect(group).toMatchObject({ ref: f.ref, ...CONTRACT_GROUP });
      expect(group.instances).toHaveLength(1);
      expect(group.instances[0]).toMatchObject({ lifecycleState: 'InService', healthStatus: 'Healthy' });
      expect(group.instances[0]?.id).toEqual(expect.any(String));
      expect(serving(group)).toBe(1);
    });

    it('sets a desired capacity within the bounds without touching MinSize or MaxSize', async () => {
      await f.compute.setCapacity(f.ref, 2);
      expect(await f.compute.describeGroup(f.ref)).toMatchObject({ minSize: 1, maxSize: 2, desiredCapacity: 2 });
    });

    it('raises MaxSize when the desired capacity is above it', async () => {
      await f.compute.setCapacity(f.ref, 4);
      expect(await f.compute.describeGroup(f.ref)).toMatchObject({ minSize: 1, maxSize: 4, desiredCapacity: 4 });
    });

    it('lowers MinSize when the desired capacity is below it', async () => {
      await f.compute.setCapacity(f.ref, 0);
      expect(await f.compute.describeGroup(f.ref)).toMatchObject({ minSize: 0, maxSize: 2, desiredCapacity: 0 });
      await f.advance(PLENTY_MS);
      expect((await f.compute.describeGroup(f.ref)).instances).toHaveLength(0);
    });

    it('launches new instances Pending, and they are InService once time has passed', async () => {
      const before = await f.compute.describeGroup(f.ref);
      await f.compute.setCapacity(f.ref, 3);

      const launching = await f.compute.describeGroup(f.ref);
      const fresh = launching.instances.filter((i) => !before.instances.some((b) => b.id === i.id));
      expect(fresh).toHaveLength(2);
      for (const instance of fresh) expect(instance.lifecycleState).toBe('Pending');
      expect(serving(launching)).toBe(1);

      await f.advance(PLENTY_MS);
      const ready = await f.compute.describeGroup(f.ref);
      expect(ready.instances.map((i) => i.lifecycleState)).toEqual(['InService', 'InService', 'InService']);
      expect(serving(ready)).toBe(3);
    });

    it('scales in to at most the desired count and keeps bounds it raised', async () => {
      await f.compute.setCapacity(f.ref, 3);
      await f.advance(PLENTY_MS);
      await f.compute.setCapacity(f.ref, 1);
      await f.advance(PLENTY_MS);

      const group = await f.compute.describeGroup(f.ref);
      expect(group).toMatchObject({ minSize: 1, maxSize: 3, desiredCapacity: 1 });
      expect(group.instances.length).toBeLessThanOrEqual(1);
      expect(serving(group)).toBe(1);
    });

    it('leaves the group alone when asked for the capacity it already has', async () => {
      const before = await f.compute.describeGroup(f.ref);
      await f.compute.setCapacity(f.ref, CONTRACT_GROUP.desiredCapacity);
      expect(await f.compute.describeGroup(f.ref)).toEqual(before);
    });

    it('sets MinSize and MaxSize as asked along with the desired capacity, and refuses bounds that do not hold it', async () => {
      await f.compute.setCapacity(f.ref, 3, { minSize: 3, maxSize: 5 });
      expect(await f.compute.describeGroup(f.ref)).toMatchObject({ minSize: 3, maxSize: 5, desiredCapacity: 3 });
      await expect(f.compute.setCapacity(f.ref, 6, { maxSize: 5 })).rejects.toThrow(PermanentError);
      await expect(f.compute.setCapacity(f.ref, 2, { minSize: 3 })).rejects.toThrow(PermanentError);
      await expect(f.compute.setCapacity(f.ref, 2, { minSize: 4, maxSize: 3 })).rejects.toThrow(PermanentError);
      expect(await f.compute.describeGroup(f.ref)).toMatchObject({ minSize: 3, maxSize: 5, desiredCapacity: 3 });
    });

    it('a group without trouble reports no suspended process, weight 1 per instance and no failure', async () => {
      const group = await f.compute.describeGroup(f.ref);
      expect(group.suspendedProcesses).toEqual([]);
      expect(group.instances.map((i) => i.weight)).toEqual([1]);
      expect(group.latestFailure).toBeUndefined();
    });

    it('a launch the region cannot make leaves the group short, with a Failed activity saying why; capacity freed later is used', async () => {
      f.world.limitLaunches(2, NO_CAPACITY);
      await f.compute.setCapacity(f.ref, 3, { minSize: 3, maxSize: 3 });
      await f.advance(PLENTY_MS);
      const short = await f.compute.describeGroup(f.ref);
      expect(short.desiredCapacity).toBe(3);
      expect(serving(short)).toBe(2);
      expect(liveCapacity(short)).toBe(2);
      expect(short.latestFailure).toMatchObject({ status: 'Failed', message: NO_CAPACITY, id: expect.any(String), startedAt: expect.any(Number) });

      f.world.limitLaunches(undefined, '');
      await f.advance(PLENTY_MS);
      const full = await f.compute.describeGroup(f.ref);
      expect(serving(full)).toBe(3);
      // No longer short: no failure to explain.
      expect(full.latestFailure).toBeUndefined();
    });

    it('a suspended Launch launches nothing and shows with its reason; resumed, the group catches up', async () => {
      f.world.suspend('Launch');
      await f.compute.setCapacity(f.ref, 2);
      await f.advance(PLENTY_MS);
      const held = await f.compute.describeGroup(f.ref);
      expect(held.desiredCapacity).toBe(2);
      expect(held.instances).toHaveLength(1);
      expect(held.suspendedProcesses).toEqual([{ name: 'Launch', reason: expect.stringMatching(/^User suspended at \d{4}-\d\d-\d\dT/) }]);

      f.world.resume('Launch');
      await f.advance(PLENTY_MS);
      const resumed = await f.compute.describeGroup(f.ref);
      expect(resumed.suspendedProcesses).toEqual([]);
      expect(serving(resumed)).toBe(2);
    });

    it('a suspended Terminate terminates nothing in service on scale-in', async () => {
      await f.compute.setCapacity(f.ref, 2);
      await f.advance(PLENTY_MS);
      f.world.suspend('Terminate');
      await f.compute.setCapacity(f.ref, 1);
      await f.advance(PLENTY_MS);
      const group = await f.compute.describeGroup(f.ref);
      expect(group.desiredCapacity).toBe(1);
      expect(serving(group)).toBe(2);
    });

    it('counts capacity in units of instance weights, and may end above the desired capacity by less than one instance', async () => {
      f.world.weigh(2);
      await f.compute.setCapacity(f.ref, 4, { minSize: 1, maxSize: 8 });
      await f.advance(PLENTY_MS);
      // One unit of weight 1 was there; two instances of weight 2 overshoot 4 by one, as AWS allows.
      const up = await f.compute.describeGroup(f.ref);
      expect(up.instances.map((i) => i.weight)).toEqual([1, 2, 2]);
      expect(servingCapacity(up)).toBe(5);
      expect(serving(up)).toBe(3);

      await f.compute.setCapacity(f.ref, 2);
      await f.advance(PLENTY_MS);
      // The newest goes first, as long as what stays still holds the desired capacity.
      const down = await f.compute.describeGroup(f.ref);
      expect(down.instances.map((i) => i.weight)).toEqual([1, 2]);
      expect(servingCapacity(down)).toBe(3);
    });

    it('a terminate lifecycle hook holds instances in Terminating:Wait until its timeout; they no longer count', async () => {
      const hour = 60 * 60_000;
      f.world.holdTerminations(hour);
      await f.compute.setCapacity(f.ref, 3);
      await f.advance(PLENTY_MS);
      await f.compute.setCapacity(f.ref, 1);
      const held = await f.compute.describeGroup(f.ref);
      expect(held.instances.map((i) => i.lifecycleState).sort()).toEqual(['InService', 'Terminating:Wait', 'Terminating:Wait']);
      expect(liveCapacity(held)).toBe(1);
      expect(held.latestFailure).toBeUndefined();
      await f.advance(hour + PLENTY_MS);
      expect((await f.compute.describeGroup(f.ref)).instances.map((i) => i.lifecycleState)).toEqual(['InService']);
    });

    it('reports an unknown group as a PermanentError naming it', async () => {
      const unknown = { ...f.ref, groupName: 'no-such-group' };
      await expect(f.compute.describeGroup(unknown)).rejects.toThrow(PermanentError);
      await expect(f.compute.describeGroup(unknown)).rejects.toThrow(/no-such-group/);
      await expect(f.compute.setCapacity(unknown, 2)).rejects.toThrow(PermanentError);
      expect(await f.compute.describeGroup(f.ref)).toMatchObject(CONTRACT_GROUP);
    });
  });
}
