import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { drillFixture } from '../../support/drill-fixture.js';

/** `failover drill --mode game-day --runbook NAME…`: the named runbooks go to POST /drills as `runbooks`, in order. */
describe('failover drill --runbook', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    server?.closeAllConnections();
  });

  /** A loopback API that records the bodies posted to it and answers with a started drill. */
  async function api(): Promise<{ url: string; bodies: unknown[] }> {
    const bodies: unknown[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        bodies.push(JSON.parse(body || 'null'));
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ drill: drillFixture({ runbooks: ['warm', 'drain'] }) }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, bodies };
  }

  async function cli(args: string[], url: string) {
    let stdout = '';
    let stderr = '';
    const code = await main(args, {
      stdout: { write: (s: string) => ((stdout += s), true) },
      stderr: { write: (s: string) => ((stderr += s), true) },
      env: { FAILOVER_URL: url, FAILOVER_TOKEN: 'secret' },
      cwd: process.cwd(),
      sleep: async () => undefined,
    });
    return { code, stdout, stderr };
  }

  it('is repeatable, and keeps the order given', async () => {
    const { url, bodies } = await api();
    const { code, stdout, stderr } = await cli(['drill', '--mode', 'game-day', '--runbook', 'warm', '--runbook', 'drain'], url);
    expect(code, stderr).toBe(0);
    expect(bodies).toEqual([{ mode: 'game-day', failback: true, runbooks: ['warm', 'drain'] }]);
    expect(stdout).toContain('drill drill-1 started: game day of shop');
  });

  it('sends no runbooks when none is given', async () => {
    const { url, bodies } = await api();
    expect((await cli(['drill', '--mode', 'game-day'], url)).code).toBe(0);
    expect(bodies).toEqual([{ mode: 'game-day', failback: true }]);
  });

  it('is a usage error with --mode plan, and nothing is sent', async () => {
    const { url, bodies } = await api();
    const { code, stderr } = await cli(['drill', '--runbook', 'warm'], url);
    expect(code).toBe(2);
    expect(stderr).toContain('--runbook: only with --mode game-day');
    expect(bodies).toEqual([]);
  });
});
