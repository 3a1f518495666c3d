import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors/errors.js';
import { type ComputeProvider, type ComputeRef, serving } from '../../src/ports/compute-provider.js';

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
}

/**
 * The semantics every ComputeProvider shares, so the simulation cannot drift
 * from Auto Scaling: bounds move out of the way of the desired capacity,
 * new instances are Pending and then InService, scale-in leaves no more than
 * asked, and an unknown group is a permanent error.
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

    it('reports an unknown group as a PermanentError naming it', async () => {
      const unknown = { ...f.ref, groupName: 'no-such-group' };
      await expect(f.compute.describeGroup(unknown)).rejects.toThrow(PermanentError);
      await expect(f.compute.describeGroup(unknown)).rejects.toThrow(/no-such-group/);
      await expect(f.compute.setCapacity(unknown, 2)).rejects.toThrow(PermanentError);
      expect(await f.compute.describeGroup(f.ref)).toMatchObject(CONTRACT_GROUP);
    });
  });
}
