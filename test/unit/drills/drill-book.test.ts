import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import type { DrillRecord } from '../../../src/drills/drill.js';
import { DrillBook, HEAL_ALARM_MS } from '../../../src/drills/drill-book.js';
import { DrillClaim } from '../../../src/drills/drill-claim.js';
import type { DrillConductorDeps, DrillControls } from '../../../src/drills/drill-deps.js';
import { drillReport } from '../../../src/drills/drill-end.js';
import { UserInputError } from '../../../src/errors/errors.js';
import type { FaultInjector } from '../../../src/ports/fault-injector.js';
import { DRILL_T0, drillFixture } from '../../support/drill-fixture.js';
import { ManualClock } from '../../support/manual-clock.js';

/** Controls of a controller whose config no longer has the drill's application: every lookup throws, synchronously. */
const gone = (): never => {
  throw new UserInputError('no application named shop');
};
const controls: DrillControls = {
  apps: () => [],
  findApp: gone,
  view: gone,
  failover: gone,
  failback: gone,
  namedRunbooks: () => [],
  runNamed: gone,
  startsRunsInto: () => true,
  preflight: async () => undefined,
  forgetFlapEvidence: () => undefined,
  // As the controller's: the policy is looked up before any promise exists.
  availability: gone,
};

describe('DrillBook', () => {
  let store: MemoryStateStore;
  let clock: ManualClock;
  let healError: Error | undefined;
  let healDelayMs: number;
  let errors: string[];
  let book: DrillBook;

  beforeEach(() => {
    store = new MemoryStateStore();
    clock = new ManualClock(DRILL_T0);
    healError = undefined;
    healDelayMs = 0;
    errors = [];
    const faults: FaultInjector = {
      outage: () => Promise.resolve(),
      heal: async () => {
        await clock.advance(healDelayMs);
        if (healError) throw healError;
      },
    };
    const log = pino({ level: 'error' }, { write: (line: string) => void errors.push(JSON.parse(line).msg as string) });
    const deps: DrillConductorDeps = { store, clock, log, environment: 'sim', faults, vantage: 'local', controls };
    book = new DrillBook(deps, new DrillClaim(deps));
  });

  /** A running drill as stored (version 1). */
  async function stored(patch: Partial<DrillRecord> = {}): Promise<DrillRecord> {
    const drill = drillFixture({ version: 0, ...patch });
    await book.save(drill);
    return drill;
  }

  it('leaves the version as read when a save fails, so that the save tried again is not refused as a conflict with itself', async () => {
    const drill = await stored();
    const putDrill = store.putDrill.bind(store);
    store.putDrill = () => Promise.reject(new Error('throttled'));
    await clock.advance(1_000);
    await expect(book.save(drill)).rejects.toThrow('throttled');
    expect(drill).toMatchObject({ version: 1, updatedAt: DRILL_T0 });
    store.putDrill = putDrill;
    await book.save(drill);
    expect((await store.getDrill(drill.id))!.version).toBe(2);
  });

  it('takes healedAt when the heal has resolved, not when it was asked for', async () => {
    const drill = await stored();
    healDelayMs = 2_000;
    expect(await book.heal(drill, clock.now())).toBe(true);
    expect(drill.milestones.healedAt).toBe(DRILL_T0 + 2_000);
  });

  it('does not end a drill whose heal fails, and ends it once the heal succeeds', async () => {
    const drill = await stored();
    healError = new Error('unreachable');
    expect(await book.endFailedOnceHealed(drill, 'given up', clock.now())).toBe(true);
    expect((await store.getDrill(drill.id))!).toMatchObject({ status: 'running', error: 'given up', healFailure: { since: DRILL_T0, error: 'Error: unreachable' } });
    // Tried again, nothing new to say: not saved.
    await clock.advance(5_000);
    expect(await book.endFailedOnceHealed(drill, 'given up', clock.now())).toBe(false);
    healError = undefined;
    expect(await book.endFailedOnceHealed(drill, 'given up', clock.now())).toBe(true);
    const ended = (await store.getDrill(drill.id))!;
    expect(ended).toMatchObject({ status: 'failed', error: 'given up', milestones: { healedAt: DRILL_T0 + 5_000 }, failoverHold: { region: 'us-east-1', healedAt: DRILL_T0 + 5_000 } });
    expect(ended.healFailure).toBeUndefined();
  });

  it('keeps trying a heal that keeps failing, says each distinct failure once, and asks for an operator once it has failed for longer than the bound', async () => {
    const drill = await stored();
    healError = new Error('unreachable');
    for (let t = 0; t < HEAL_ALARM_MS; t += 5_000) {
      expect(await book.heal(drill, clock.now())).toBe(false);
      await clock.advance(5_000);
    }
    expect(drill.error).toBeUndefined();
    expect(drill.healFailure?.alarmedAt).toBeUndefined();
    expect(errors).toEqual(['could not heal the injected outage; trying again every tick']);
    expect(drill.events.map((e) => e.text)).toEqual(['could not heal us-east-1: Error: unreachable']);

    expect(await book.heal(drill, clock.now())).toBe(false);
    const alarm = `the injected outage of us-east-1 could not be healed since ${new Date(DRILL_T0).toISOString()} (Error: unreachable): us-east-1 stays down until it is; the drill keeps trying, and an operator must heal it (POST /sim/regions/us-east-1/heal) or decide on a failover`;
    expect(drill).toMatchObject({ error: alarm, healFailure: { since: DRILL_T0, alarmedAt: DRILL_T0 + HEAL_ALARM_MS } });
    expect(errors.at(-1)).toBe('the injected outage cannot be healed: an operator is needed');

    // Said once: neither the error nor the log grows on the next attempts; a new error is said once.
    await book.heal(drill, clock.now());
    healError = new Error('timed out');
    await book.heal(drill, clock.now());
    await book.heal(drill, clock.now());
    expect(drill.error).toBe(alarm);
    expect(errors).toHaveLength(3);
    expect(drill.events.map((e) => e.text)).toEqual(['could not heal us-east-1: Error: unreachable', alarm, 'could not heal us-east-1: Error: timed out']);
  });

  it('reports a drill whose application has left the config, without an unhandled rejection', async () => {
    const drill = drillFixture();
    const report = await drillReport(book.deps, drill);
    expect(report).toMatchObject({ drillId: 'drill-1', rtoSeconds: 0 });
    expect(report.availability).toBeUndefined();
  });
});
