import { type Dispatcher, request } from 'undici';
import { type HeartbeatResult, parseHeartbeatBody } from './heartbeat.js';

/** A replication endpoint answers with a line of JSON; anything much larger is not one. */
const MAX_BODY_BYTES = 16 * 1024;

let inflight = 0;

/** Heartbeat reads on the wire right now (simulated-time tests wait for them before moving the clock). */
export function heartbeatReadsInFlight(): number {
  return inflight;
}

/**
 * GET the application's replication endpoint with undici, as a probe reads
 * a health check, and parse its heartbeat. Never throws: an endpoint that
 * cannot be read is a reason, and the caller falls back or waits. No
 * redirects are followed (the configured URL is the one that counts), and
 * the deadline covers the whole exchange.
 */
export async function readHeartbeat(
  url: string,
  options: { timeoutMs: number; now: () => number; expectRole?: 'writer' | 'replica'; dispatcher?: Dispatcher },
): Promise<HeartbeatResult> {
  const readAt = options.now();
  inflight++;
  try {
    // With the prober's dispatcher, a fresh connection each time, as for a probe: a pooled socket a frozen Lambda kept may be dead.
    const via = options.dispatcher ? { dispatcher: options.dispatcher, reset: true } : {};
    const res = await request(url, { method: 'GET', headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs), ...via });
    const text = await readLimited(res.body, MAX_BODY_BYTES);
    if (res.statusCode !== 200) return { ok: false, url, reason: `HTTP ${res.statusCode}` };
    if (text === undefined) return { ok: false, url, reason: `the answer is larger than ${MAX_BODY_BYTES} bytes` };
    const parsed = parseHeartbeatBody(text, options.expectRole);
    if (typeof parsed === 'string') return { ok: false, url, reason: parsed };
    return { ok: true, reading: { url, readAt, ...parsed } };
  } catch (err) {
    return { ok: false, url, reason: describeError(err, options.timeoutMs) };
  } finally {
    inflight--;
  }
}

/** The body as text, or undefined past `limit` bytes (the rest is not read). */
async function readLimited(body: AsyncIterable<Buffer> & { destroy(): unknown }, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e.code ?? e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  return code ? `${code}: ${e.message ?? ''}`.trim() : (e.message ?? String(err));
}
