import type { Controller } from '../../src/controller/controller.js';
import type { ManualClock } from './manual-clock.js';

/**
 * Probe riseThreshold rounds without starting the loop, so that every
 * healthy region is judged healthy: an operator's run is refused by its
 * pre-flight gate into a region the controller has not judged healthy.
 */
export async function judgeRegions(h: { controller: Controller; clock: ManualClock }): Promise<void> {
  const { riseThreshold, probeIntervalSeconds } = h.controller.config.applications[0]!.policy;
  for (let i = 0; i < riseThreshold; i++) {
    await h.controller.tick();
    await h.clock.advance(probeIntervalSeconds * 1000);
  }
  await h.controller.settled();
}
