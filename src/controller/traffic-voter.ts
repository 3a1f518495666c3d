import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Clock } from '../ports/clock.js';
import type { TrafficStore } from '../ports/state-store.js';
import type { EvacuationVote, VoteBallot } from '../ports/traffic-switch.js';
import { votesOf } from '../traffic/switch-layout.js';
import { voterRegions } from '../traffic/voter-regions.js';

/** How often a stack votes: well within the alarms' 60 s period, so each period holds a vote (scaled in the simulated world). */
export const VOTE_EVERY_MS = 20_000;

/** The longest a stopping process waits for its vote in flight (within the probe function's 5 s margin). */
export const VOTE_DRAIN_MS = 4_000;

/**
 * Casts this process's votes for every application in `health-checks` mode,
 * from the stored intent, at most every `everyMs`: the stack's side of the
 * quorum Route 53 enforces. Each voter region is one PutMetricData, sent
 * side by side and never awaited by the loop (a hanging region costs its
 * client deadline in the background, not a round); `drain` waits for the
 * one in flight, for a Lambda invocation that is about to end.
 */
export class TrafficVoter {
  private inFlight?: Promise<void>;
  private lastAt = -Infinity;
  private readonly failing = new Set<string>();

  constructor(
    private readonly deps: {
      config: Config;
      store: TrafficStore;
      votes: VoteBallot | undefined;
      clock: Clock;
      log: Logger;
      everyMs?: number;
    },
  ) {}

  /** Start a vote if one is due and none is in flight. */
  maybeVote(): void {
    const apps = this.deps.config.applications.filter((a) => a.traffic.mode === 'health-checks');
    const now = this.deps.clock.now();
    if (apps.length === 0 || !this.deps.votes || this.inFlight || now - this.lastAt < (this.deps.everyMs ?? VOTE_EVERY_MS)) return;
    this.lastAt = now;
    this.inFlight = this.vote().finally(() => {
      this.inFlight = undefined;
    });
  }

  /**
   * Wait for the vote in flight, if any, at most VOTE_DRAIN_MS: the
   * CloudWatch client retries (3 attempts of up to 10 s), more than a Lambda
   * invocation's margin; a vote cut off here is cast again on the next round.
   */
  async drain(): Promise<void> {
    if (!this.inFlight) return;
    const stop = new AbortController();
    await Promise.race([this.inFlight, this.deps.clock.sleep(VOTE_DRAIN_MS, stop.signal).catch(() => undefined)]);
    stop.abort();
  }

  /** One vote of every voter region this process stands for. Never throws. */
  async vote(): Promise<void> {
    const ballot = this.deps.votes;
    if (!ballot) return;
    const byVoter = new Map<string, EvacuationVote[]>();
    for (const app of this.deps.config.applications.filter((a) => a.traffic.mode === 'health-checks')) {
      const intent = await this.deps.store.getTrafficIntent(app.name).catch((err: unknown) => {
        this.deps.log.warn({ app: app.name, err: String(err) }, 'traffic intent unreadable: not voting on this app this time');
        return null;
      });
      if (intent === null) continue;
      for (const voter of voterRegions(this.deps.config).filter((r) => app.regions.some((ar) => ar.name === r))) {
        byVoter.set(voter, [...(byVoter.get(voter) ?? []), ...votesOf(app, intent, voter)]);
      }
    }
    await Promise.all(
      [...byVoter].map(async ([voter, votes]) => {
        try {
          await ballot.castVotes(voter, votes);
          if (this.failing.delete(voter)) this.deps.log.info({ voter }, 'votes cast again');
        } catch (err) {
          // Once per failing stretch: a region that is down fails every vote until it is back.
          if (!this.failing.has(voter)) this.deps.log.warn({ voter, err: String(err) }, 'votes not cast; trying again on the next vote');
          this.failing.add(voter);
        }
      }),
    );
  }
}
