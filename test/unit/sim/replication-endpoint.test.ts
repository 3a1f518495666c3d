import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/load-config.js';
import { readHeartbeat } from '../../../src/lag/heartbeat-reader.js';
import type { RegionalEndpoint } from '../../../src/sim/regional-endpoint.js';
import { SimWorld } from '../../../src/sim/sim-world.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0, 400);

describe('the simulated application\'s replication endpoint', () => {
  let endpoints: RegionalEndpoint[] = [];
  afterEach(async () => {
    await Promise.all(endpoints.map((e) => e.stop()));
    endpoints = [];
  });

  async function world() {
    endpoints = await Promise.all(['us-east-1', 'eu-west-1'].map((r) => SimWorld.endpoint(r)));
    let now = T0;
    const clock = { now: () => now, sleep: async () => undefined };
    const config = validateConfig({
      applications: [
        {
          name: 'shop',
          regions: endpoints.map((e, i) => ({
            name: e.region,
            probes: [{ url: e.url('/health') }],
            database: { engine: 'rds', instanceId: `shop-db-${e.region}`, engineFamily: 'postgres', lag: { source: 'heartbeat', url: e.url('/replication') } },
            compute: { autoScalingGroup: `asg-${i}`, standbyCapacity: 1, activeCapacity: 2 },
            dns: { hostedZoneId: 'Z1', recordName: 'shop.example.com', type: 'CNAME', value: `${e.region}.example.com` },
          })),
        },
      ],
    });
    const w = SimWorld.attach(config, endpoints, { clock });
    const read = (i: number, expectRole?: 'writer' | 'replica') => readHeartbeat(endpoints[i]!.url('/replication'), { timeoutMs: 2_000, now: clock.now, ...(expectRole ? { expectRole } : {}) });
    return { w, read, advance: (ms: number) => (now += ms) };
  }

  it('serves the heartbeat as each region\'s database has it: the writer\'s newest, the replica\'s replayed one; the health path is unchanged', async () => {
    const { w, read, advance } = await world();
    w.providers.database.setReplicationLag(2);
    advance(10_000);
    expect(await read(0, 'writer')).toMatchObject({ ok: true, reading: { heartbeatAt: Date.UTC(2026, 10, 24, 12, 0, 10), role: 'writer' } });
    expect(await read(1, 'replica')).toMatchObject({ ok: true, reading: { heartbeatAt: Date.UTC(2026, 10, 24, 12, 0, 8), role: 'replica' } });
    const health = await fetch(endpoints[1]!.url('/health'));
    expect(await health.json()).toEqual({ status: 'ok', region: 'eu-west-1' });
  });

  it('a region that is down refuses the connection; its replica keeps the heartbeat it had replayed when the outage began', async () => {
    const { w, read, advance } = await world();
    await w.outage('us-east-1');
    advance(60_000);
    expect(await read(0)).toEqual({ ok: false, url: endpoints[0]!.url('/replication'), reason: 'connection refused' });
    expect(await read(1)).toMatchObject({ ok: true, reading: { heartbeatAt: Date.UTC(2026, 10, 24, 12, 0, 0), role: 'replica' } });
    // The engine family reached the simulated database: ReplicaLag climbs as PostgreSQL's does.
    expect((await w.providers.database.replicaLag({ engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-eu-west-1' }))?.seconds).toBe(60);
  });
});
