import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PermanentError } from '../../errors/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { SimCall, SimDelays } from './sim-cloud.js';
import type { SimComputeSnapshot } from './sim-compute.js';
import type { SimDatabaseSnapshot } from './sim-database.js';
import type { SimDnsSnapshot } from './sim-dns.js';
import type { SimAutomationSnapshot } from './sim-automation.js';
import type { SimEcsSnapshot } from './sim-ecs.js';
import type { SimFunctionsSnapshot } from './sim-functions.js';
import type { SimGlobalCacheSnapshot } from './sim-global-cache.js';
import type { SimNetworkFenceSnapshot } from './sim-network-fence.js';
import type { SimAlarmsSnapshot } from './sim-alarms.js';
import type { SimHealthChecksSnapshot } from './sim-health-checks.js';
import type { SimRoutingControlsSnapshot } from './sim-routing-controls.js';
import { createSimProviders, type SimProviders } from './sim-providers.js';

/** The snapshot of the whole simulated world, in `sim-state.json`. */
const STATE_FILE = 'sim-state.json';
/** Operations that only read (AWS's own naming): they leave the world as it was. */
const READ_ONLY = /^(Describe|List|Get)/;

/** Every call of every process, one JSON line each, in `sim-calls.jsonl`. */
const CALLS_FILE = 'sim-calls.jsonl';

/**
 * The simulated world as saved on disk. Region availability and injected
 * faults are deliberately left out: they are a test's or an operator's
 * setting for one process, not state of the cloud, so a restarted process
 * starts with every region up and no faults.
 */
export interface SimWorldSnapshot {
  version: 1;
  database: SimDatabaseSnapshot;
  compute: SimComputeSnapshot;
  dns: SimDnsSnapshot;
  /** The databases' security groups whose rules a fence changed; absent in snapshots from before fences (every rule open). */
  fence?: SimNetworkFenceSnapshot;
  /** Route 53 health checks, CloudWatch vote alarms and ARC routing controls; absent in snapshots from before the data-plane switches. */
  traffic?: { alarms: SimAlarmsSnapshot; healthChecks: SimHealthChecksSnapshot; routingControls: SimRoutingControlsSnapshot };
  /** ECS services with their tasks; absent in snapshots from before the step library's services (none of them). */
  ecs?: SimEcsSnapshot;
  /** Lambda functions with their effects and stored responses; absent likewise. */
  functions?: SimFunctionsSnapshot;
  /** SSM Automation documents and executions; absent likewise. */
  automation?: SimAutomationSnapshot;
  /** ElastiCache global datastores with their roles and a failover under way; absent likewise. */
  cache?: SimGlobalCacheSnapshot;
  /**
   * The call this snapshot is the result of. The snapshot is written before
   * the call's log line, so a kill between the two writes loses no logged
   * call: the next process appends it from here.
   */
  lastCall?: SimCall;
}

/** Options of {@link createPersistentSimProviders}. */
export interface PersistentSimOptions {
  clock: Clock;
  /** Directory for `sim-state.json` and `sim-calls.jsonl`; created if missing. One process at a time. */
  dir: string;
  delays?: Partial<SimDelays>;
  random?: () => number;
  /** Lays out a fresh world; runs only when `dir` holds no saved state. */
  seed: (sim: SimProviders) => void;
  /** Adds to a restored world what it should have and lacks (config, not state); saved with it. */
  complete?: (sim: SimProviders) => void;
  /** Runs after each call is on disk, before the call returns (see `SimCloud.onCommitted`). */
  onCommitted?: (call: SimCall) => void;
}

/** A JSON-safe copy of the whole world (every service's state, not availability or faults). */
export function snapshotSimWorld(sim: SimProviders, lastCall?: SimCall): SimWorldSnapshot {
  const snapshot: SimWorldSnapshot = { version: 1, database: sim.database.snapshot(), compute: sim.compute.snapshot(), dns: sim.dns.snapshot(), fence: sim.fence.snapshot(),
    traffic: { alarms: sim.alarms.snapshot(), healthChecks: sim.healthChecks.snapshot(), routingControls: sim.routingControls.snapshot() },
    ecs: sim.ecs.snapshot(),
    functions: sim.functions.snapshot(),
    automation: sim.automation.snapshot(),
    cache: sim.cache.snapshot(),
  };
  if (lastCall) snapshot.lastCall = lastCall;
  return snapshot;
}

