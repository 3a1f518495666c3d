import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/adapters/memory/memory-state-store.js';
import { storedHealth } from '../../../src/controller/stored-rounds.js';
import { testApp } from '../../support/engine-fixture.js';

describe('storedHealth: a new process (or Lambda invocation) rebuilds health from the stored rounds', () => {
  it('keeps the attempts of a round that passed with some failed, so its flap evidence survives a restart', async () => {
    const store = new MemoryStateStore();
    const start = 1_000_000;
    const interval = testApp.policy.probeIntervalSeconds * 1000;
    const shaky = [false, true, true];
    await store.putObservations(
      shaky.map((someFailed, i) => ({
        app: 'shop',
        region: 'us-east-1',
        vantage: 'local',
        at: start + i * interval,
        ok: true,
        probes: [{ latencyMs: 5, status: 200, ...(someFailed ? { attempts: { failed: 2, of: 3 } } : {}) }],
      })),
    );
    const health = await storedHealth(store, testApp, 'us-east-1', 'local', start + 3 * interval);
    expect(health.recent).toEqual([1, 0.5, 0.5]);
    expect(health.lastResults[0]).toMatchObject({ ok: true, attempts: { failed: 2, of: 3 } });
  });
});
