import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import { DrillConductor, type DrillControls } from '../../../src/drills/drill-conductor.js';
import { chooseDecider, deciderOf } from '../../../src/drills/drill-decider.js';
import { operatorDecisionHold } from '../../../src/drills/failover-hold.js';
import { UserInputError } from '../../../src/errors/errors.js';
import type { RegionHealth } from '../../../src/health/region-health.js';
import type { Decision } from '../../../src/policy/decision.js';
import type { FaultInjector } from '../../../src/ports/fault-injector.js';
import { DRILL_T0, drillFixture } from '../../support/drill-fixture.js';
import { ManualClock } from '../../support/manual-clock.js';

const NOW = DRILL_T0 + 20_000;
const on = { automaticFailover: true };
const off = { automaticFailover: false };

const controls: DrillControls = {
  apps: () => ['shop', 'blog'],
  findApp: () => {
    throw new Error('not used');
  },
  view: () => {
    throw new Error('not used');
  },
  failover: () => Promise.reject(new Error('not used')),
  failback: () => Promise.reject(new Error('not used')),
  namedRunbooks: () => [],
  runNamed: () => Promise.reject(new Error('not used')),
  startsRunsInto: () => true,
  preflight: async () => undefined,
  forgetFlapEvidence: () => undefined,
  availability: () => Promise.resolve(undefined),
};
const faults: FaultInjector = { outage: () => Promise.resolve(), heal: () => Promise.resolve() };

function conductor(store: MemoryStateStore, withFaults = true): DrillConductor {
  return new DrillConductor({ store, clock: new ManualClock(NOW), log: pino({ level: 'silent' }), environment: 'sim', ...(withFaults ? { faults } : {}), vantage: 'local', controls });
}

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
const down: Record<string, RegionHealth> = {
  'us-east-1': { region: 'us-east-1', state: 'unhealthy', since: NOW, consecutiveFailures: 3, consecutiveSuccesses: 0, failingSince: NOW - 15_000, lastObservationAt: NOW, lastResults: [], recent: [0, 0, 0] },
};

describe('who decides a game day’s failover', () => {
  it('defaults to the controller when it fails over on its own, else to the operator; refuses what the drill cannot honour', () => {
    expect(chooseDecider(undefined, on, 'shop', true)).toBe('controller');
    expect(chooseDecider(undefined, off, 'shop', true)).toBe('operator');
    expect(chooseDecider('operator', on, 'shop', true)).toBe('operator');
    expect(() => chooseDecider('controller', off, 'shop', true)).toThrow(UserInputError);
    expect(() => chooseDecider('controller', off, 'shop', true)).toThrow(/^body\.decision: shop's policy has automaticFailover off, so the controller can only hold/);
    // Nothing is detected or decided where no fault can be injected.
    expect(chooseDecider(undefined, on, 'shop', false)).toBeUndefined();
    expect(() => chooseDecider('operator', on, 'shop', false)).toThrow(/^body\.decision: no fault can be injected here/);
    // Drills stored before the choice existed get the default.
    expect(deciderOf(drillFixture(), on)).toBe('controller');
    expect(deciderOf(drillFixture({ decider: 'operator' }), on)).toBe('operator');
  });

  it('holds the controller’s failover on the outage of a drill that rehearses the operator’s decision, only while it detects', () => {
    const rehearsal = drillFixture({ decider: 'operator' });
    expect(operatorDecisionHold(rehearsal, 'us-east-1')).toMatch(/^us-east-1 is down under the injected outage of game day drill-1, which leaves the failover decision to the operator/);
    expect(operatorDecisionHold(rehearsal, 'eu-west-1')).toBeUndefined();
    expect(operatorDecisionHold({ ...rehearsal, stage: 'failing-over' }, 'us-east-1')).toBeUndefined();
    expect(operatorDecisionHold({ ...rehearsal, status: 'aborted', stage: 'ended' }, 'us-east-1')).toBeUndefined();
    expect(operatorDecisionHold(drillFixture({ decider: 'controller' }), 'us-east-1')).toBeUndefined();
    expect(operatorDecisionHold(drillFixture(), 'us-east-1')).toBeUndefined();
  });

  it('screens the controller’s failover into a quiet hold while such a drill detects', async () => {
    const store = new MemoryStateStore();
    await store.putDrill(drillFixture({ decider: 'operator' }));
    const screened = await conductor(store).screen(failover, down);
    expect(screened).toMatchObject({ action: 'hold', app: 'shop', attention: false });
    expect(screened.reason).toContain('leaves the failover decision to the operator');
    await store.putDrill(drillFixture({ id: 'drill-2', createdAt: DRILL_T0 + 1, decider: 'controller' }));
    expect(await conductor(store).screen(failover, down)).toBe(failover);
  });
});

describe('DrillConductor reads for the controller and the status page', () => {
  it('names the drill whose outage a failover away from its region is on, only while it detects', async () => {
    const store = new MemoryStateStore();
    expect(await conductor(store).detectingDrillOf('shop', 'us-east-1')).toBeUndefined();
    await store.putDrill(drillFixture());
    expect(await conductor(store).detectingDrillOf('shop', 'us-east-1')).toBe('drill-1');
    expect(await conductor(store).detectingDrillOf('shop', 'eu-west-1')).toBeUndefined();
    expect(await conductor(store).detectingDrillOf('blog', 'us-east-1')).toBeUndefined();
    // Without a fault injector (AWS) no drill detects anything: no read at all.
    expect(await conductor(store, false).detectingDrillOf('shop', 'us-east-1')).toBeUndefined();
    await store.putDrill(drillFixture({ stage: 'failing-over', version: 2 }));
    expect(await conductor(store).detectingDrillOf('shop', 'us-east-1')).toBeUndefined();
  });

  it('never holds a real failover up on the store: a failed read names no drill', async () => {
    const store = new MemoryStateStore();
    store.listDrills = () => Promise.reject(new Error('throttled'));
    expect(await conductor(store).detectingDrillOf('shop', 'us-east-1')).toBeUndefined();
  });

  it('lists the running drills, one per application, leaving out ended ones and applications it cannot read', async () => {
    const store = new MemoryStateStore();
    expect(await conductor(store).running()).toEqual([]);
    await store.putDrill(drillFixture({ id: 'drill-old', status: 'succeeded', stage: 'ended', createdAt: DRILL_T0 - 10 }));
    await store.putDrill(drillFixture({ id: 'drill-shop', createdAt: DRILL_T0 }));
    await store.putDrill(drillFixture({ id: 'drill-blog', app: 'blog', status: 'aborted', stage: 'ended' }));
    expect((await conductor(store).running()).map((d) => d.id)).toEqual(['drill-shop']);
    const list = store.listDrills.bind(store);
    store.listDrills = (filter) => (filter.app === 'blog' ? Promise.reject(new Error('throttled')) : list(filter));
    expect((await conductor(store).running()).map((d) => d.id)).toEqual(['drill-shop']);
  });
});
