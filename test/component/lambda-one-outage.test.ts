import { afterEach, describe, expect, it } from 'vitest';
import { MemoryNotifier } from '../../src/adapters/notify/fanout-notifier.js';
import { createProbeHandler } from '../../src/handlers/probe.js';
import { createRunbookHandler } from '../../src/handlers/runbook.js';
import type { StateStore } from '../../src/ports/state-store.js';
import type { RunRecord } from '../../src/runbook/run.js';
import { REGIONS, scheduledEvent, startWorld, type World } from '../support/lambda-world.js';
import type { ManualClock } from '../support/manual-clock.js';

const LAG_MS = 20_000;

/**
 * The worker writes the run's end first and the new active region after it:
 * in the stack that runs it, a probe that reads between the two writes sees
 * a run that ended and a state item from before it. Modelled by the state
 * item landing LAG_MS after its write returned.
 */
function lateStateWrites(table: StateStore, clock: ManualClock): StateStore {
  return new Proxy(table, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (key !== 'putAppState') return value.bind(target);
      return (state: Parameters<StateStore['putAppState']>[0]) => {
        void clock.sleep(LAG_MS).then(() => target.putAppState(state));
        return Promise.resolve();
      };
    },
  });
}

/**
 * A global table's replica in another region: items arrive in no particular
 * order, here every run record LAG_MS late while state items arrive at
 * once. The writing stack logs each version of a run it writes; the other
 * stack reads each run as it was LAG_MS ago (not at all, if it is younger).
 */
class RunReplication {
  private readonly versions = new Map<string, { at: number; run: RunRecord }[]>();
  constructor(private readonly clock: ManualClock) {}

  writer(table: StateStore): StateStore {
    return new Proxy(table, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (key !== 'putRun') return value.bind(target);
        return async (run: RunRecord) => {
          await target.putRun(run);
          this.versions.set(run.id, [...(this.versions.get(run.id) ?? []), { at: this.clock.now(), run: structuredClone(run) }]);
        };
      },
    });
  }

  lateReader(table: StateStore): StateStore {
    const asSeen = (run: RunRecord | undefined) => (run ? this.versions.get(run.id)?.filter((v) => v.at <= this.clock.now() - LAG_MS).at(-1)?.run : undefined);
    return new Proxy(table, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (key === 'listRuns') return async (filter: Parameters<StateStore['listRuns']>[0]) => (await target.listRuns(filter)).map(asSeen).filter((r) => r !== undefined);
        if (key === 'getRun') return async (id: string) => asSeen(await target.getRun(id));
        return value.bind(target);
      },
    });
  }
}

describe('one outage, one run, one page, however the table delivers the run and the state (Lambda handlers, simulated time)', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it.each([
    ['the state item written 20 s after the run ended (the worker\'s stack)', 'state'],
    ['the run\'s records reaching the other region 20 s after its state item', 'run'],
  ] as const)('with %s: no second failover, and only the stack that runs it pages', async (_name, late) => {
    const notifiers = Object.fromEntries(REGIONS.map((r) => [r, new MemoryNotifier()])) as Record<string, MemoryNotifier>;
    let replication: RunReplication | undefined;
    const storeOf = (region: string, table: StateStore, clock: ManualClock): StateStore => {
      if (late === 'state') return region === 'eu-west-1' ? lateStateWrites(table, clock) : table;
      replication ??= new RunReplication(clock);
      return region === 'eu-west-1' ? replication.writer(table) : replication.lateReader(table);
    };
    w = await startWorld({ storeOf, notifierOf: (region) => notifiers[region] });
    const { clock, store } = w;
    const probes = Object.fromEntries(REGIONS.map((r) => [r, createProbeHandler(w!.deps(r))]));
    const workerEu = createRunbookHandler(w.deps('eu-west-1'), { pauseMarginMs: 2_000 });
    const minute = async (extra: Promise<unknown>[] = [], during?: () => Promise<void>) => {
      const at = clock.now();
      const invocations = REGIONS.map((r) => probes[r]!(scheduledEvent(at), w!.context(60_000, `probe-${r}-${at}`)));
      await during?.();
      await Promise.all([...invocations, ...extra].map((i) => w!.drive(i)));
    };

    await minute();
    // us-east-1's application goes down; both stacks see it, the eu-west-1 stack creates the run. Its dispatch is lost:
    // the worker's schedule takes the run up in the next minute, while that minute's probes, which did not create it, watch.
    await minute([], async () => {
      await clock.advance(1);
      await w!.world.outage('us-east-1');
    });
    expect(w.dispatched['eu-west-1']).toHaveLength(1);
    await minute([workerEu(scheduledEvent(clock.now()), w.context(900_000, 'worker'))]);
    await minute();
    await minute();

    const runs = await store.listRuns({ app: 'shop', limit: 10 });
    expect(runs.map((r) => [r.kind, r.status])).toEqual([['failover', 'succeeded']]);
    expect(w.world.providers.cloud.succeeded('PromoteReadReplica')).toHaveLength(1);
    const sent = (region: string) => notifiers[region]!.sent.map((n) => `${n.severity}:${n.decision.action}`);
    // The eu-west-1 stack announces the failover it starts, once; the us-east-1 stack, which will not start it, stays quiet.
    expect(sent('eu-west-1')).toEqual(['act:failover']);
    expect(sent('us-east-1')).toEqual([]);
    expect((await store.getAppState('shop'))?.activeRegion).toBe('eu-west-1');
  }, 120_000);
});
