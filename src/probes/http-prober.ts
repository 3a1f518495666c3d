import pLimit, { type LimitFunction } from 'p-limit';
import { Agent, request } from 'undici';
import type { Clock } from '../ports/clock.js';
import type { HeartbeatRequest, Prober } from '../ports/prober.js';
import type { HeartbeatResult } from '../lag/heartbeat.js';
import { readHeartbeat } from '../lag/heartbeat-reader.js';
import { attemptsOf, combineAttempts } from './attempts.js';
import type { ProbeErrorClass, ProbeResult, ProbeTarget } from './types.js';

/** Options of {@link HttpProber}. */
export interface HttpProberOptions {
  /** Source of `ProbeResult.at`; latency is always measured in real time. */
  clock: Clock;
  /** Most targets probed at once across all rounds of this prober (each with all its attempts). Default 64. */
  concurrency?: number;
  /** TCP (and TLS) connect timeout in milliseconds. Default 10 000; each probe's own deadline still applies. */
  connectTimeoutMs?: number;
}

/**
 * How much of a body is read to look for `bodyMatch`. A health endpoint that
 * answers with megabytes is misconfigured; we must not buffer it all.
 */
const MAX_BODY_BYTES = 64 * 1024;

const DEFAULT_CONCURRENCY = 64;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ABORT_ERR',
  'UND_ERR_ABORTED',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'HOSTNAME_MISMATCH',
]);

/**
 * Real HTTP(S) probes on undici.
 *
 * Every probe opens a fresh connection: a health check must see what a new
 * client would see. With a pooled keep-alive socket, an endpoint whose
 * listener died can still look alive (or fail as a `reset` on a half-closed
 * socket) instead of showing up as `refused` on the very next probe, and the
 * measured latency would hide the connect and TLS handshake cost.
 */
export class HttpProber implements Prober {
  private readonly clock: Clock;
  private readonly agent: Agent;
  private readonly limit: LimitFunction;
  private active = 0;

  constructor(options: HttpProberOptions) {
    this.clock = options.clock;
    this.limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS },
      // Belt and braces with `reset: true` per request: never keep an idle
      // socket around for long, so close() never waits on a pool.
      keepAliveTimeout: 1_000,
      keepAliveMaxTimeout: 1_000,
    });
  }

  /** How many requests (attempts) are in flight right now, including ones still reading a body. */
  inflight(): number {
    return this.active;
  }

  /**
   * Probe one target: its `attempts` requests at once (one when unset), so
   * that a hanging endpoint costs one `timeoutMs`, not one per attempt, and
   * a hard outage fails every attempt in the same round. The result passes
   * when any attempt passed (see {@link combineAttempts}). Never throws:
   * every failure becomes a result with an error class and a short message.
   */
  async probe(target: ProbeTarget): Promise<ProbeResult> {
    const attempts = attemptsOf(target);
    if (attempts === 1) return this.attempt(target);
    return combineAttempts(await Promise.all(Array.from({ length: attempts }, () => this.attempt(target))));
  }

  /**
   * Probe all targets, at most `concurrency` targets at a time; results in the
   * same order as `targets`. The limit counts targets, not attempts: a
   * target's attempts must start together, or a slow endpoint would cost a
   * round more than one timeout.
   */
  round(targets: ProbeTarget[]): Promise<ProbeResult[]> {
    return this.limit.map(targets, (target) => this.probe(target));
  }

  /** Read a replication heartbeat (src/lag/heartbeat-reader.ts), stamped with this prober's clock. */
  heartbeat(request: HeartbeatRequest): Promise<HeartbeatResult> {
    const { url, timeoutMs, expectRole } = request;
    return readHeartbeat(url, { timeoutMs, now: () => this.clock.now(), dispatcher: this.agent, ...(expectRole ? { expectRole } : {}) });
  }

  /** Close the connection pool. Probes started afterwards fail with error class `other`. */
  async close(): Promise<void> {
    if (this.agent.closed) return;
    await this.agent.close();
  }

  /** One request to the target, as one result. */
  private async attempt(target: ProbeTarget): Promise<ProbeResult> {
    const at = this.clock.now();
    const started = performance.now();
    this.active++;
    try {
      const outcome = await this.exchange(target);
      return { url: target.url, at, latencyMs: elapsedSince(started), ...outcome };
    } catch (err) {
      const error = classifyError(err);
      return {
        url: target.url,
        ok: false,
        at,
        latencyMs: elapsedSince(started),
        error,
        message: describeError(error, err, target),
      };
    } finally {
      this.active--;
    }
  }

  /** One request/response; throws on transport errors, which attempt() classifies. */
  private async exchange(target: ProbeTarget): Promise<Omit<ProbeResult, 'url' | 'at' | 'latencyMs' | 'attempts'>> {
    const response = await request(target.url, {
      method: target.method,
      dispatcher: this.agent,
      reset: true,
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
      // The undici timeouts only cover single phases; this bounds the whole
      // probe (connect + headers + body) to the configured deadline.
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    const status = response.statusCode;

    if (status !== target.expectStatus) {
      await discard(response.body);
      return {
        ok: false,
        status,
        error: 'status',
        message: `expected HTTP ${target.expectStatus}, got ${status}`,
      };
    }
    if (target.bodyMatch === undefined) {
      await discard(response.body);
      return { ok: true, status };
    }
    const found = await bodyContains(response.body, response.headers['content-length'], target.bodyMatch);
    if (!found) {
      return {
        ok: false,
        status,
        error: 'body',
        message: `body does not contain ${JSON.stringify(target.bodyMatch)}`,
      };
    }
    return { ok: true, status };
  }
}

type ResponseBody = Awaited<ReturnType<typeof request>>['body'];

/** Drop a body we do not need; errors while dropping do not change the verdict. */
async function discard(body: ResponseBody): Promise<void> {
  try {
    await body.dump({ limit: MAX_BODY_BYTES });
  } catch {
    // The status already decided the result; a late reset is irrelevant.
  }
}

/**
 * Read the body until `needle` appears or MAX_BODY_BYTES were read. Stops
 * early on a match so a large or endless body cannot stall the probe.
 * Transport errors while reading propagate (a timeout here is a timeout).
 */
async function bodyContains(body: ResponseBody, contentLength: string | string[] | undefined, needle: string): Promise<boolean> {
  // A declared small body (the usual health answer) is read in one go: undici
  // collects it without an async iteration per chunk, which measured 17–32%
  // of a whole probe round on loopback (BENCHMARKS.md, probe throughput).
  const declared = typeof contentLength === 'string' ? Number(contentLength) : Number.NaN;
  if (Number.isInteger(declared) && declared <= MAX_BODY_BYTES) return (await body.text()).includes(needle);
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    text += decoder.decode(chunk, { stream: true });
    if (text.includes(needle)) {
      body.destroy();
      return true;
    }
    if (bytes >= MAX_BODY_BYTES) {
      body.destroy();
      return false;
    }
  }
  text += decoder.decode();
  return text.includes(needle);
}

