/**
 * One server of the API-throughput benchmark, in its own process:
 * `tsx bench/lib/api-server-child.ts <status|bare>`. Both variants compose the
 * same controller on the simulated world with its loop running (probe
 * interval 1 s), wait until both regions are healthy, and listen on an
 * ephemeral loopback port; then print `{"port":…,"bytes":…}` and serve until
 * SIGTERM or until its stdin closes (the benchmark has gone).
 * - `status`: the real API, buildApp(), serving GET /status.
 * - `bare`: a Fastify instance with the options buildApp uses and one route
 *   returning a copy of the /status payload taken at start (the same JSON).
 */
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { pino } from 'pino';
import { systemClock } from '../../src/adapters/system-clock.js';
import { buildApp } from '../../src/api/build-app.js';
import { startSimController } from './sim-controller.js';
import { hashToken } from '../../src/api/auth/token-verifier.js';
import { BENCH_TOKEN } from './bench-token.js';

const variant = process.argv[2];
if (variant !== 'status' && variant !== 'bare') throw new Error(`variant: must be status or bare, got ${variant}`);

const log = pino({ level: 'silent' });
// Rise 1: healthy after the first round, so that a server is ready in a second (the payload has the same shape).
const sim = await startSimController({ clock: systemClock, policy: { riseThreshold: 1 } });
sim.controller.start();
for (;;) {
  const status = await sim.controller.status();
  if (status.applications[0]!.regions.every((r) => r.state === 'healthy') && status.applications[0]!.decision) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const snapshot = await sim.controller.status();

const app =
  variant === 'status'
    ? await buildApp({ controller: sim.controller, store: sim.store, log, world: sim.world, auth: { ...sim.config.api, tokens: [{ name: 'bench', sha256: hashToken(BENCH_TOKEN), roles: ['viewer'] }] } })
    : Fastify({
        loggerInstance: log as FastifyBaseLogger,
        bodyLimit: 16 * 1024,
        logController: new LogController({ disableRequestLogging: (req: { method?: string }) => req.method === 'GET' || req.method === 'HEAD' }),
      });
if (variant === 'bare') {
  app.get('/status', async () => snapshot);
  await app.ready();
}
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const bytes = Buffer.byteLength(JSON.stringify(snapshot));
process.stdout.write(`${JSON.stringify({ port, bytes })}\n`);
const shutdown = () => void Promise.all([app.close(), sim.close()]).finally(() => process.exit(0));
process.on('SIGTERM', shutdown);
// The benchmark holds our stdin: if it dies without stopping us, do not outlive it.
process.stdin.on('end', shutdown);
process.stdin.resume();
