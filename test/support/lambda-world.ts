import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { pino } from 'pino';
import { runbooks } from '../../runbooks/index.js';
import type { DynamoStateStore } from '../../src/adapters/aws/dynamodb-state-store.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/types.js';
import type { HandlerDeps, InvocationContext } from '../../src/handlers/handler-deps.js';
import type { Notifier } from '../../src/ports/notifier.js';
import type { StateStore } from '../../src/ports/state-store.js';
import { HttpProber } from '../../src/probes/http-prober.js';
import type { RunRecord } from '../../src/runbook/run.js';
import type { RegionalEndpoint } from '../../src/sim/regional-endpoint.js';
import { SimWorld } from '../../src/sim/sim-world.js';
import { dynamoStore, startDynalite } from './dynalite.js';
import { ManualClock } from './manual-clock.js';
import { bearer, testApiConfig } from './auth.js';
import { httpApiEvent } from './http-api-event.js';

/** The two regions of the application, each with its own controller stack. */
export const REGIONS = ['us-east-1', 'eu-west-1'] as const;
export const PROBE_TIMEOUT_MS = 500;

/** A synthetic EventBridge scheduled event, as Lambda hands it to a scheduled function. */
export function scheduledEvent(at: number): Record<string, unknown> {
  return { version: '0', id: `evt-${at}`, 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: new Date(at).toISOString(), region: 'eu-west-1', resources: [], detail: {} };
}

/** A synthetic HTTP API (payload 2.0) request with the test's bearer token. */
export function httpEvent(method: string, path: string, body?: unknown): APIGatewayProxyEventV2 {
  return httpApiEvent({ method, path, body, headers: { 'content-type': 'application/json', ...bearer() } });
}

/** Count calls in flight on the store: the manual clock must not move while dynalite is answering. */
function countingStore(store: DynamoStateStore): { store: StateStore; inflight: () => number } {
  let count = 0;
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        count++;
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          count--;
        }
      };
    },
  });
  return { store: wrapped, inflight: () => count };
}

/** Both stacks' handlers over one simulated cloud and one table, in simulated time. */
export interface World {
  clock: ManualClock;
  config: Config;
  world: SimWorld;
  store: StateStore;
  /** Runs each stack's probe or API handed to its worker, by stack region. */
  dispatched: Record<string, RunRecord[]>;
  deps(region: string): HandlerDeps;
  /** A Lambda context whose invocation ends `ms` from now on the manual clock. */
  context(ms: number, id?: string): InvocationContext;
  /** Advance the manual clock until the invocation has returned. */
  drive<T>(invocation: Promise<T>, maxMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** Options of {@link startWorld}. */
export interface WorldOptions {
  /**
   * The store a stack reads and writes: by default the one shared table; a
   * test may give a stack a view of its own (a global table's replica that
   * receives items late or out of order).
   */
  storeOf?: (region: string, table: StateStore, clock: ManualClock) => StateStore;
  /** Where a stack's notifications go. */
  notifierOf?: (region: string) => Notifier | undefined;
}

/** Start the world: endpoints, the simulated cloud, dynalite, and deps for each stack's handlers. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const endpoints: RegionalEndpoint[] = await Promise.all(REGIONS.map((r) => SimWorld.endpoint(r)));
  const config = validateConfig({
    provider: 'sim',
    api: testApiConfig,
    applications: [
      {
        name: 'shop',
        policy: { probeIntervalSeconds: 5, fallThreshold: 3, riseThreshold: 3, rtoSeconds: 300, rpoSeconds: 60 },
        regions: REGIONS.map((name, i) => ({
          name,
          probes: [{ url: endpoints[i]!.url('/health'), bodyMatch: '"status":"ok"', timeoutMs: PROBE_TIMEOUT_MS }],
          database: { engine: 'rds', instanceId: `shop-db-${name}` },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 4 },
          dns: { hostedZoneId: 'Z0TEST', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
        })),
      },
    ],
  });
  const dynalite = await startDynalite();
  // One table for both stacks: on AWS it is one global table with a replica per region.
  const counted = countingStore(await dynamoStore(dynalite.client));
  let prober: HttpProber | undefined;
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0), () => (prober?.inflight() ?? 0) > 0 || counted.inflight() > 0);
  prober = new HttpProber({ clock, concurrency: 8 });
  const world = SimWorld.attach(config, endpoints, { clock });
  const dispatched: Record<string, RunRecord[]> = { 'us-east-1': [], 'eu-west-1': [] };
  const log = pino({ level: 'silent' });
  const w: World = {
    clock,
    config,
    world,
    store: counted.store,
    dispatched,
    deps: (region) => ({
      config: { ...config, vantage: region },
      region,
      clock,
      store: options.storeOf ? options.storeOf(region, counted.store, clock) : counted.store,
      ...withNotifier(options.notifierOf?.(region)),
      cloud: world.providers,
      prober: prober!,
      log,
      runbooks,
      dispatcher: { dispatch: async (run) => void dispatched[region]!.push(run) },
    }),
    context: (ms, id = 'inv') => {
      const deadline = clock.now() + ms;
      return { awsRequestId: id, getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now()) };
    },
    async drive(invocation, maxMs = 20 * 60_000) {
      let done = false;
      const tracked = invocation.finally(() => {
        done = true;
      });
      tracked.catch(() => undefined);
      await clock.advanceUntil(() => done, { stepMs: 250, maxMs });
      if (!done) throw new Error(`invocation still running after ${maxMs} ms of simulated time`);
      return tracked;
    },
    async close() {
      await prober!.close();
      await world.stop();
      await dynalite.close();
    },
  };
  return w;
}

function withNotifier(notifier: Notifier | undefined): { notifier?: Notifier } {
  return notifier ? { notifier } : {};
}
