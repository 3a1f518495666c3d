/**
 * The controller as a real child process for the crash-injection test: the
 * simulated cloud and the state store both live on disk under STATE_DIR, so
 * a SIGKILL loses nothing that was committed. With CRASH_AT set, the process
 * kills itself with SIGKILL at that point:
 *   journal:<type>:<stepId>   right after that journal entry is stored (a step boundary;
 *                             `step-ended` stands for step-succeeded or step-skipped);
 *   call:<Operation>          right after that cloud call took effect, before its caller hears back (mid-act).
 * Without a run in the store it starts a failover to eu-west-1; otherwise it
 * resumes the run from its journal. It prints the final run as JSON.
 */
import { pino } from 'pino';
import { runbooks } from '../../runbooks/index.js';
import { seedSimWorld } from '../../src/adapters/sim/sim-providers.js';
import { createPersistentSimProviders } from '../../src/adapters/sim/persistent-sim.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import { Controller } from '../../src/controller/controller.js';
import { startEmbeddedDynamo } from '../../src/local/embedded-dynamo.js';
import type { StateStore } from '../../src/ports/state-store.js';
import { HttpProber } from '../../src/probes/http-prober.js';

const dir = process.env['STATE_DIR']!;
const crashAt = process.env['CRASH_AT'] ?? '';
const die = () => process.kill(process.pid, 'SIGKILL');

const config = await loadConfig(process.env['CONFIG']!);
const sim = createPersistentSimProviders({
  clock: systemClock,
  dir,
  delays: { promoteMs: 400, replicaCreateMs: 400, instanceBootMs: 300, dnsPropagationMs: 300 },
  seed: (world) => seedSimWorld(world, config),
  onCommitted: (call) => {
    if (call.outcome === 'ok' && crashAt === `call:${call.operation}`) die();
  },
});
const dynamo = await startEmbeddedDynamo(dir);
const store: StateStore = new Proxy(dynamo.store, {
  get(target, key, receiver) {
    const value = Reflect.get(target, key, receiver) as unknown;
    if (key !== 'appendJournal' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
    return async (entry: { type: string; stepId?: string }) => {
      await (value as (e: unknown) => Promise<void>).call(target, entry);
      // A step ends as succeeded, or as skipped when its goal already held.
      const type = entry.type === 'step-succeeded' || entry.type === 'step-skipped' ? 'step-ended' : entry.type;
      if (crashAt === `journal:${type}:${entry.stepId ?? ''}`) die();
    };
  },
});
const prober = new HttpProber({ clock: systemClock, concurrency: 8 });
const controller = new Controller({ config, clock: systemClock, store, cloud: sim, prober, log: pino({ level: 'silent' }), runbooks });
await controller.init();
const [resumed] = await controller.resumeRuns();
const runId = resumed ?? (await controller.failover({ to: 'eu-west-1', reason: 'crash drill', by: 'crash-test' })).id;
const run = await controller.waitForRun(runId);
process.stdout.write(`${JSON.stringify(run)}\n`);
await prober.close();
await dynamo.close();
