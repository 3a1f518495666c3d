import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../../src/cli/api-client.js';
import { CliError } from '../../../src/cli/exit-codes.js';

describe('the CLI API client', () => {
  let server: Server | undefined;
  let client: ApiClient | undefined;
  afterEach(async () => {
    await client?.close();
    server?.close();
    server?.closeAllConnections();
  });

  /** A loopback server answering with `handler`; returns a client for it. */
  async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void, token?: string): Promise<ApiClient> {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => handler(req, res, body));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    client = new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, tokenSource: token ? 'FAILOVER_TOKEN' : 'none', sleep: async () => undefined, ...(token ? { token } : {}) });
    return client;
  }

  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  it('sends the bearer token and JSON with an Idempotency-Key on POST', async () => {
    let seen: IncomingMessage | undefined;
    let sent = '';
    const c = await serve((req, res, body) => {
      seen = req;
      sent = body;
      json(res, 202, { ok: true });
    }, 'secret');
    expect(await c.post('/failover', { to: 'eu-west-1' })).toEqual({ ok: true });
    expect(seen!.headers).toMatchObject({ authorization: 'Bearer secret', 'content-type': 'application/json', 'idempotency-key': c.idempotencyKey });
    expect(c.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(sent)).toEqual({ to: 'eu-west-1' });
  });

  it('retries a POST whose connection broke after it was sent, with the same Idempotency-Key', async () => {
    const keys: (string | string[] | undefined)[] = [];
    const c = await serve((req, res) => {
      keys.push(req.headers['idempotency-key']);
      if (keys.length === 1) return req.socket.destroy();
      json(res, 202, { run: { id: 'run-1' } });
    });
    expect(await c.post('/failover', {})).toEqual({ run: { id: 'run-1' } });
    expect(keys).toEqual([c.idempotencyKey, c.idempotencyKey]);
  });

  it('a retry that finds its first attempt still running waits for that answer instead of failing', async () => {
    let calls = 0;
    const c = await serve((req, res) => {
      calls++;
      if (calls === 1) return req.socket.destroy();
      if (calls <= 3) return res.writeHead(409, { 'content-type': 'application/json', 'retry-after': '1' }).end(JSON.stringify({ error: 'Conflict', message: 'a request with Idempotency-Key k is still in progress; retry in a moment for its answer' }));
      json(res, 202, { run: { id: 'run-1' } });
    });
    expect(await c.post('/failover', {})).toEqual({ run: { id: 'run-1' } });
    expect(calls).toBe(4);
    // A first attempt's 409 (another run holds the application) is an answer, not a wait.
    await c.close();
    server?.close();
    server?.closeAllConnections();
    const again = await serve((_req, res) => res.writeHead(409, { 'content-type': 'application/json', 'retry-after': '1' }).end(JSON.stringify({ message: 'busy' })));
    await expect(again.post('/failover', {})).rejects.toMatchObject({ exitCode: 1, message: 'busy (409)' });
  });

  it('gives up after two retries with "cannot reach", exit 1', async () => {
    let attempts = 0;
    const c = await serve((req) => {
      attempts++;
      req.socket.destroy();
    });
    const err = await c.get('/status').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ exitCode: 1, message: expect.stringMatching(/^cannot reach the API at http:\/\/127\.0\.0\.1:\d+: the connection was closed/) });
    expect(attempts).toBe(3);
  });

  it.each([
    [400, { message: 'body.to: must be a region name' }, 2, 'body.to: must be a region name (400)'],
    [401, { message: 'no bearer token' }, 2, 'the API refused the request (401): no bearer token; no token was sent: pass --token or set FAILOVER_TOKEN'],
    [403, { message: 'POST /failover needs the operator role' }, 2, 'the API refused the request (403): POST /failover needs the operator role'],
    [404, { message: 'no run with id run-x' }, 2, 'no run with id run-x (404)'],
    [409, { message: 'application shop already has run run-9 in progress', runId: 'run-9' }, 1, 'application shop already has run run-9 in progress (409); follow it with: failover runs run-9'],
    [429, { message: 'Rate limit exceeded' }, 1, 'Rate limit exceeded (429: too many requests; try again in a minute)'],
    [500, { message: 'internal error' }, 1, 'the API failed (500): internal error'],
  ])('an HTTP %i answer (%j) is an ApiError with exit %i and the message an operator needs', async (status, body, exitCode, message) => {
    const c = await serve((_req, res) => json(res, status, body));
    const err = await c.post('/failover', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status, exitCode });
    expect((err as Error).message.startsWith(message)).toBe(true);
  });

  it('a 403 from a policy rule (the two-person rule) says what the rule says, not that the role is missing', async () => {
    const message = 'policy.separateApprover: run run-1 was started by alice, so another approver must approve it (alice may still reject or cancel it)';
    const c = await serve((_req, res) => json(res, 403, { error: 'Forbidden', message, rule: 'policy.separateApprover' }));
    const err = await c.post('/runs/run-1/approve', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 403, exitCode: 2, message: `the API refused the request (403): ${message}` });
  });

  it('a non-JSON error answer (a proxy page) still gives its status and the start of its text', async () => {
    const c = await serve((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>'));
    await expect(c.get('/status')).rejects.toMatchObject({ exitCode: 1, message: 'the API failed (502): <html>Bad Gateway</html>' });
  });

  it('a success that is not JSON means the URL is not the API', async () => {
    const c = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    await expect(c.get('/status')).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining("is --url the controller's API?") });
  });

  it('leaves out undefined query values', async () => {
    let url = '';
    const c = await serve((req, res) => {
      url = req.url!;
      json(res, 200, { runs: [] });
    });
    await c.get('/runs', { app: undefined, limit: 5 });
    expect(url).toBe('/runs?limit=5');
  });

  it('refuses an id of . or .., which would address another route, as a usage error without sending anything', async () => {
    const urls: string[] = [];
    const c = await serve((req, res) => {
      urls.push(req.url!);
      json(res, 200, {});
    });
    for (const id of ['..', '.']) {
      await expect(c.post(`/runs/${encodeURIComponent(id)}/cancel`, { by: 'x' })).rejects.toMatchObject({ exitCode: 2, message: `"${id}" is not an id` });
      await expect(c.get(`/runs/${encodeURIComponent(id)}`)).rejects.toMatchObject({ exitCode: 2 });
    }
    await expect(c.get('/runs/%2E%2e')).rejects.toMatchObject({ exitCode: 2 });
    expect(urls).toEqual([]);
    // Dots inside an id are fine.
    await c.get(`/runs/${encodeURIComponent('run.1..2')}`);
    expect(urls).toEqual(['/runs/run.1..2']);
  });
});
