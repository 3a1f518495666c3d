import type { Logger } from 'pino';
import { ConflictError } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import type { StateStore } from '../ports/state-store.js';

/**
 * How long a drill holds its claim on the application without a tick
 * renewing it. A drill whose controllers all stopped longer than this lets
 * the next one start (and is ended as superseded when it wakes up).
 */
export const DRILL_CLAIM_TTL_MS = 10 * 60_000;

/** A claim whose owner has no drill record yet may be a drill still starting: younger than this, it is respected. */
const STARTING_GRACE_MS = 60_000;

/**
 * One game day at a time per application: a lease named `drill#<app>`
 * whose owner is the drill id, taken atomically at the start (of two
 * concurrent starts one wins), renewed by every tick that advances the
 * drill, and given back when it ends. It is apart from the run lease: a
 * drill spans several runs and the waits between them.
 */
export class DrillClaim {
  constructor(private readonly deps: { store: StateStore; clock: Clock; log: Logger }) {}

  /**
   * Take the claim for drill `id`, or throw a ConflictError naming the drill
   * that holds it. A claim left behind by a drill that has ended (its end and
   * the release are two writes) is cleared first.
   */
  async take(app: string, id: string): Promise<void> {
    const { store, clock } = this.deps;
    for (let attempt = 0; ; attempt++) {
      const now = clock.now();
      const result = await store.acquireLease(claimName(app), id, DRILL_CLAIM_TTL_MS, now);
      if (result.acquired) return;
      const holder = await store.getDrill(result.holder.owner);
      const starting = !holder && result.holder.expiresAt - DRILL_CLAIM_TTL_MS > now - STARTING_GRACE_MS;
      if (holder?.status === 'running' || starting || attempt >= 1) {
        throw new ConflictError(`drill ${result.holder.owner} is in progress for ${app}${holder ? ` (${holder.stage})` : ''}: wait for its end or abort it (POST /drills/${result.holder.owner}/abort)`);
      }
      await this.release(app, result.holder.owner);
    }
  }

  /** Renew the claim of a running drill; false when another drill has taken it. */
  async renew(app: string, id: string): Promise<boolean> {
    return (await this.deps.store.acquireLease(claimName(app), id, DRILL_CLAIM_TTL_MS, this.deps.clock.now())).acquired;
  }

  /** Give the claim back (taken again as its owner to learn its token, then released). Never throws: an unreleased claim lapses. */
  async release(app: string, id: string): Promise<void> {
    try {
      const result = await this.deps.store.acquireLease(claimName(app), id, 1, this.deps.clock.now());
      if (result.acquired) await this.deps.store.releaseLease(result.lease);
    } catch (err) {
      this.deps.log.warn({ drillId: id, err: String(err) }, `could not release the drill claim; it lapses within ${DRILL_CLAIM_TTL_MS / 60_000} min`);
    }
  }
}

function claimName(app: string): string {
  return `drill#${app}`;
}