/** Replace every service's state with a snapshot's. */
export function restoreSimWorld(sim: SimProviders, snapshot: SimWorldSnapshot): void {
  sim.database.restore(snapshot.database);
  sim.compute.restore(snapshot.compute);
  sim.dns.restore(snapshot.dns);
  sim.fence.restore(snapshot.fence ?? { groups: [], nextRule: 1 });
  sim.alarms.restore(snapshot.traffic?.alarms);
  sim.healthChecks.restore(snapshot.traffic?.healthChecks);
  sim.routingControls.restore(snapshot.traffic?.routingControls);
  sim.ecs.restore(snapshot.ecs);
  sim.functions.restore(snapshot.functions);
  sim.automation.restore(snapshot.automation);
  sim.cache.restore(snapshot.cache);
}

/**
 * A simulated cloud that survives its process being killed (SIGKILL
 * included): it continues from `dir` if a previous process left state
 * there, and otherwise starts from `seed`. Every call is appended to the
 * call log and every successful one saves the world, synchronously and
 * before the call returns, so nothing a caller could have seen is lost.
 * `cloud.calls` (and `succeeded`) cover the calls of every process, with
 * `seq` increasing across restarts. Do not replace `cloud.onCommitted`:
 * it is the persistence; pass `onCommitted` here instead.
 */
export function createPersistentSimProviders(options: PersistentSimOptions): SimProviders {
  mkdirSync(options.dir, { recursive: true });
  const statePath = join(options.dir, STATE_FILE);
  const callsPath = join(options.dir, CALLS_FILE);
  const sim = createSimProviders({
    clock: options.clock,
    ...(options.delays ? { delays: options.delays } : {}),
    ...(options.random ? { random: options.random } : {}),
  });

  dropTornLine(callsPath);
  const calls = readCallLog(options.dir);
  const saved = readState(statePath);
  if (saved) {
    restoreSimWorld(sim, saved);
    if (options.complete) {
      options.complete(sim);
      writeState(statePath, snapshotSimWorld(sim, saved.lastCall));
    }
    if (saved.lastCall && (calls.at(-1)?.seq ?? 0) < saved.lastCall.seq) {
      appendFileSync(callsPath, `${JSON.stringify(saved.lastCall)}\n`);
      calls.push(saved.lastCall);
    }
  } else {
    options.seed(sim);
    writeState(statePath, snapshotSimWorld(sim));
  }
  sim.cloud.calls.push(...calls);

  sim.cloud.onCommitted = (call) => {
    // A failed call changed nothing worth keeping (at most a settled transition, which the clock re-derives); nor
    // did a read, and the world watch reads every round: the snapshot is written after the calls that change the world.
    if (call.outcome === 'ok' && !READ_ONLY.test(call.operation)) writeState(statePath, snapshotSimWorld(sim, call));
    appendFileSync(callsPath, `${JSON.stringify(call)}\n`);
    options.onCommitted?.(call);
  };
  return sim;
}

/** The call log a persistent simulated cloud left in `dir` (empty if none), for tests. */
export function readCallLog(dir: string): SimCall[] {
  const path = join(dir, CALLS_FILE);
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  // The last piece is '' after a final newline, or a line torn by a kill mid-write: neither is a call.
  lines.pop();
  return lines.map((line, i) => {
    try {
      return JSON.parse(line) as SimCall;
    } catch {
      throw new PermanentError(`${path}:${i + 1}: not a JSON call record; delete ${dir} to start the simulated cloud afresh`);
    }
  });
}

/** Cut a line torn by a kill mid-append, so the next append starts on a line of its own. */
function dropTornLine(path: string): void {
  if (!existsSync(path)) return;
  const bytes = readFileSync(path);
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end < bytes.length) truncateSync(path, end);
}

function readState(path: string): SimWorldSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  let state: unknown;
  try {
    state = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new PermanentError(`${path}: not valid JSON; delete it and sim-calls.jsonl to start the simulated cloud afresh`);
  }
  if (typeof state !== 'object' || state === null || (state as { version?: unknown }).version !== 1) {
    throw new PermanentError(`${path}: not a version 1 simulated-cloud snapshot; delete it and sim-calls.jsonl to start afresh`);
  }
  return state as SimWorldSnapshot;
}

/**
 * Write to a temporary file and rename it over the old one, so a kill leaves
 * either the old or the new snapshot, never half of one. No fsync: a killed
 * process loses nothing the kernel already has; only a power cut would.
 */
function writeState(path: string, snapshot: SimWorldSnapshot): void {
  const temp = `${path}.tmp`;
  writeFileSync(temp, JSON.stringify(snapshot));
  renameSync(temp, path);
}
