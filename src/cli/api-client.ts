import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Agent } from 'undici';
import { CliError, EXIT, exitCodeForHttpStatus } from './exit-codes.js';

/** How long one request may take to connect and to answer. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Waits before the retries of a request whose connection broke after it was sent. */
const RETRY_DELAYS_MS = [500, 1_000];

/** How often, and how long apart, a retried POST asks again while its first attempt is still running. */
const IN_PROGRESS_WAITS = 10;
const IN_PROGRESS_WAIT_MS = 1_000;

/** Network errors after which the request may have reached the API: safe to retry only with the same Idempotency-Key. */
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Where the token came from, to say what to fix when the API refuses it. */
export type TokenSource = '--token' | 'FAILOVER_TOKEN' | { file: string } | 'none';

/** What the client needs to talk to the API. */
export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
  tokenSource: TokenSource;
  sleep: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

/** The API answered with an error: carries its HTTP status, and the exit code that status maps to. */
export class ApiError extends CliError {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    details: Record<string, unknown>,
  ) {
    super(message, exitCodeForHttpStatus(status), { status, ...details });
  }
}

/**
 * The controller's HTTP API over undici. Errors come out as CliErrors with
 * the message an operator needs (what failed, what to do) and the exit
 * code; never a stack trace. Every POST of one client (one CLI invocation)
 * carries the same `Idempotency-Key`, so a request retried after a broken
 * connection never starts a second run.
 */
export class ApiClient {
  readonly idempotencyKey = randomUUID();
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly undici: typeof import('undici');

  constructor(private readonly options: ApiClientOptions) {
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    // Loaded when a command talks to the API, not with the CLI: --help, validate and iam-policy never do.
    this.undici = createRequire(import.meta.url)('undici') as typeof import('undici');
    this.agent = new this.undici.Agent({ connectTimeout: this.timeoutMs, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs });
  }

  /** The API's base URL, for messages. */
  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** GET a JSON resource; `query` values that are undefined are left out. */
  async get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const search = params.size > 0 ? `?${params.toString()}` : '';
    return this.send<T>('GET', `${path}${search}`);
  }

  /** POST a JSON body, with this invocation's Idempotency-Key. */
  async post<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  /** Close the connections (a CLI must not stay alive for keep-alive sockets). */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    // An id of `.` or `..` (which encodeURIComponent leaves as it is) would make the URL address another route.
    const dotted = path.split('?')[0]!.split('/').find((segment) => /^(\.|%2e){1,2}$/i.test(segment));
    if (dotted !== undefined) throw new CliError(`"${decodeURIComponent(dotted)}" is not an id`, EXIT.usage);
    const url = new URL(path.replace(/^\//, ''), this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      headers['idempotency-key'] = this.idempotencyKey;
    }
    let inProgressWaits = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.undici.request(url, { method, headers, dispatcher: this.agent, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
        const text = await res.body.text();
        // A retry can meet its own first attempt still running (the API's 409 with Retry-After for
        // an Idempotency-Key in use): that attempt's answer is the one to wait for, not an error.
        if (attempt > 0 && res.statusCode === 409 && res.headers['retry-after'] !== undefined && inProgressWaits < IN_PROGRESS_WAITS) {
          inProgressWaits++;
          await this.options.sleep(IN_PROGRESS_WAIT_MS);
          continue;
        }
        return this.answer<T>(method, url, res.statusCode, text);
      } catch (err) {
        if (err instanceof CliError) throw err;
        const code = errorCode(err);
        const delay = RETRY_DELAYS_MS[attempt];
        if (delay !== undefined && code !== undefined && RETRYABLE_CODES.has(code)) {
          await this.options.sleep(delay);
          continue;
        }
        throw new CliError(`cannot reach the API at ${this.options.baseUrl}: ${networkReason(code, err, this.timeoutMs)}`, EXIT.failed, { code: code ?? 'network' });
      }
    }
  }

  private answer<T>(method: string, url: URL, status: number, text: string): T {
    const parsed = parseJson(text);
    if (status >= 200 && status < 300) {
      if (parsed === undefined) throw new CliError(`${method} ${url.pathname}: the API at ${this.options.baseUrl} answered ${status} with something that is not JSON; is --url the controller's API?`, EXIT.failed);
      return parsed as T;
    }
    const fields = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    const message = typeof fields['message'] === 'string' ? fields['message'] : text.trim() ? text.trim().slice(0, 200) : `HTTP ${status}`;
    const runId = typeof fields['runId'] === 'string' ? fields['runId'] : undefined;
    const rule = typeof fields['rule'] === 'string' ? fields['rule'] : undefined;
    throw new ApiError(this.explain(status, message, runId, rule), status, { message, ...(runId ? { runId } : {}), ...(rule ? { rule } : {}) });
  }

  /** The API's message, with what the operator can do about it. */
  private explain(status: number, message: string, runId: string | undefined, rule: string | undefined): string {
    if (status === 401) return `the API refused the request (401): ${message}; ${tokenHint(this.options.tokenSource)}`;
    // A policy rule (the two-person rule) refuses this caller this answer: the role is not the problem, and the message says what is.
    if (status === 403 && rule !== undefined) return `the API refused the request (403): ${message}`;
    if (status === 403) return `the API refused the request (403): ${message}; the token's role does not allow this (viewer reads; operator runs drills, failover, failback and cancel; approver approves)`;
    if (status === 409 && runId) return `${message} (409); follow it with: failover runs ${runId}`;
    if (status === 429) return `${message} (429: too many requests; try again in a minute)`;
    if (status >= 500) return `the API failed (${status}): ${message}`;
    return `${message} (${status})`;
  }
}

function tokenHint(source: TokenSource): string {
  if (source === 'none') return 'no token was sent: pass --token or set FAILOVER_TOKEN (local mode writes one to .failover/api-token)';
  if (typeof source === 'object') return `the token read from ${source.file} is not one the API knows (was the state directory reset?); pass --token or set FAILOVER_TOKEN`;
  return `the token given by ${source} is not one the API knows`;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The error code of a network failure; undici and Node nest it in `cause` or in an AggregateError. */
function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof e.code === 'string') return e.code;
  if (e.cause) return errorCode(e.cause);
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[0]);
  return undefined;
}

function networkReason(code: string | undefined, err: unknown, timeoutMs: number): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the controller running? `npm start` records its address in .failover/api-url, which this command reads; otherwise set --url or FAILOVER_URL)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found (check --url or FAILOVER_URL)';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `no connection within ${timeoutMs / 1000} s`;
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `no answer within ${timeoutMs / 1000} s`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed before the answer came';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
