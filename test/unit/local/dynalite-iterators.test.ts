import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../src/local/embedded-dynamo.js';
import type { Decision } from '../../../src/policy/decision.js';
import type { ObservationRecord } from '../../../src/ports/state-store.js';

interface ResourceHooks {
  attachResource(resource: object): void;
  detachResource(resource: object): void;
}

/**
 * Count open leveldb iterators through abstract-level's public
 * attachResource/detachResource (an iterator attaches itself to its database
 * when opened and detaches when closed), on the database class dynalite
 * itself loads (`level`, resolved from dynalite's own directory).
 */
function countOpenIterators(): { open(): number; restore(): void } {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as { Level: { prototype: object } };
  const proto = Object.getPrototypeOf(Level.prototype) as ResourceHooks;
  const { attachResource, detachResource } = proto;
  const isIterator = (r: object) => typeof (r as { next?: unknown }).next === 'function';
  let open = 0;
  proto.attachResource = function (this: ResourceHooks, r) {
    if (isIterator(r)) open++;
    attachResource.call(this, r);
  };
  proto.detachResource = function (this: ResourceHooks, r) {
    if (isIterator(r)) open--;
    detachResource.call(this, r);
  };
  return {
    open: () => open,
    restore() {
      proto.attachResource = attachResource;
      proto.detachResource = detachResource;
    },
  };
}

const T0 = Date.UTC(2026, 10, 24, 12);
const observation = (i: number): ObservationRecord => ({ app: 'shop', region: 'us-east-1', vantage: 'local', at: T0 + i * 1000, ok: true, probes: [{ status: 200, latencyMs: 3 }] });
const decision = (i: number): Decision => ({ action: 'hold', app: 'shop', at: T0 + i * 1000, reason: `round ${i}`, attention: false });

describe('dynalite iterators in local mode (issue 12, item 8)', () => {
  let dir: string;
  let dynamo: EmbeddedDynamo;
  let iterators: ReturnType<typeof countOpenIterators>;

  beforeAll(async () => {
    iterators = countOpenIterators();
    dir = await mkdtemp(join(tmpdir(), 'dynalite-iterators-'));
    dynamo = await startEmbeddedDynamo(dir);
    await dynamo.store.putObservations(Array.from({ length: 30 }, (_, i) => observation(i)));
    for (let i = 0; i < 30; i++) await dynamo.store.putDecision(decision(i));
  });

  afterAll(async () => {
    iterators.restore();
    await dynamo.close();
    await rm(dir, { recursive: true, force: true });
  });

  // The queries of the status page: one stopped at Limit, one read to the end of its range, one on an index with nothing in it.
  it('closes every iterator a Query opens, whether it stops at Limit or at the end of the range', async () => {
    for (let i = 0; i < 50; i++) {
      const [decisions, observations, runs] = await Promise.all([
        dynamo.store.listDecisions({ app: 'shop', limit: 10 }),
        dynamo.store.listObservations({ app: 'shop', region: 'us-east-1', since: T0 }),
        dynamo.store.listRuns({ app: 'shop', limit: 1 }),
      ]);
      expect(decisions.map((d) => d.reason)).toEqual(Array.from({ length: 10 }, (_, k) => `round ${29 - k}`));
      expect(observations).toHaveLength(30);
      expect(runs).toEqual([]);
    }
    // dynalite answers as its stream is destroyed; the native close may finish a moment later.
    await vi.waitFor(() => expect(iterators.open()).toBe(0), { timeout: 5_000 });
  });
});
