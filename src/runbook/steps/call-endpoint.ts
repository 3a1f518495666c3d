import { request } from 'undici';
import { PermanentError, TransientError } from '../../errors/errors.js';
import { classifyError } from '../../probes/http-prober.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { idempotencyKey } from './idempotency-key.js';

/** HTTP methods a step may call with. */
export type EndpointMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options of {@link callEndpoint}. */
export interface CallEndpointOptions {
  id: string;
  title: string;
  url: string | ((ctx: StepContext) => string);
  /** Default POST: a step's call changes something, and says so with its idempotency key. */
  method?: EndpointMethod;
  /** A string is sent as is; anything else as JSON (with `content-type: application/json` unless `headers` say otherwise). */
  body?: unknown;
  /** Extra request headers; `Idempotency-Key` is always the step's own. */
  headers?: Record<string, string>;
  /** The status (or statuses) that mean success. */
  expectStatus: number | number[];
  /** Deadline of one call, connect to last byte, in ms; a call past it is retried as a transient failure. */
  timeoutMs: number;
}

/** Longest excerpt of an answer's body kept in the journal, a message or an error. */
const BODY_EXCERPT_CHARS = 300;

type ResponseBody = Awaited<ReturnType<typeof request>>['body'];

/** The first characters of a body, for a message; the rest is dropped unread. Never throws. */
async function bodyExcerpt(body: ResponseBody): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length >= BODY_EXCERPT_CHARS) break;
    }
  } catch {
    // The status decides; a body cut short only shortens the excerpt.
  } finally {
    if (!body.destroyed) body.destroy();
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat;
}

/** undici refused the request itself (a bad header value, an unsupported option): no retry sends it. */
function invalidRequest(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED';
}

function encodeBody(body: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  return JSON.stringify(body);
}

/** The URL to call, refused at once (no retry can fix it) unless it is http(s). */
function urlOf(ctx: StepContext, options: CallEndpointOptions): string {
  const url = typeof options.url === 'function' ? options.url(ctx) : options.url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PermanentError(`${options.id}: ${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new PermanentError(`${options.id}: ${url} is not an http(s) URL`);
  return url;
}

/**
 * Call an HTTP endpoint once, with an `Idempotency-Key` header
 * (`<run id>:<step id>`, the same on every attempt and on a resumed run, so
 * that an endpoint which honours it performs the call's effect once) and a
 * deadline. The step succeeds when the answer's status is one of
 * `expectStatus`. Otherwise it names the status, the URL and the start of
 * the body: a 5xx or 429 (the endpoint's trouble, or throttling), a refused
 * or reset connection and a call past its deadline are transient, retried
 * with backoff; any other status (a 4xx, or a success other than the one
 * expected) is permanent and fails the step. A run resumed after the
 * answer was journaled does not call again.
 */
export function callEndpoint(options: CallEndpointOptions): RunbookNode {
  const method = options.method ?? 'POST';
  const expected = [options.expectStatus].flat();
  const expectedText = expected.map((s) => `HTTP ${s}`).join(' or ');
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: options.timeoutMs,
    async observe(ctx) {
      // Nothing to read: whether the call was made is the journal's to say (the engine skips an act it recorded).
      return {
        resource: `http:${method} ${urlOf(ctx, options)}`,
        current: ctx.actInFlight ? 'called by this run before it stopped, answer not journaled' : 'not called by this run',
        desired: `answered ${expectedText}`,
        done: false,
      };
    },
    async act(ctx) {
      const url = urlOf(ctx, options);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(options.headers ?? {})) {
        if (name.toLowerCase() !== 'idempotency-key') headers[name] = value;
      }
      const body = encodeBody(options.body, headers);
      headers['idempotency-key'] = idempotencyKey(ctx, options.id);
      // Network time is real time: the deadline is a real timer, like the probes', whatever clock the run keeps.
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const call = `${options.id}: ${method} ${url}`;
      let response: Awaited<ReturnType<typeof request>>;
      try {
        response = await request(url, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.any([ctx.signal, deadline]),
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
          // One connection per call: no pooled socket outlives the step.
          reset: true,
        });
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const kind = deadline.aborted ? 'timeout' : classifyError(err);
        if (kind === 'timeout') throw new TransientError(`${call}: no answer within ${options.timeoutMs} ms`);
        const reason = err instanceof Error ? err.message : String(err);
        // A request undici refuses to send, or a certificate that does not verify, is the same on every attempt.
        if (kind === 'tls' || invalidRequest(err)) throw new PermanentError(`${call}: ${reason}`);
        throw new TransientError(`${call}: ${kind === 'other' ? reason : `connection ${kind} (${reason})`}`);
      }
      const status = response.statusCode;
      const excerpt = await bodyExcerpt(response.body);
      if (expected.includes(status)) return { status, response: excerpt };
      const message = `${call} answered HTTP ${status}, expected ${expectedText}${excerpt ? `: ${excerpt}` : ''}`;
      if (status >= 500 || status === 429) throw new TransientError(message);
      throw new PermanentError(message);
    },
    // The answer, judged by the act, is the outcome: there is nothing to poll.
    verify: async () => true,
    report(after, acted) {
      return typeof acted?.['status'] === 'number' ? `${after.resource} answered HTTP ${acted['status']}` : `${after.resource} called`;
    },
  });
}
