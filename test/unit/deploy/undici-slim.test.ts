import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

/** The slim undici entry the Lambda bundles use (deploy/esbuild.config.cjs) must behave like undici for the prober and the notifier. */
describe('deploy/undici-slim.cjs', () => {
  it('exports what the code imports from undici, and request() works through an Agent and through the global dispatcher', async () => {
    const slim = require('../../../deploy/undici-slim.cjs') as typeof import('undici');
    const full = require('undici') as typeof import('undici');
    expect(slim.Agent).toBe(full.Agent);
    const server = createServer((req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, method: req.method })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const agent = new slim.Agent({ connections: 2 });
    try {
      const viaAgent = await slim.request(`${base}/health?x=1`, { dispatcher: agent, method: 'HEAD' });
      expect(viaAgent.statusCode).toBe(201);
      await viaAgent.body.dump();
      const viaGlobal = await slim.request(base, { path: 'hook', method: 'POST', body: '{}' } as never);
      expect(await viaGlobal.body.json()).toEqual({ path: '/hook', method: 'POST' });
      expect(() => slim.request(base, { agent } as never)).toThrow(/opts.agent/);
    } finally {
      await agent.close();
      server.close();
    }
  });
});
