import { writeSync } from 'node:fs';
import type { SimCall } from '../adapters/sim/sim-cloud.js';
import type { JournalEntry } from '../runbook/run.js';
import type { StateStore } from '../ports/state-store.js';

/**
 * Freeze points of local simulation mode, for crash drills and the
 * crash-injection test of `npm start` itself. With
 * `FAILOVER_SIM_FREEZE_AT` set, the process stops dead at that point and
 * waits to be killed (`kill -KILL -- -<pgid>`), so that a crash lands
 * exactly there:
 *   `journal:<type>:<stepId>`  right after that journal entry is stored (a step
 *                              boundary; `step-ended` stands for step-succeeded or step-skipped);
 *   `call:<Operation>[:<target>]`  right after a simulated cloud call (on that target) took
 *                              effect, before its caller hears back (mid-act).
 * It prints one line to stderr first, so that whoever waits knows.
 */
export const FREEZE_ENV = 'FAILOVER_SIM_FREEZE_AT';

/** Stop the process where it stands: nothing more runs, nothing more is written, until it is killed. */
function freeze(point: string): never {
  writeSync(2, `frozen at ${point} (${FREEZE_ENV}): kill this process\n`);
  // Blocks the only thread for good: no timer, socket or write of this process goes on.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

/** The store, freezing right after the journal entry the point names is stored. */
export function freezeJournalAt(store: StateStore, point: string): StateStore {
  if (!point.startsWith('journal:')) return store;
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (key !== 'appendJournal') return value.bind(target);
      return async (entry: JournalEntry, ...rest: unknown[]) => {
        await (value as (...args: unknown[]) => Promise<void>).call(target, entry, ...rest);
        const type = entry.type === 'step-succeeded' || entry.type === 'step-skipped' ? 'step-ended' : entry.type;
        if (point === `journal:${type}:${entry.stepId ?? ''}`) freeze(point);
      };
    },
  });
}

/** A simulated-cloud hook that freezes right after the call the point names took effect. */
export function freezeCallAt(point: string): ((call: SimCall) => void) | undefined {
  if (!point.startsWith('call:')) return undefined;
  return (call) => {
    if (call.outcome === 'ok' && (point === `call:${call.operation}` || point === `call:${call.operation}:${call.target}`)) freeze(point);
  };
}
