import type { AppConfig } from '../config/types.js';
import { countQuorum, type QuorumCount, votesFromObservations } from '../health/quorum.js';
import { HISTORY_ROUNDS, initialHealth, observe, type RegionHealth } from '../health/region-health.js';
import type { StateStore } from '../ports/state-store.js';
import type { ProbeResult } from '../probes/types.js';

/** The pseudo app and region under which witness rounds are stored. */
export const WITNESS = '_witness';

/**
 * A region's health as one vantage point's stored rounds left it: a
 * restarted process (or a new Lambda invocation) keeps its hysteresis and
 * flap history instead of judging from a blank slate.
 */
export async function storedHealth(store: StateStore, app: AppConfig, region: string, vantage: string, now: number): Promise<RegionHealth> {
  const { fallThreshold: fall, riseThreshold: rise, probeIntervalSeconds } = app.policy;
  const since = now - HISTORY_ROUNDS * probeIntervalSeconds * 1000;
  const rounds = await store.listObservations({ app: app.name, region, since, vantage });
  return rounds.reduce((health, o) => {
    // The stored round keeps each probe's outcome, not its URL: enough to replay the state machine.
    const results: ProbeResult[] = o.probes.map((p) => ({
      url: '(stored round)',
      ok: o.ok,
      latencyMs: p.latencyMs,
      at: o.at,
      ...(p.status !== undefined ? { status: p.status } : {}),
      ...(p.error ? { error: p.error as NonNullable<ProbeResult['error']> } : {}),
      ...(p.attempts ? { attempts: p.attempts } : {}),
    }));
    return observe(health, { region, at: o.at, results }, { fall, rise });
  }, initialHealth(region, now));
}

/** Every vantage point's vote per region of `app`, from the rounds every controller stored (this one's included). */
export async function vantageVotes(store: StateStore, app: AppConfig, now: number): Promise<Record<string, QuorumCount>> {
  const { fallThreshold: fall, probeIntervalSeconds } = app.policy;
  const intervalMs = probeIntervalSeconds * 1000;
  const since = now - (fall + 2) * intervalMs;
  const rounds = await Promise.all(app.regions.map((r) => store.listObservations({ app: app.name, region: r.name, since })));
  const witness = await store.listObservations({ app: WITNESS, region: WITNESS, since });
  // A round reached something when any region, or the witness, answered that vantage point at that time.
  const reached = new Set([...rounds.flat(), ...witness].filter((o) => o.ok).map((o) => `${o.vantage}@${o.at}`));
  const result: Record<string, QuorumCount> = {};
  app.regions.forEach((region, i) => {
    result[region.name] = countQuorum(votesFromObservations(rounds[i]!, (vantage, at) => reached.has(`${vantage}@${at}`), { fall, now, staleMs: 3 * intervalMs }));
  });
  return result;
}
