import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/load-config.js';
import type { Config } from '../../../src/config/types.js';
import { SimWorld } from '../../../src/sim/sim-world.js';
import { readWorldSwitches } from '../../../src/sim/world-switches.js';
import { freePort } from '../../support/free-port.js';
import { ManualClock } from '../../support/manual-clock.js';

async function configOnFreePorts(): Promise<Config> {
  const ports = [await freePort(), await freePort()];
  return validateConfig({
    provider: 'sim',
    applications: [
      {
        name: 'shop',
        regions: ['us-east-1', 'eu-west-1'].map((name, i) => ({
          name,
          probes: [{ url: `http://127.0.0.1:${ports[i]}/health` }],
          database: { engine: 'rds', instanceId: `shop-db-${name}` },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 2 },
          dns: { hostedZoneId: 'Z0SHOP', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
        })),
      },
    ],
  });
}

let running: SimWorld[] = [];
afterEach(async () => {
  for (const w of running) await w.stop();
  running = [];
});

describe('the simulated world’s switches on disk', () => {
  it('keeps a hanging control plane across a restart, and a heal clears it', async () => {
    const config = await configOnFreePorts();
    const dir = await mkdtemp(join(tmpdir(), 'switches-'));
    const clock = new ManualClock();
    const first = await SimWorld.start(config, { clock, dir });
    running.push(first);
    await first.outage('us-east-1', 'down', { controlPlane: 'hangs' });
    expect(readWorldSwitches(dir)?.regions['us-east-1']).toMatchObject({ mode: 'down', controlPlaneHangs: true });
    await first.stop();
    running = [];

    const second = await SimWorld.start(config, { clock, dir });
    running.push(second);
    expect(second.regions().find((r) => r.name === 'us-east-1')).toMatchObject({ mode: 'down', controlPlane: 'hanging' });
    expect(second.providers.cloud.regionHanging('us-east-1')).toBe(true);
    await second.heal('us-east-1');
    expect(second.providers.cloud.regionHanging('us-east-1')).toBe(false);
    expect(readWorldSwitches(dir)?.regions['us-east-1']).toBeUndefined();
  });
});
