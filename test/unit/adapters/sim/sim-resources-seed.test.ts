import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPersistentSimProviders } from '../../../../src/adapters/sim/persistent-sim.js';
import { seedSimResources } from '../../../../src/adapters/sim/sim-resources-seed.js';
import type { SimResources } from '../../../../src/config/sim-resources.js';
import { ManualClock } from '../../../support/manual-clock.js';

const WEB = { region: 'eu-west-1', cluster: 'shop', service: 'web' };
const none: SimResources = { ecsServices: [], functions: [], automationDocuments: [], globalDatastores: [] };

describe('seedSimResources on a saved world', () => {
  it('adds what the config gained and keeps what the world has', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-seed-'));
    const clock = new ManualClock(Date.UTC(2026, 11, 7));
    const first: SimResources = { ...none, ecsServices: [{ ...WEB, desiredCount: 0 }] };
    const open = (resources: SimResources) =>
      createPersistentSimProviders({ clock, dir, seed: (sim) => seedSimResources(sim, resources), complete: (sim) => seedSimResources(sim, resources, { onlyMissing: true }) });
    const world = open(first);
    await world.ecs.setDesiredCount(WEB, 3);

    // The config now also names a function, and still says the service starts at 0: the world keeps its 3.
    const later = open({ ...first, functions: [{ region: 'eu-west-1', name: 'shop-drain-queues' }] });
    expect((await later.ecs.describeService(WEB)).desiredCount).toBe(3);
    expect((await later.functions.invoke({ region: 'eu-west-1', functionName: 'shop-drain-queues' }, { idempotencyKey: 'k' })).functionError).toBeUndefined();
    // And it was saved: a third start finds the function without being told.
    const third = open(none);
    expect(third.functions.invocations({ region: 'eu-west-1', functionName: 'shop-drain-queues' })).toBe(1);
  });
});
