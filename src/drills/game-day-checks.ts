import type { AppConfig } from '../config/types.js';
import { ConflictError, RunInProgressError, UserInputError } from '../errors/errors.js';
import type { RegionHealth } from '../health/region-health.js';

/** What a game day is checked against before it starts. */
export interface GameDaySituation {
  app: AppConfig;
  /** Where DNS points now, as the controller knows it. */
  activeRegion: string;
  health: Record<string, RegionHealth>;
  /** The run that holds the application, if any. */
  runInProgress?: string;
  /** Whether the outage can be injected (simulated world) or the game day starts with a manual failover. */
  canInject: boolean;
  /** The standby the operator asked for, if any. */
  to?: string;
}

/**
 * Where a game day may go, or why it may not start. Pure. A game day is a
 * real failover, so it starts only from the application's normal layout
 * (active in its primary, nothing running) with both ends healthy: a drill
 * must never pile onto a real incident, nor fail over to a region that
 * cannot take the traffic.
 *
 * Throws UserInputError (400) for a request that can never work (unknown
 * region, the active region as target, a target the controller would not
 * choose), ConflictError / RunInProgressError (409) for one that cannot
 * start now.
 */
export function gameDayRoute(s: GameDaySituation): { from: string; to: string } {
  const { app } = s;
  const primary = app.regions[0]!.name;
  const standbys = app.regions.slice(1).map((r) => r.name);
  if (s.to !== undefined && !app.regions.some((r) => r.name === s.to)) {
    throw new UserInputError(`to: unknown region "${s.to}" for ${app.name}; its regions are ${app.regions.map((r) => r.name).join(', ')}`);
  }
  if (s.to === primary) throw new UserInputError(`to: ${primary} is the primary of ${app.name}; a game day fails over from the primary to a standby (${standbys.join(', ')})`);
  // With an injected outage the controller picks the first healthy standby itself: another target would not be what is drilled.
  if (s.canInject && s.to !== undefined && s.to !== standbys[0]) {
    throw new UserInputError(`to: with an injected outage the controller fails over to the first healthy standby, ${standbys[0]}; leave "to" out or name ${standbys[0]}`);
  }
  if (s.runInProgress) throw new RunInProgressError(app.name, s.runInProgress);
  if (s.activeRegion !== primary) {
    throw new ConflictError(`${app.name} runs in ${s.activeRegion}, not in its primary ${primary}: a game day starts from the normal layout; fail back first (POST /failback)`);
  }
  const to = s.to ?? standbys[0]!;
  for (const [region, role] of [
    [primary, 'primary'],
    [to, 'standby'],
  ] as const) {
    const state = s.health[region]?.state ?? 'unknown';
    if (state !== 'healthy') {
      const why = role === 'primary' ? 'a drill must not pile onto a real problem' : 'it could not take the traffic';
      throw new ConflictError(`${region} (${role}) is ${state}, not healthy: no game day now, ${why}`);
    }
  }
  return { from: primary, to };
}
