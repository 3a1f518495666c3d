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

/**
 * A free loopback port below Linux's ephemeral range (32768–60999), for a
 * process that is killed and started again on the same ports: between the
 * two, an ephemeral port can be handed to any outgoing connection of the
 * machine (a parallel test's HTTP client), and the restart would find it
 * taken. Ports from 20000 to 32767 are only ever bound on purpose.
 */
export async function freeStablePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!bound) continue;
    server.close();
    await once(server, 'close');
    return port;
  }
  throw new Error('no free port from 20000 to 32767 after 200 tries');
}
