import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../../src/ports/clock.js';
import type {
  GlobalCacheMember,
  GlobalCacheProvider,
  GlobalCacheRef,
  GlobalCacheState,
} from '../../../../src/ports/global-cache-provider.js';
import { runbook } from '../../../../src/runbook/step.js';
import { type FailoverGlobalCacheOptions, failoverGlobalCache } from '../../../../src/runbook/steps/cache-failover.js';
import { definitionOf } from '../../../support/compute-step.js';
import { libraryRuns } from '../../../support/library-step-run.js';
import { ManualClock } from '../../../support/manual-clock.js';
import { runFixture } from '../../../support/run-fixture.js';

const GLOBAL = 'ldgnf-shop-sessions';

/** A global datastore of two members: a failover swaps the roles after 20 s and makes it available again after 45 s. */
class FakeGlobalCache implements GlobalCacheProvider {
  readonly failovers: { ref: GlobalCacheRef; primaryRegion: string; primaryReplicationGroupId: string }[] = [];
  private members: GlobalCacheMember[] = [
    { replicationGroupId: 'shop-sessions-use1', region: 'us-east-1', role: 'primary', status: 'associated' },
    { replicationGroupId: 'shop-sessions-euw1', region: 'eu-west-1', role: 'secondary', status: 'associated' },
  ];
  private pending?: { at: number; primary: string };

  constructor(private readonly clock: Clock) {}

  async describe(ref: GlobalCacheRef): Promise<GlobalCacheState> {
    let status = 'available';
    if (this.pending) {
      const elapsed = this.clock.now() - this.pending.at;
      const primary = this.pending.primary;
      if (elapsed >= 20_000) this.members = this.members.map((m) => ({ ...m, role: m.replicationGroupId === primary ? 'primary' : 'secondary' }));
      if (elapsed < 45_000) status = 'modifying';
      else this.pending = undefined;
    }
    return { ref, status, members: this.members.map((m) => ({ ...m })) };
  }

  async failover(ref: GlobalCacheRef, primaryRegion: string, primaryReplicationGroupId: string): Promise<void> {
    this.failovers.push({ ref, primaryRegion, primaryReplicationGroupId });
    this.pending = { at: this.clock.now(), primary: primaryReplicationGroupId };
  }
}

const groups = { 'us-east-1': 'shop-sessions-use1', 'eu-west-1': 'shop-sessions-euw1' };

/** The step over the datastore GLOBAL of `groups`, with `patch`. */
function cacheStep(patch: Pick<FailoverGlobalCacheOptions, 'id' | 'side' | 'mode'> & Partial<FailoverGlobalCacheOptions>) {
  return failoverGlobalCache({ title: patch.id, globalReplicationGroupId: GLOBAL, replicationGroupId: groups, ...patch });
}
const at = (region: string, group: string) => ({ ref: { globalReplicationGroupId: GLOBAL, region }, primaryRegion: region, primaryReplicationGroupId: group });

describe('failoverGlobalCache', () => {
  it('makes its side\'s member the primary, and waits until it is and the datastore is available', async () => {
    const clock = new ManualClock();
    const cache = new FakeGlobalCache(clock);
    const step = cacheStep({ id: 'promote-session-cache', side: 'to', mode: 'unplanned' });
    const run = await libraryRuns({ cache }, { clock }).execute(runbook('cache', 'cache', step));
    expect(run?.status).toBe('succeeded');
    expect(cache.failovers).toEqual([at('eu-west-1', 'shop-sessions-euw1')]);
    const members = (await cache.describe({ globalReplicationGroupId: GLOBAL, region: 'eu-west-1' })).members;
    expect(members.map((m) => `${m.region}:${m.role}`)).toEqual(['us-east-1:secondary', 'eu-west-1:primary']);
    const progress = run!.steps[0]!;
    expect(progress.finishedAt! - progress.startedAt!).toBeGreaterThanOrEqual(45_000);
    // The swap is seen before the datastore is available again: the step waited for both.
    expect(progress.lastObservation?.text).toBe(
      'datastore modifying; shop-sessions-euw1 (eu-west-1) primary, associated; primary: shop-sessions-euw1 (eu-west-1); ' +
        'wanted: shop-sessions-euw1 (eu-west-1) primary, datastore available',
    );
    expect(progress.message).toBe('datastore available; shop-sessions-euw1 (eu-west-1) primary, associated; primary: shop-sessions-euw1 (eu-west-1)');
  });

  it('is a promotion of its mode and side, undone only when planned', () => {
    const unplanned = definitionOf(cacheStep({ id: 'a', side: 'to', mode: 'unplanned' }));
    const planned = definitionOf(cacheStep({ id: 'b', side: 'from', replicationGroupId: (r) => `sessions-${r}`, mode: 'planned' }));
    expect(unplanned.role).toEqual({ kind: 'promotion', mode: 'unplanned', side: 'to' });
    expect(planned.role).toEqual({ kind: 'promotion', mode: 'planned', side: 'from' });
    expect(unplanned.compensate).toBeUndefined();
    expect(planned.compensate).toBeDefined();
  });

  it('undoes a planned failover by failing over back to the primary its act journaled', async () => {
    const clock = new ManualClock();
    const cache = new FakeGlobalCache(clock);
    const { execute, store, runId, context } = libraryRuns({ cache }, { clock });
    const step = cacheStep({ id: 'move-session-cache', side: 'to', mode: 'planned' });
    await execute(runbook('cache', 'cache', step));
    const acted = (await store.readJournal(runId)).find((e) => e.type === 'act-succeeded')!.detail!;
    expect(acted).toEqual({ previousPrimary: 'shop-sessions-use1', previousPrimaryRegion: 'us-east-1' });
    const ctx = { ...context, run: runFixture(), log: pino({ level: 'silent' }), signal: new AbortController().signal, actInFlight: false };
    await definitionOf(step).compensate!(ctx, acted as Record<string, string>);
    expect(cache.failovers.at(-1)).toEqual(at('us-east-1', 'shop-sessions-use1'));
  });

  it('is already done when its member is the primary of an available datastore', async () => {
    const clock = new ManualClock();
    const cache = new FakeGlobalCache(clock);
    const step = cacheStep({ id: 'keep-session-cache', side: 'from', mode: 'planned' });
    const run = await libraryRuns({ cache }, { clock }).execute(runbook('cache', 'cache', step));
    expect(run?.steps[0]?.status).toBe('skipped');
    expect(cache.failovers).toEqual([]);
  });

  it('names the members when the replication group given is not one of them', async () => {
    const clock = new ManualClock();
    const step = cacheStep({ id: 'promote-session-cache', side: 'to', replicationGroupId: { 'eu-west-1': 'sessions-typo' }, mode: 'unplanned' });
    const run = await libraryRuns({ cache: new FakeGlobalCache(clock) }, { clock }).execute(runbook('cache', 'cache', step));
    expect(run?.steps[0]?.message).toBe(
      `promote-session-cache: sessions-typo (eu-west-1) is not a member of the global datastore ${GLOBAL} ` +
        '(members: shop-sessions-use1 (us-east-1) primary, associated; shop-sessions-euw1 (eu-west-1) secondary, associated)',
    );
  });
});
