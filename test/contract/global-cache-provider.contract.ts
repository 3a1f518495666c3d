import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/errors/errors.js';
import type { GlobalCacheProvider, GlobalCacheRef } from '../../src/ports/global-cache-provider.js';

/** The global datastore every setup must provide: its primary in us-east-1, its secondary in eu-west-1. */
export const CONTRACT_DATASTORE = {
  id: 'ldgnf-shop-sessions',
  members: [
    { replicationGroupId: 'shop-sessions-use1', region: 'us-east-1', role: 'primary' },
    { replicationGroupId: 'shop-sessions-euw1', region: 'eu-west-1', role: 'secondary' },
  ],
} as const;

/** Long enough for any implementation's failover to finish. */
const PLENTY_MS = 30 * 60_000;

/** What one implementation under test provides. */
export interface GlobalCacheContractFixture {
  cache: GlobalCacheProvider;
  advance(ms: number): Promise<void>;
  close(): Promise<void> | void;
  world: { regionDown(region: string): void; regionUp(region: string): void };
}

/**
 * The semantics every GlobalCacheProvider shares, so the simulation cannot
 * drift from ElastiCache: the datastore is seen with its members from any
 * member's region; a failover is `modifying` for a while and then has the
 * named member as primary and the old primary as secondary; a failover
 * while the datastore is not available is refused (permanent); a missing
 * datastore is a permanent error naming it; a failover asked in the region
 * gaining the primary works while the region losing it does not answer,
 * where calls fail as transient errors.
 */
export function describeGlobalCacheProviderContract(
  name: string,
  setup: () => Promise<GlobalCacheContractFixture> | GlobalCacheContractFixture,
): void {
  describe(`GlobalCacheProvider contract: ${name}`, () => {
    let f: GlobalCacheContractFixture;
    const from = (region: string): GlobalCacheRef => ({ globalReplicationGroupId: CONTRACT_DATASTORE.id, region });
    const roles = async (region: string) =>
      Object.fromEntries((await f.cache.describe(from(region))).members.map((m) => [`${m.replicationGroupId}@${m.region}`, m.role]));

    beforeEach(async () => {
      f = await setup();
    });

    afterEach(async () => {
      await f.close();
    });

    it('describes the datastore with its members, from either member region', async () => {
      for (const region of ['us-east-1', 'eu-west-1']) {
        const state = await f.cache.describe(from(region));
        expect(state.ref).toEqual(from(region));
        expect(state.status).toBe('available');
        expect(state.members).toEqual(CONTRACT_DATASTORE.members.map((m) => ({ ...m, status: 'associated' })));
      }
    });

    it('fails over: modifying at first, then the named member is primary and the old primary secondary', async () => {
      await f.cache.failover(from('eu-west-1'), 'eu-west-1', 'shop-sessions-euw1');
      const during = await f.cache.describe(from('eu-west-1'));
      expect(during.status).toBe('modifying');
      expect(await roles('eu-west-1')).toEqual({ 'shop-sessions-use1@us-east-1': 'primary', 'shop-sessions-euw1@eu-west-1': 'secondary' });

      await f.advance(PLENTY_MS);
      expect((await f.cache.describe(from('eu-west-1'))).status).toBe('available');
      expect(await roles('eu-west-1')).toEqual({ 'shop-sessions-use1@us-east-1': 'secondary', 'shop-sessions-euw1@eu-west-1': 'primary' });
      expect(await roles('us-east-1')).toEqual({ 'shop-sessions-use1@us-east-1': 'secondary', 'shop-sessions-euw1@eu-west-1': 'primary' });
    });

    it('refuses a failover while the datastore is not available (a failover under way), as a PermanentError', async () => {
      await f.cache.failover(from('eu-west-1'), 'eu-west-1', 'shop-sessions-euw1');
      await expect(f.cache.failover(from('eu-west-1'), 'eu-west-1', 'shop-sessions-euw1')).rejects.toThrow(PermanentError);
      await expect(f.cache.failover(from('us-east-1'), 'us-east-1', 'shop-sessions-use1')).rejects.toThrow(
        /InvalidGlobalReplicationGroupState/,
      );
      await f.advance(PLENTY_MS);
      // Once it is done, the way back is open.
      await f.cache.failover(from('us-east-1'), 'us-east-1', 'shop-sessions-use1');
      await f.advance(PLENTY_MS);
      expect(await roles('us-east-1')).toEqual({ 'shop-sessions-use1@us-east-1': 'primary', 'shop-sessions-euw1@eu-west-1': 'secondary' });
    });

    it('refuses a failover to a replication group that is not a member there, changing nothing', async () => {
      await expect(f.cache.failover(from('eu-west-1'), 'eu-west-1', 'shop-sessions-use1')).rejects.toThrow(PermanentError);
      await expect(f.cache.failover(from('eu-west-1'), 'eu-west-1', 'no-such-group')).rejects.toThrow(/InvalidParameterValue/);
      expect((await f.cache.describe(from('eu-west-1'))).status).toBe('available');
    });

    it('reports a missing datastore, or one asked from a region without a member, as a PermanentError naming it', async () => {
      const missing = { globalReplicationGroupId: 'ldgnf-no-such', region: 'eu-west-1' };
      await expect(f.cache.describe(missing)).rejects.toThrow(PermanentError);
      await expect(f.cache.describe(missing)).rejects.toThrow(
        /GlobalReplicationGroupNotFoundFault[\s\S]*ldgnf-no-such|ldgnf-no-such[\s\S]*GlobalReplicationGroupNotFoundFault/,
      );
      await expect(f.cache.failover(missing, 'eu-west-1', 'shop-sessions-euw1')).rejects.toThrow(PermanentError);
    });

    it('fails over from the region gaining the primary while the region losing it does not answer (there: TransientError)', async () => {
      f.world.regionDown('us-east-1');
      await expect(f.cache.describe(from('us-east-1'))).rejects.toThrow(TransientError);
      await f.cache.failover(from('eu-west-1'), 'eu-west-1', 'shop-sessions-euw1');
      await f.advance(PLENTY_MS);
      expect(await roles('eu-west-1')).toEqual({ 'shop-sessions-use1@us-east-1': 'secondary', 'shop-sessions-euw1@eu-west-1': 'primary' });
      f.world.regionUp('us-east-1');
      expect((await f.cache.describe(from('us-east-1'))).status).toBe('available');
    });
  });
}
