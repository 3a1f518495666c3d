import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import type { DrillRecord } from '../../../src/drills/drill.js';
import { DrillBook } from '../../../src/drills/drill-book.js';
import { DrillClaim } from '../../../src/drills/drill-claim.js';
import type { DrillConductorDeps, DrillControls } from '../../../src/drills/drill-deps.js';
import { checkDrillRunbooks, runningRunbooks } from '../../../src/drills/drill-runbooks.js';
import { NotFoundError, RunInProgressError, UserInputError } from '../../../src/errors/errors.js';
import type { RunRecord } from '../../../src/runbook/run.js';
import { DRILL_T0, drillFixture } from '../../support/drill-fixture.js';
import { ManualClock } from '../../support/manual-clock.js';
import { runFixture } from '../../support/run-fixture.js';

describe('checkDrillRunbooks', () => {
  it('accepts known names, in any order and repeated', () => {
    expect(() => checkDrillRunbooks('shop', ['b', 'a', 'b'], ['a', 'b'])).not.toThrow();
    expect(() => checkDrillRunbooks('shop', [], [])).not.toThrow();
  });

  it('refuses unknown names with a 404 that names the known ones, and more than ten with a 400', () => {
    expect(() => checkDrillRunbooks('shop', ['a', 'x', 'y'], ['a', 'b'])).toThrow(new NotFoundError('runbooks: application shop has no runbook named "x", "y"; it has: a, b'));
    expect(() => checkDrillRunbooks('shop', ['x'], [])).toThrow(/it names none \(config: applications\[\]\.runbooks\)/);
    expect(() => checkDrillRunbooks('shop', Array.from({ length: 11 }, () => 'a'), ['a'])).toThrow(UserInputError);
  });
});

