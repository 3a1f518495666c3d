import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/errors/errors.js';
import type { EcsProvider, EcsServiceRef } from '../../src/ports/ecs-provider.js';

/** The service every setup must provide: ACTIVE, one task desired and running. */
export const CONTRACT_SERVICE = { desiredCount: 1, runningCount: 1 } as const;

/** Long enough for any implementation's tasks to start or stop. */
const PLENTY_MS = 10 * 60_000;

/** What one implementation under test provides. */
export interface EcsContractFixture {
  ecs: EcsProvider;
  /** A service laid out as CONTRACT_SERVICE says. */
  ref: EcsServiceRef;
  /** Let `ms` of the implementation's time pass. */
  advance(ms: number): Promise<void>;
  close(): Promise<void> | void;
  /** What the world does (not calls of the port): the service's region stops answering, or answers again. */
  world: { regionDown(): void; regionUp(): void };
}

/**
 * The semantics every EcsProvider shares, so the simulation cannot drift
 * from ECS: the desired count changes at once and the running count only
 * once tasks have started (the services-stable waiter's condition is
 * reached after a delay, not at the call); a desired count alone starts no
 * new deployment; a missing service or cluster is a permanent error naming
 * it; a region that does not answer is a transient one.
 */
export function describeEcsProviderContract(name: string, setup: () => Promise<EcsContractFixture> | EcsContractFixture): void {
  describe(`EcsProvider contract: ${name}`, () => {
    let f: EcsContractFixture;

    beforeEach(async () => {
      f = await setup();
    });

    afterEach(async () => {
      await f.close();
    });

    it('describes a steady service: ACTIVE, counts, one completed deployment', async () => {
      const state = await f.ecs.describeService(f.ref);
      expect(state).toMatchObject({
        ref: f.ref,
        status: 'ACTIVE',
        desiredCount: 1,
        runningCount: 1,
        pendingCount: 0,
        deployments: 1,
        rolloutState: 'COMPLETED',
      });
      expect(state.latestEvent).toMatch(/has reached a steady state/);
    });

    it('scales out: desired at once, tasks pending, running only after they start; no new deployment', async () => {
      await f.ecs.setDesiredCount(f.ref, 3);
      const starting = await f.ecs.describeService(f.ref);
      expect(starting).toMatchObject({ desiredCount: 3, runningCount: 1, pendingCount: 2, deployments: 1 });
      expect(starting.latestEvent).toMatch(/has started 2 tasks/);

      await f.advance(1_000);
      expect(await f.ecs.describeService(f.ref)).toMatchObject({ runningCount: 1, pendingCount: 2 });

      await f.advance(PLENTY_MS);
      const steady = await f.ecs.describeService(f.ref);
      expect(steady).toMatchObject({ desiredCount: 3, runningCount: 3, pendingCount: 0, deployments: 1, rolloutState: 'COMPLETED' });
      expect(steady.latestEvent).toMatch(/has reached a steady state/);
    });

    it('scales in: desired at once, tasks drain and are gone once stopped', async () => {
      await f.ecs.setDesiredCount(f.ref, 0);
      const draining = await f.ecs.describeService(f.ref);
      expect(draining.desiredCount).toBe(0);
      expect(draining.latestEvent).toMatch(/has stopped 1 running tasks/);
      await f.advance(PLENTY_MS);
      expect(await f.ecs.describeService(f.ref)).toMatchObject({ desiredCount: 0, runningCount: 0, pendingCount: 0, deployments: 1 });
    });

    it('leaves a service alone when asked for the count it has', async () => {
      const before = await f.ecs.describeService(f.ref);
      await f.ecs.setDesiredCount(f.ref, CONTRACT_SERVICE.desiredCount);
      expect(await f.ecs.describeService(f.ref)).toEqual(before);
    });

    it('refuses a desired count that is not a whole number >= 0, changing nothing', async () => {
      for (const bad of [-1, 1.5, Number.NaN]) await expect(f.ecs.setDesiredCount(f.ref, bad)).rejects.toThrow(PermanentError);
      expect(await f.ecs.describeService(f.ref)).toMatchObject({ desiredCount: 1, runningCount: 1 });
    });

    it('reports a missing service or cluster as a PermanentError naming it', async () => {
      const noService = { ...f.ref, service: 'no-such-service' };
      await expect(f.ecs.describeService(noService)).rejects.toThrow(PermanentError);
      await expect(f.ecs.describeService(noService)).rejects.toThrow(/no-such-service/);
      await expect(f.ecs.setDesiredCount(noService, 2)).rejects.toThrow(PermanentError);
      await expect(f.ecs.setDesiredCount(noService, 2)).rejects.toThrow(/ServiceNotFoundException/);
      const noCluster = { ...f.ref, cluster: 'no-such-cluster' };
      await expect(f.ecs.describeService(noCluster)).rejects.toThrow(PermanentError);
      await expect(f.ecs.describeService(noCluster)).rejects.toThrow(
        /no-such-cluster[\s\S]*ClusterNotFoundException|ClusterNotFoundException[\s\S]*no-such-cluster/,
      );
      expect(await f.ecs.describeService(f.ref)).toMatchObject({ desiredCount: 1 });
    });

    it('a region that does not answer is a TransientError, and nothing changed there', async () => {
      f.world.regionDown();
      await expect(f.ecs.describeService(f.ref)).rejects.toThrow(TransientError);
      await expect(f.ecs.setDesiredCount(f.ref, 4)).rejects.toThrow(TransientError);
      f.world.regionUp();
      expect(await f.ecs.describeService(f.ref)).toMatchObject({ desiredCount: 1, runningCount: 1 });
    });
  });
}