function elapsedSince(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/**
 * The error codes that can explain a failure. undici wraps socket errors
 * (e.g. `SocketError` with `cause`), and Node's happy-eyeballs connect
 * reports an AggregateError whose `errors` hold the per-address failures.
 */
function errorCodes(err: unknown, depth = 0): string[] {
  if (typeof err !== 'object' || err === null || depth > 4) return [];
  const e = err as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  const codes: string[] = [];
  if (typeof e.code === 'string') codes.push(e.code);
  if (e.name === 'TimeoutError' || e.name === 'AbortError') codes.push(e.name);
  codes.push(...errorCodes(e.cause, depth + 1));
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) codes.push(...errorCodes(inner, depth + 1));
  }
  return codes;
}

function isTlsCode(code: string): boolean {
  return (
    TLS_CODES.has(code) ||
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code.startsWith('CERT_')
  );
}

/** Map a thrown error to a ProbeErrorClass; the first code that means something wins. */
export function classifyError(err: unknown): ProbeErrorClass {
  for (const code of errorCodes(err)) {
    if (TIMEOUT_CODES.has(code) || code === 'TimeoutError' || code === 'AbortError') return 'timeout';
    if (code === 'ECONNREFUSED') return 'refused';
    if (DNS_CODES.has(code)) return 'dns';
    if (isTlsCode(code)) return 'tls';
    if (RESET_CODES.has(code)) return 'reset';
  }
  return 'other';
}

function describeError(error: ProbeErrorClass, err: unknown, target: ProbeTarget): string {
  const codes = errorCodes(err).filter((c) => c !== 'AbortError' && c !== 'TimeoutError');
  const suffix = codes.length > 0 ? ` (${codes[0]})` : '';
  const detail = err instanceof Error ? err.message : String(err);
  switch (error) {
    case 'timeout':
      return `no complete response within ${target.timeoutMs} ms${suffix}`;
    case 'refused':
      return `connection refused${suffix}`;
    case 'dns':
      return `DNS lookup failed for ${hostOf(target.url)}${suffix}`;
    case 'tls':
      return `TLS error: ${detail}${suffix}`;
    case 'reset':
      return `connection reset: ${detail}${suffix}`;
    default:
      return `${detail}${suffix}`;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
