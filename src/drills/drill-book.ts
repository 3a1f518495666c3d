import type { DrillRecord, HealFailure } from './drill.js';
import type { DrillClaim } from './drill-claim.js';
import type { DrillConductorDeps } from './drill-deps.js';
import { endDrill } from './drill-end.js';

/**
 * The record-keeping every part of the drill conductor shares: its
 * dependencies, the application's drill claim, versioned saves of the
 * drill, and the heal of its injected fault.
 */
export class DrillBook {
  constructor(
    readonly deps: DrillConductorDeps,
    readonly claim: DrillClaim,
  ) {}

  /** Save the drill if this step changed it; says whether it did. */
  async keep(drill: DrillRecord, changed: boolean): Promise<boolean> {
    if (changed) await this.save(drill);
    return changed;
  }

  /** Save the drill as its next version (the store refuses a write over a version it did not read). */
  async save(drill: DrillRecord): Promise<void> {
    const { version, updatedAt } = drill;
    drill.version += 1;
    drill.updatedAt = this.deps.clock.now();
    try {
      await this.deps.store.putDrill(drill);
    } catch (err) {
      // Not written: the drill is still the version read, so a retry of this save is not refused as a conflict with itself.
      drill.version = version;
      drill.updatedAt = updatedAt;
      throw err;
    }
  }

  /**
   * Whether the stored drill is still the one this tick read (same version,
   * still running). Asked right before a run is started for the drill: the
   * drill's own save comes after the run, so without this an abort saved
   * meanwhile would be followed by a failover or failback nobody wants.
   * (A write between this read and the run's start remains possible; the
   * window is one store read long.)
   */
  async unchanged(drill: DrillRecord): Promise<boolean> {
    const stored = await this.deps.store.getDrill(drill.id);
    return stored?.status === 'running' && stored.version === drill.version;
  }

  /**
   * Heal the injected fault, once. True when no fault is left in (healed now
   * or before, or none was injected). A failure is noted in the drill (once
   * per distinct error, not every tick) and the caller must not end the
   * drill: an ended drill is never advanced again, so its outage would stay
   * in, with no hold (see failover-hold.ts) and a failover on the drill's
   * evidence. A running drill tries again on the next tick; an abort is
   * refused (see drill-abort.ts).
   *
   * A heal that keeps failing is tried for as long as the drill runs, but
   * after HEAL_ALARM_MS the drill asks for an operator, once: `drill.error`
   * says so, and a failover held on the drill's evidence pages (see
   * retryHoldReason). `healedAt` is taken when the heal has resolved: the
   * region was down until then.
   */
  async heal(drill: DrillRecord, now: number): Promise<boolean> {
    if (drill.trigger !== 'injected-outage' || drill.milestones.healedAt !== undefined) return true;
    if (!this.deps.faults) {
      this.healFailed(drill, now, `this controller has no fault injector`);
      return false;
    }
    try {
      await this.deps.faults.heal(drill.from);
      if (drill.route53Outage) this.deps.faults.route53?.('up');
    } catch (err) {
      this.healFailed(drill, now, String(err));
      return false;
    }
    const healedAt = this.deps.clock.now();
    drill.milestones.healedAt = healedAt;
    // The drill's failed rounds are not flap evidence: a real outage right after the game day must not wait out the flap window.
    this.deps.controls.forgetFlapEvidence(drill.app, drill.from);
    note(drill, healedAt, `healed ${drill.from}`);
    const failure = drill.healFailure;
    if (failure) {
      delete drill.healFailure;
      if (failure.alarmedAt !== undefined) drill.error = `${drill.error ?? ''} (healed after all at ${new Date(healedAt).toISOString()})`;
      this.deps.log.info({ drillId: drill.id, region: drill.from, failingSince: failure.since }, 'healed the injected outage after failed attempts');
    }
    return true;
  }

  /**
   * End the drill as failed, with `error`, once its outage is healed; until
   * then it stays running and the next tick tries the heal again (saved only
   * when something new is said, not every tick). True when the drill changed.
   */
  async endFailedOnceHealed(drill: DrillRecord, error: string, now: number): Promise<boolean> {
    const before = said(drill);
    // Once the drill has asked for an operator, its error says why; it is not overwritten every tick.
    if (drill.healFailure?.alarmedAt === undefined) drill.error = error;
    if (!(await this.heal(drill, now))) return this.keep(drill, said(drill) !== before);
    await endDrill(this, drill, 'failed', now);
    return true;
  }

  /** Record a failed heal: noted and logged once per distinct error; past HEAL_ALARM_MS, the drill asks for an operator (once). */
  private healFailed(drill: DrillRecord, now: number, error: string): void {
    const failure: HealFailure = drill.healFailure ?? { since: now, error };
    const newError = drill.healFailure?.error !== error;
    failure.error = error;
    drill.healFailure = failure;
    if (newError) {
      this.deps.log.error({ drillId: drill.id, region: drill.from, err: error }, 'could not heal the injected outage; trying again every tick');
      note(drill, now, `could not heal ${drill.from}: ${error}`);
    }
    if (failure.alarmedAt === undefined && now - failure.since >= HEAL_ALARM_MS) {
      failure.alarmedAt = now;
      const alarm = healStuckText(drill, failure);
      drill.error = drill.error ? `${drill.error}; ${alarm}` : alarm;
      note(drill, now, alarm);
      this.deps.log.error({ drillId: drill.id, region: drill.from, failingSince: failure.since, err: error }, 'the injected outage cannot be healed: an operator is needed');
    }
  }
}

/**
 * How long a heal may keep failing before the drill asks for an operator.
 * Ten minutes, whatever the policy: the heal is one call to the fault
 * injector, so a failure that lasts that long is not a blip, and the drill
 * must say so even when its application has left the config (no policy).
 */
export const HEAL_ALARM_MS = 10 * 60_000;

/** The operator's sentence for a heal that has failed for longer than HEAL_ALARM_MS. */
export function healStuckText(drill: DrillRecord, failure: HealFailure): string {
  return (
    `the injected outage of ${drill.from} could not be healed since ${new Date(failure.since).toISOString()} (${failure.error}): ` +
    `${drill.from} stays down until it is; the drill keeps trying, and an operator must heal it (POST /sim/regions/${drill.from}/heal) or decide on a failover`
  );
}

/** What a retried step has said so far (error, events, heal failure): the drill is saved only when this changes, not every tick. */
export function said(drill: DrillRecord): string {
  return JSON.stringify([drill.error, drill.events.length, drill.healFailure]);
}

/** Add one thing the drill did or saw to its events. */
export function note(drill: DrillRecord, at: number, text: string): void {
  drill.events.push({ at, text });
}