describe('runningRunbooks (stage running-runbooks)', () => {
  let store: MemoryStateStore;
  let clock: ManualClock;
  let book: DrillBook;
  let started: Parameters<DrillControls['runNamed']>[0][];
  let refusal: Error | undefined;
  let healed: string[];

  const controls: DrillControls = {
    apps: () => ['shop'],
    findApp: () => {
      throw new Error('not used');
    },
    view: () => {
      throw new Error('not used');
    },
    failover: () => Promise.reject(new Error('not used')),
    failback: () => Promise.reject(new Error('not used')),
    namedRunbooks: () => ['warm', 'drain'],
    runNamed: async (request) => {
      if (refusal) throw refusal;
      started.push(request);
      const run = named(`run-${started.length}`, request.runbook);
      await store.putRun(run);
      return run;
    },
    startsRunsInto: () => true,
    preflight: async () => undefined,
    forgetFlapEvidence: () => undefined,
    availability: () => Promise.resolve(undefined),
  };

  const named = (id: string, runbook: string, patch: Partial<RunRecord> = {}): RunRecord =>
    runFixture({ id, kind: 'runbook', runbook, from: 'eu-west-1', to: 'eu-west-1', trigger: 'manual', drillId: 'drill-1', createdAt: clock.now(), ...patch });

  beforeEach(() => {
    store = new MemoryStateStore();
    clock = new ManualClock(DRILL_T0 + 60_000);
    started = [];
    refusal = undefined;
    healed = [];
    const deps: DrillConductorDeps = {
      store,
      clock,
      log: pino({ level: 'silent' }),
      environment: 'sim',
      faults: { outage: () => Promise.resolve(), heal: async (region) => void healed.push(region) },
      vantage: 'local',
      controls,
    };
    book = new DrillBook(deps, new DrillClaim(deps));
  });

  /** A drill whose failover has succeeded, stored (version 1), with the named runbooks warm then drain to run. */
  async function stored(patch: Partial<DrillRecord> = {}): Promise<DrillRecord> {
    const drill = drillFixture({ version: 0, stage: 'running-runbooks', runbooks: ['warm', 'drain'], runbookRuns: [], milestones: { startedAt: DRILL_T0, failoverEndedAt: DRILL_T0 + 30_000 }, ...patch });
    await book.save(drill);
    return drill;
  }

  it('starts the runbooks one at a time, in order, towards the standby, and heals only once all have succeeded', async () => {
    const drill = await stored();
    expect(await runningRunbooks(book, drill, clock.now())).toBe(true);
    expect(started).toEqual([expect.objectContaining({ app: 'shop', runbook: 'warm', to: 'eu-west-1', by: 'alice', drillId: 'drill-1' })]);
    // The run still runs: nothing more.
    expect(await runningRunbooks(book, drill, clock.now())).toBe(false);
    expect(started).toHaveLength(1);

    await clock.advance(5_000);
    await store.putRun({ ...(await store.getRun('run-1'))!, status: 'succeeded', finishedAt: clock.now() });
    expect(await runningRunbooks(book, drill, clock.now())).toBe(true);
    expect(drill.runbookRuns).toEqual([
      { name: 'warm', runId: 'run-1', startedAt: DRILL_T0 + 60_000, endedAt: DRILL_T0 + 65_000 },
      { name: 'drain', runId: 'run-2', startedAt: DRILL_T0 + 65_000 },
    ]);
    expect(healed).toEqual([]);

    await store.putRun({ ...(await store.getRun('run-2'))!, status: 'succeeded', finishedAt: clock.now() });
    expect(await runningRunbooks(book, drill, clock.now())).toBe(true);
    expect(healed).toEqual(['us-east-1']);
    expect((await store.getDrill('drill-1'))!).toMatchObject({ stage: 'awaiting-primary', status: 'running' });
  });

  it('adopts a run it started but did not record (a crash in between), never starting it twice', async () => {
    const drill = await stored();
    await store.putRun(named('run-lost', 'warm'));
    expect(await runningRunbooks(book, drill, clock.now())).toBe(true);
    expect(started).toEqual([]);
    expect((await store.getDrill('drill-1'))!.runbookRuns).toEqual([{ name: 'warm', runId: 'run-lost', startedAt: clock.now() }]);
    expect(drill.events.at(-1)!.text).toBe('runbook warm (1 of 2): run run-lost found started for the drill; followed');
  });

  it('waits while another run holds the application, and ends the drill when the runbook has left the config', async () => {
    const drill = await stored();
    refusal = new RunInProgressError('shop', 'run-other');
    expect(await runningRunbooks(book, drill, clock.now())).toBe(false);
    expect(drill.status).toBe('running');

    refusal = new NotFoundError('application shop has no runbook named "warm"; it has: drain');
    expect(await runningRunbooks(book, drill, clock.now())).toBe(true);
    const ended = (await store.getDrill('drill-1'))!;
    expect(ended).toMatchObject({ status: 'failed', stage: 'ended' });
    expect(ended.error).toBe('runbook warm could not be started (application shop has no runbook named "warm"; it has: drain); the failback was not started: shop stays in eu-west-1');
    expect(healed).toEqual(['us-east-1']);
  });

  it('a run that was cancelled ends the drill as failed, with no failback, once healed', async () => {
    const drill = await stored({ failback: false });
    await runningRunbooks(book, drill, clock.now());
    await store.putRun({ ...(await store.getRun('run-1'))!, status: 'cancelled', finishedAt: clock.now() + 1_000 });
    expect(await runningRunbooks(book, drill, clock.now())).toBe(true);
    const ended = (await store.getDrill('drill-1'))!;
    expect(ended.status).toBe('failed');
    expect(ended.failbackRunId).toBeUndefined();
    expect(ended.error).toBe('the run run-1 of runbook warm cancelled; shop stays in eu-west-1 (see GET /runs/run-1)');
    expect(ended.events.map((e) => e.text)).toContain('the drill ends here: a named runbook cancelled; shop stays in eu-west-1');
    expect(started).toHaveLength(1);
    expect(ended.report!.phases.filter((p) => p.id === 'runbook').map((p) => [p.name, p.status])).toEqual([
      ['runbook warm', 'failed'],
      ['runbook drain', 'skipped'],
    ]);
  });
});
