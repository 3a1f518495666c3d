import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/ports/clock.js';
import { HttpProber, classifyError } from '../../../src/probes/http-prober.js';
import type { ProbeTarget } from '../../../src/probes/types.js';
import { RegionalEndpoint } from '../../../src/sim/regional-endpoint.js';

const clock: Clock = { now: () => 1_000, sleep: async () => {} };

function target(url: string, extra: Partial<ProbeTarget> = {}): ProbeTarget {
  return { url, method: 'GET', expectStatus: 200, timeoutMs: 2_000, ...extra };
}

/** Ask the OS for a free port, then release it so nothing listens there. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('HttpProber', () => {
  let prober: HttpProber;
  let endpoint: RegionalEndpoint;

  beforeEach(async () => {
    prober = new HttpProber({ clock, concurrency: 8, connectTimeoutMs: 2_000 });
    endpoint = new RegionalEndpoint('eu-west-1', { slowDelayMs: 5_000 });
    await endpoint.start();
  });

  afterEach(async () => {
    await endpoint.stop();
    await prober.close();
  });

  it('reports a healthy endpoint as ok, with the clock time and a real latency', async () => {
    const result = await prober.probe(target(endpoint.url()));
    expect(result).toMatchObject({ url: endpoint.url(), ok: true, status: 200, at: 1_000 });
    expect(result.error).toBeUndefined();
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.latencyMs).toBeLessThan(2_000);
  });

  it('supports HEAD', async () => {
    const result = await prober.probe(target(endpoint.url(), { method: 'HEAD' }));
    expect(result).toMatchObject({ ok: true, status: 200 });
  });

  it('classifies an unexpected status as "status"', async () => {
    await endpoint.setMode('http503');
    const result = await prober.probe(target(endpoint.url()));
    expect(result).toMatchObject({ ok: false, status: 503, error: 'status', message: 'expected HTTP 200, got 503' });
  });

  it('accepts a body that contains bodyMatch', async () => {
    const result = await prober.probe(target(endpoint.url(), { bodyMatch: '"region":"eu-west-1"' }));
    expect(result).toMatchObject({ ok: true, status: 200 });
  });

  it('classifies a body without bodyMatch as "body"', async () => {
    const result = await prober.probe(target(endpoint.url(), { bodyMatch: 'us-east-1' }));
    expect(result).toMatchObject({ ok: false, status: 200, error: 'body' });
    expect(result.message).toContain('us-east-1');
  });

  it('finds bodyMatch in sized, chunked and endless bodies, and reads no further than the 64 KB limit', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/sized') {
        res.writeHead(200, { 'content-length': '15' }).end('{"status":"ok"}');
      } else if (req.url === '/chunked') {
        res.writeHead(200);
        res.write('{"status":');
        setTimeout(() => res.end('"ok"}'), 5);
      } else {
        // Endless, the match would come only after 1 MB: the prober must give up at its limit, not wait or buffer.
        res.writeHead(200);
        const filler = 'x'.repeat(16 * 1024);
        const push = () => {
          if (!res.destroyed && res.write(filler)) setImmediate(push);
          else if (!res.destroyed) res.once('drain', push);
        };
        push();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await prober.probe(target(`${base}/sized`, { bodyMatch: '"status":"ok"' }))).toMatchObject({ ok: true });
      expect(await prober.probe(target(`${base}/sized`, { bodyMatch: 'degraded' }))).toMatchObject({ ok: false, error: 'body' });
      expect(await prober.probe(target(`${base}/chunked`, { bodyMatch: '"status":"ok"' }))).toMatchObject({ ok: true });
      expect(await prober.probe(target(`${base}/endless`, { bodyMatch: '"status":"ok"' }))).toMatchObject({ ok: false, error: 'body' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('classifies a port with nothing listening as "refused"', async () => {
    const port = await unusedPort();
    const result = await prober.probe(target(`http://127.0.0.1:${port}/health`));
    expect(result).toMatchObject({ ok: false, error: 'refused' });
    expect(result.status).toBeUndefined();
  });

  it('sees an endpoint that went down as "refused" on the very next probe', async () => {
    expect((await prober.probe(target(endpoint.url()))).ok).toBe(true);
    await endpoint.setMode('down');
    const result = await prober.probe(target(endpoint.url()));
    expect(result).toMatchObject({ ok: false, error: 'refused' });
  });

  it('classifies a response slower than timeoutMs as "timeout"', async () => {
    await endpoint.setMode('slow');
    const result = await prober.probe(target(endpoint.url(), { timeoutMs: 150 }));
    expect(result).toMatchObject({ ok: false, error: 'timeout' });
    expect(result.message).toContain('150 ms');
    // Timers may fire a hair early relative to performance.now().
    expect(result.latencyMs).toBeGreaterThanOrEqual(140);
    expect(result.latencyMs).toBeLessThan(2_000);
    expect(prober.inflight()).toBe(0);
  });

  it('never throws, even for a malformed url or a name that does not resolve', async () => {
    const malformed = await prober.probe(target('not a url'));
    expect(malformed).toMatchObject({ ok: false, error: 'other', at: 1_000 });
    // `.invalid` never resolves (RFC 6761); offline that is ENOTFOUND or EAI_AGAIN.
    const unresolvable = await prober.probe(target('http://nonexistent.invalid/health', { timeoutMs: 1_500 }));
    expect(unresolvable).toMatchObject({ ok: false, error: 'dns' });
    expect(unresolvable.message).toContain('nonexistent.invalid');
  });

  it('returns "other" for probes after close()', async () => {
    await prober.close();
    const result = await prober.probe(target(endpoint.url()));
    expect(result).toMatchObject({ ok: false, error: 'other' });
  });
});

describe('HttpProber: attempts per round', () => {
  let prober: HttpProber;
  let endpoint: RegionalEndpoint;
  let draws: number[];

  beforeEach(async () => {
    prober = new HttpProber({ clock, concurrency: 8, connectTimeoutMs: 2_000 });
    draws = [];
    // Each request to a flapping endpoint takes the next draw: below the ratio (0.5) fails.
    endpoint = new RegionalEndpoint('eu-west-1', { slowDelayMs: 5_000, random: () => draws.shift() ?? 0.99 });
    await endpoint.start();
  });

  afterEach(async () => {
    await endpoint.stop();
    await prober.close();
  });

  it('sends `attempts` requests and passes when any passed, counting the failed ones', async () => {
    await endpoint.setMode('flapping');
    draws = [0.1, 0.9, 0.2];
    const result = await prober.probe(target(endpoint.url(), { attempts: 3 }));
    expect(result).toMatchObject({ ok: true, status: 200, attempts: { failed: 2, of: 3 } });
    expect(result.error).toBeUndefined();
    expect(result.message).toBe('2 of 3 attempts failed (status: expected HTTP 200, got 503)');
    expect(draws).toEqual([]);
  });

  it('fails when every attempt failed, keeping the error', async () => {
    await endpoint.setMode('flapping');
    draws = [0.1, 0.2, 0.3];
    const result = await prober.probe(target(endpoint.url(), { attempts: 3 }));
    expect(result).toMatchObject({ ok: false, status: 503, error: 'status', attempts: { failed: 3, of: 3 } });
    expect(result.message).toBe('expected HTTP 200, got 503; all 3 attempts failed');
  });

  it('a hard outage fails every attempt in the same round', async () => {
    await endpoint.setMode('down');
    expect(await prober.probe(target(endpoint.url(), { attempts: 3 }))).toMatchObject({ ok: false, error: 'refused', attempts: { failed: 3, of: 3 } });
  });

  it('sends the attempts at once: a hanging endpoint costs one timeout, not one per attempt', async () => {
    await endpoint.setMode('slow');
    const started = performance.now();
    const result = await prober.probe(target(endpoint.url(), { attempts: 5, timeoutMs: 300 }));
    const wall = performance.now() - started;
    expect(result).toMatchObject({ ok: false, error: 'timeout', attempts: { failed: 5, of: 5 } });
    expect(wall).toBeGreaterThanOrEqual(280);
    expect(wall).toBeLessThan(2 * 300);
    expect(prober.inflight()).toBe(0);
  });

  it('a target without attempts is probed once, with no attempt count', async () => {
    await endpoint.setMode('flapping');
    draws = [0.1, 0.9];
    const result = await prober.probe(target(endpoint.url()));
    expect(result).toMatchObject({ ok: false, error: 'status' });
    expect(result.attempts).toBeUndefined();
    expect(draws).toEqual([0.9]);
  });
});

describe('HttpProber.round', () => {
  let server: Server;
  let base: string;
  let current = 0;
  let max = 0;
  let onRequest: () => void = () => {};

  beforeEach(async () => {
    current = 0;
    max = 0;
    onRequest = () => {};
    // Holds each response briefly so that concurrent requests overlap and
    // the limit is actually exercised; echoes the path to check ordering.
    server = createServer((req, res) => {
      current++;
      max = Math.max(max, current);
      onRequest();
      setTimeout(() => {
        current--;
        res.end(req.url);
      }, 3);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('probes every target, keeps the order and respects the concurrency limit', async () => {
    const prober = new HttpProber({ clock, concurrency: 8 });
    try {
      const targets = Array.from({ length: 200 }, (_, i) => target(`${base}/t/${i}`, { bodyMatch: `/t/${i}` }));
      const inflightSeen: number[] = [];
      onRequest = () => inflightSeen.push(prober.inflight());
      const results = await prober.round(targets);

      expect(results).toHaveLength(200);
      expect(results.map((r) => r.url)).toEqual(targets.map((t) => t.url));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(max).toBeGreaterThan(1);
      expect(max).toBeLessThanOrEqual(8);
      expect(Math.min(...inflightSeen)).toBeGreaterThan(0);
      expect(Math.max(...inflightSeen)).toBeLessThanOrEqual(8);
      expect(prober.inflight()).toBe(0);
    } finally {
      await prober.close();
    }
  });

  it('the concurrency limit counts targets: the attempts of each target go out together', async () => {
    const prober = new HttpProber({ clock, concurrency: 2 });
    try {
      const targets = Array.from({ length: 6 }, (_, i) => target(`${base}/t/${i}`, { attempts: 3 }));
      const results = await prober.round(targets);
      expect(results.map((r) => r.attempts)).toEqual(targets.map(() => ({ failed: 0, of: 3 })));
      // Two targets at a time, three requests each: more than two requests at once (the limit is not per request), never more than six.
      expect(max).toBeGreaterThanOrEqual(3);
      expect(max).toBeLessThanOrEqual(6);
      expect(prober.inflight()).toBe(0);
    } finally {
      await prober.close();
    }
  });

  it('returns an empty list for no targets', async () => {
    const prober = new HttpProber({ clock });
    await expect(prober.round([])).resolves.toEqual([]);
    await prober.close();
  });
});

describe('classifyError', () => {
  const withCode = (code: string, extra: object = {}) => Object.assign(new Error(code), { code }, extra);

  it.each([
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['ECONNREFUSED', 'refused'],
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['ECONNRESET', 'reset'],
    ['UND_ERR_SOCKET', 'reset'],
    ['EPIPE', 'reset'],
    ['ERR_INVALID_URL', 'other'],
  ] as const)('%s → %s', (code, expected) => {
    expect(classifyError(withCode(code))).toBe(expected);
  });

  it('treats the abort reason of AbortSignal.timeout as a timeout', () => {
    expect(classifyError(new DOMException('timed out', 'TimeoutError'))).toBe('timeout');
    expect(classifyError(new DOMException('aborted', 'AbortError'))).toBe('timeout');
  });

  it('looks through cause and AggregateError', () => {
    expect(classifyError(withCode('UND_ERR_SOCKET_WRAPPER', { cause: withCode('ECONNREFUSED') }))).toBe('refused');
    expect(classifyError(new AggregateError([withCode('ECONNREFUSED')], 'all failed'))).toBe('refused');
  });

  it('returns "other" for non-errors', () => {
    expect(classifyError('boom')).toBe('other');
    expect(classifyError(undefined)).toBe('other');
  });
});
