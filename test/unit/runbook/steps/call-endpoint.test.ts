import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runbook } from '../../../../src/runbook/step.js';
import { callEndpoint } from '../../../../src/runbook/steps/call-endpoint.js';
import { libraryRuns } from '../../../support/library-step-run.js';

interface Seen {
  method: string;
  url: string;
  key: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** An HTTP server on loopback; `answer` handles each request (in order), every request is kept. */
let server: Server | undefined;
type Answer = (req: IncomingMessage, res: ServerResponse, n: number) => void;
async function serve(answer: Answer): Promise<{ url: (path: string) => string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const key = req.headers['idempotency-key'] as string | undefined;
      seen.push({ method: req.method ?? '', url: req.url ?? '', key, contentType: req.headers['content-type'], body });
      answer(req, res, seen.length);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: (path) => `http://127.0.0.1:${port}${path}`, seen };
}
afterEach(async () => {
  // Hanging requests would keep close() waiting.
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('callEndpoint', () => {
  it('calls with the idempotency key, the body as JSON and the headers, and succeeds on an expected status', async () => {
    const { url, seen } = await serve((_req, res) => reply(res, 202, { accepted: true }));
    const call = callEndpoint({
      id: 'pause-batch-jobs',
      title: 'Pause the batch jobs',
      url: (ctx) => url(`/jobs/pause?region=${ctx.from.name}`),
      body: { reason: 'failover' },
      headers: { authorization: 'Bearer t0ken', 'Idempotency-Key': 'not-this-one' },
      expectStatus: [200, 202],
      timeoutMs: 5_000,
    });
    const { execute } = libraryRuns({}, { runId: 'run-http1' });
    const run = await execute(runbook('http', 'http', call));
    expect(run?.status).toBe('succeeded');
    expect(seen).toEqual([
      { method: 'POST', url: '/jobs/pause?region=us-east-1', key: 'run-http1:pause-batch-jobs', contentType: 'application/json', body: '{"reason":"failover"}' },
    ]);
    expect(run?.steps[0]?.message).toBe(`http:POST ${url('/jobs/pause?region=us-east-1')} answered HTTP 202`);
  });

  it('fails at once on an unexpected 4xx, naming the status, the URL and what the endpoint said', async () => {
    const { url, seen } = await serve((_req, res) => reply(res, 409, { error: 'a pause is already running' }));
    const call = callEndpoint({ id: 'pause-batch-jobs', title: 'Pause', url: url('/jobs/pause'), method: 'PUT', expectStatus: 200, timeoutMs: 5_000 });
    const run = await libraryRuns({}).execute(runbook('http', 'http', call));
    expect(run?.status).toBe('failed');
    expect(run?.steps[0]?.message).toBe(`pause-batch-jobs: PUT ${url('/jobs/pause')} answered HTTP 409, expected HTTP 200: {"error":"a pause is already running"}`);
    expect(seen).toHaveLength(1);
  });

  it('retries a 5xx with the same idempotency key', async () => {
    const { url, seen } = await serve((_req, res, n) => reply(res, n === 1 ? 503 : 200, n === 1 ? { error: 'warming up' } : { ok: true }));
    const call = callEndpoint({ id: 'warm-caches', title: 'Warm the caches', url: url('/warm'), expectStatus: 200, timeoutMs: 5_000 });
    const run = await libraryRuns({}, { runId: 'run-http2' }).execute(runbook('http', 'http', call));
    expect(run?.status).toBe('succeeded');
    expect(seen.map((s) => s.key)).toEqual(['run-http2:warm-caches', 'run-http2:warm-caches']);
  });

  it('gives up on a server that never answers, at the deadline of each attempt', async () => {
    const { url, seen } = await serve(() => undefined);
    const call = callEndpoint({ id: 'warm-caches', title: 'Warm the caches', url: url('/warm'), method: 'GET', expectStatus: 200, timeoutMs: 50 });
    const run = await libraryRuns({}).execute(runbook('http', 'http', call));
    expect(run?.status).toBe('failed');
    expect(run?.steps[0]?.message).toBe(`warm-caches: GET ${url('/warm')}: no answer within 50 ms`);
    // A deadline is transient: the engine's four attempts, each cut off.
    expect(seen).toHaveLength(4);
  });

  it('calls a refused port a transient connection failure', async () => {
    const { url } = await serve(() => undefined);
    const closed = url('/x');
    server!.close();
    server = undefined;
    const call = callEndpoint({ id: 'warm-caches', title: 'Warm', url: closed, expectStatus: 200, timeoutMs: 1_000 });
    const run = await libraryRuns({}).execute(runbook('http', 'http', call));
    expect(run?.steps[0]?.message).toMatch(/^warm-caches: POST http:\/\/127\.0\.0\.1:\d+\/x: connection refused/);
  });

  it('refuses a URL that is not http(s) without calling', async () => {
    const call = callEndpoint({ id: 'warm-caches', title: 'Warm', url: 'ftp://example.com/x', expectStatus: 200, timeoutMs: 1_000 });
    const run = await libraryRuns({}).execute(runbook('http', 'http', call));
    expect(run?.steps[0]?.message).toBe('warm-caches: ftp://example.com/x is not an http(s) URL');
  });
});
