import { once } from 'node:events';
import { createServer } from 'node:net';

/** A loopback port nothing listens on (bound, read, and given back). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** Ports freeStablePort handed out in this process: never twice, since the process it was for may be between a kill and a restart. */
const handedOut = new Set<number>();

/**
 * A free loopback port below Linux's ephemeral range (32768–60999), for a
 * process that is killed and started again on the same ports: between the
 * two, an ephemeral port can be handed to any outgoing connection of the
 * machine (a parallel test's HTTP client), and the restart would find it
 * taken. Each vitest worker draws from its own slice of 20000–32767
 * (VITEST_POOL_ID), and a port is never handed out twice in one process, so
 * concurrent tests (it.concurrent) and parallel files do not pick the same one.
 */
export async function freeStablePort(): Promise<number> {
  const pool = Number(process.env['VITEST_POOL_ID'] ?? '0');
  const slice = Number.isInteger(pool) && pool >= 0 && pool < 12 ? pool : 0;
  const [low, size] = [20_000 + slice * 1_000, 1_000];
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = low + Math.floor(Math.random() * size);
    if (handedOut.has(port)) continue;
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!bound) continue;
    server.close();
    await once(server, 'close');
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port from ${low} to ${low + size - 1} after 500 tries`);
}
