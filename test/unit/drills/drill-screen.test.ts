import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import { validateConfig } from '../../../src/config/load-config.js';
import type { DrillRecord } from '../../../src/drills/drill.js';
import { DrillConductor, type DrillControls } from '../../../src/drills/drill-conductor.js';
import type { RegionHealth } from '../../../src/health/region-health.js';
import type { Decision } from '../../../src/policy/decision.js';
import type { FaultInjector } from '../../../src/ports/fault-injector.js';
import type { RunRecord } from '../../../src/runbook/run.js';
import { drillFixture } from '../../support/drill-fixture.js';
import { ManualClock } from '../../support/manual-clock.js';

const INTERVAL_MS = 5_000;
const FALL = 3;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

const app = validateConfig({
  provider: 'sim',
  applications: [
    {
      name: 'shop',
      policy: { probeIntervalSeconds: INTERVAL_MS / 1000, fallThreshold: FALL },
      regions: ['us-east-1', 'eu-west-1'].map((name, i) => ({
        name,
        probes: [{ url: `http://127.0.0.1:${9000 + i}/health` }],
        database: { engine: 'rds', instanceId: `db-${name}` },
        compute: { autoScalingGroup: `web-${name}`, standbyCapacity: 1, activeCapacity: 4 },
        dns: { hostedZoneId: 'Z1', recordName: 'shop.example.com', type: 'CNAME', value: `${name}.example.com` },
      })),
    },
  ],
}).applications[0]!;

const controls: DrillControls = {
  apps: () => ['shop'],
  findApp: () => app,
  view: () => {
    throw new Error('not used by screen');
  },
  failover: () => Promise.reject(new Error('not used by screen')),
  failback: () => Promise.reject(new Error('not used by screen')),
  namedRunbooks: () => [],
  runNamed: () => Promise.reject(new Error('not used by screen')),
  startsRunsInto: () => true,
  preflight: async () => undefined,
  forgetFlapEvidence: () => undefined,
  availability: () => Promise.resolve(undefined),
};

const faults: FaultInjector = { outage: () => Promise.resolve(), heal: () => Promise.resolve() };

const failover: Decision = {
  action: 'failover',
  app: 'shop',
  at: NOW,
  from: 'us-east-1',
  to: 'eu-west-1',
  reason: 'us-east-1 (active) unhealthy for 3 rounds',
  outageStartedAt: NOW - 15_000,
  rto: { outageStartedAt: NOW - 15_000, detectedAt: NOW, rtoSeconds: 300, summary: 's' },
};

/** us-east-1 judged down, failing since `failingSince`. */
function down(failingSince: number): Record<string, RegionHealth> {
  return { 'us-east-1': { region: 'us-east-1', state: 'unhealthy', since: NOW, consecutiveFailures: FALL, consecutiveSuccesses: 0, failingSince, lastObservationAt: NOW, lastResults: [], recent: [0, 0, 0] } };
}

/** A drill aborted during detection that healed us-east-1 at `healedAt` and left its hold. */
function aborted(healedAt: number): DrillRecord {
  return drillFixture({ status: 'aborted', stage: 'ended', createdAt: healedAt - 10_000, abort: { by: 'bob', at: healedAt }, milestones: { startedAt: healedAt - 10_000, healedAt }, failoverHold: { region: 'us-east-1', healedAt } });
}

