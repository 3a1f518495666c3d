import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import { runbooks } from '../../runbooks/index.js';
import type { AppPolicy } from '../../src/config/types.js';
import { Controller } from '../../src/controller/controller.js';
import type { DrillRecord } from '../../src/drills/drill.js';
import { bearer } from './auth.js';
import { type Harness, startHarness } from './harness.js';

/** Probe interval of the game-day tests. */
export const INTERVAL_MS = 5_000;
export const FALL = 3;
export const RISE = 3;
/** Slack for verification polls: a goal is seen at most a poll (≥ 200 ms, 4% of the wait) after it holds. */
export const POLL_SLACK_MS = 1_000;

/** The harness application's layout before any failover (see worldLayout). */
export const ORIGINAL_LAYOUT = {
  dnsRegion: 'us-east-1',
  regions: {
    'us-east-1': { db: 'writer:available', desired: 4, inService: 4 },
    'eu-west-1': { db: 'replica:available', replicaOf: 'us-east-1', desired: 1, inService: 1 },
  },
};

/** What a game-day test file works with: the current harness's API, as an operator, and its drills. */
export interface GameDay {
  /** A harness whose controller has watched both regions healthy for half a minute; a drill started now starts just after a probe round. */
  start(policy?: Partial<AppPolicy>): Promise<Harness>;
  /** The API, as the operator unless the headers say otherwise. */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  post(url: string, payload?: object): Promise<LightMyRequestResponse>;
  /** The drill as stored. */
  drillOf(id: string): Promise<DrillRecord>;
  /** Advance simulated time until the drill has ended; false when it has not within `maxMs`. */
  untilEnded(id: string, maxMs?: number): Promise<boolean>;
  /** A second controller over the same store and world (a restart), stopped after the test; without `faults` it has no fault injector, as on AWS. */
  controller(options?: { faults?: boolean }): Controller;
}

/**
 * The setup every game-day test file shares: call once at the top of a
 * `describe`; it closes the harness, its API and any extra controller
 * after each test.
 */
export function gameDay(): GameDay {
  let h: Harness | undefined;
  let api: FastifyInstance | undefined;
  const extra: Controller[] = [];
  afterEach(async () => {
    for (const c of extra.splice(0)) await c.stop();
    await api?.close();
    await h?.close();
    api = undefined;
    h = undefined;
  });
  const current = () => {
    if (!h || !api) throw new Error('start the game day first');
    return { h, api };
  };
  const inject = (options: InjectOptions) => current().api.inject({ ...options, headers: { ...bearer('operator'), ...(options.headers as Record<string, string> | undefined) } });
  const drillOf = async (id: string) => (await current().h.store.getDrill(id))!;
  return {
    async start(policy = {}) {
      h = await startHarness({ policy: { probeIntervalSeconds: INTERVAL_MS / 1000, fallThreshold: FALL, riseThreshold: RISE, failbackHoldDownSeconds: 1800, ...policy } });
      api = await h.api();
      h.controller.start();
      await h.clock.advance(30_000);
      // Just after a round: the worst case for detection, as in the failover test.
      await h.clock.advance(1);
      return h;
    },
    inject,
    post: (url, payload) => inject({ method: 'POST', url, ...(payload ? { payload } : {}) }),
    drillOf,
    untilEnded: (id, maxMs = 10 * 60_000) => current().h.clock.advanceUntil(async () => (await drillOf(id)).status !== 'running', { stepMs: 250, maxMs }),
    controller({ faults = true } = {}) {
      const { h: world } = current();
      const c = new Controller({ config: world.config, clock: world.clock, store: world.store, cloud: world.world.providers, prober: world.prober, log: pino({ level: 'silent' }), runbooks, ...(faults ? { faults: world.world } : {}) });
      extra.push(c);
      return c;
    },
  };
}