describe('DrillConductor.screen: what a failover decision costs', () => {
  let store: MemoryStateStore;
  let reads: { method: string; filter?: unknown }[];

  beforeEach(() => {
    store = new MemoryStateStore();
    reads = [];
    // A spy on every read screen may make.
    for (const method of ['listDrills', 'getDrill', 'getRun', 'listObservations'] as const) {
      const original = store[method].bind(store) as (arg: never) => Promise<unknown>;
      (store as unknown as Record<string, unknown>)[method] = async (arg: never) => {
        reads.push({ method, filter: arg });
        return original(arg);
      };
    }
  });

  const conductor = (withFaults = true) =>
    new DrillConductor({ store, clock: new ManualClock(NOW), log: pino({ level: 'silent' }), environment: 'sim', ...(withFaults ? { faults } : {}), vantage: 'local', controls });

  /** Rounds of us-east-1 by this vantage point at these times. */
  async function rounds(...list: [at: number, ok: boolean][]): Promise<void> {
    await store.putObservations(list.map(([at, ok]) => ({ app: 'shop', region: 'us-east-1', vantage: 'local', at, ok, probes: [] })));
  }

  it('reads nothing without a fault injector (AWS, where no drill can leave a hold), nor for a decision other than a failover', async () => {
    await store.putDrill(aborted(NOW - 12_000));
    reads = [];
    expect(await conductor(false).screen(failover, down(NOW - 20_000))).toBe(failover);
    const hold: Decision = { action: 'hold', app: 'shop', at: NOW, reason: 'all well', attention: false };
    expect(await conductor().screen(hold, down(NOW - 20_000))).toBe(hold);
    expect(reads).toEqual([]);
  });

  it('costs an old hold no observation read: a streak that began after the heal is decided on the drill alone', async () => {
    const healedAt = NOW - 3_600_000;
    await store.putDrill(aborted(healedAt));
    // An hour of rounds since the heal, which a read from the heal would return whole.
    await rounds(...Array.from({ length: 720 }, (_, i): [number, boolean] => [healedAt + (i + 1) * INTERVAL_MS, i < 716]));
    reads = [];
    expect(await conductor().screen(failover, down(NOW - 15_000))).toBe(failover);
    expect(reads.map((r) => r.method)).toEqual(['listDrills', 'getDrill']);
  });

  it('reads every round since the heal: with rounds slower than the interval (a probe timeout ≥ it), fall failed rounds after the heal still lift the hold', async () => {
    // Rounds two intervals apart: a window of (fall + 2) intervals before the decision would see only two of the three.
    const healedAt = NOW - 40_000;
    await store.putDrill(aborted(healedAt));
    await rounds([healedAt - 10_000, false], [healedAt + 10_000, false], [healedAt + 20_000, false]);
    expect(await conductor().screen(failover, down(healedAt - 10_000))).toMatchObject({ action: 'hold', reason: expect.stringMatching(/; 2 so far\)$/) });
    await rounds([healedAt + 30_000, false]);
    reads = [];
    expect(await conductor().screen(failover, down(healedAt - 10_000))).toBe(failover);
    expect(reads.find((r) => r.method === 'listObservations')!.filter).toEqual({ app: 'shop', region: 'us-east-1', vantage: 'local', since: healedAt });
  });

  it('still holds a failover on the drill’s evidence just after the heal, reading from the heal', async () => {
    const healedAt = NOW - 12_000;
    await store.putDrill(aborted(healedAt));
    await rounds([healedAt - 5_000, false], [healedAt, false], [healedAt + 5_000, false], [healedAt + 10_000, false]);
    reads = [];
    const screened = await conductor().screen(failover, down(healedAt - 10_000));
    expect(screened).toMatchObject({ action: 'hold', attention: false });
    expect(screened.reason).toMatch(/but the failures began under the injected outage of game day drill-1, .*; 2 so far\)$/);
    expect(reads.find((r) => r.method === 'listObservations')!.filter).toMatchObject({ since: healedAt });
    // One more failed round after the heal: fall in a row, an outage of its own.
    await rounds([healedAt + 15_000, false]);
    expect(await conductor().screen({ ...failover, at: NOW + 5_000 }, down(healedAt - 10_000))).toMatchObject({ action: 'failover' });
  });

  it('holds a second failover while a running drill’s own failover run has ended without moving traffic, at the cost of reading that run', async () => {
    const run: RunRecord = { id: 'run-1', app: 'shop', kind: 'failover', runbook: 'regional-failover', from: 'us-east-1', to: 'eu-west-1', trigger: 'automatic', reason: 'r', status: 'cancelled', createdAt: NOW - 20_000, steps: [] };
    await store.putRun(run);
    await store.putDrill(drillFixture({ stage: 'failing-over', failoverRunId: 'run-1', createdAt: NOW - 40_000, milestones: { startedAt: NOW - 40_000, failoverStartedAt: NOW - 20_000 } }));
    reads = [];
    expect(await conductor().screen(failover, down(NOW - 35_000))).toMatchObject({ action: 'hold', reason: expect.stringMatching(/whose failover run run-1 cancelled: no second failover on the drill's evidence/) });
    expect(reads.map((r) => r.method)).toEqual(['listDrills', 'getDrill', 'getRun']);
  });
});
