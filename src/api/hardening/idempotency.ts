import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../ports/clock.js';
import type { StateStore } from '../../ports/state-store.js';
import { canonicalJson } from './canonical-json.js';
import { onMutatingRoutes } from './route-rules.js';

/** The request header a client sends to make a POST safe to retry. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on an answer that is a stored one, not a second execution. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/** How long a stored answer stands for retries. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/**
 * How long a claim holds while its request runs. Requests here answer in
 * well under API Gateway's 30 s; a claim whose request died (a crash, a
 * timeout) frees its key after this instead of blocking it for a day.
 */
export const PENDING_CLAIM_MS = 2 * 60_000;

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** What the idempotency hooks know about a request. */
export interface IdempotencyState {
  key: string;
  /** This request holds the claim: store its answer when it is sent. */
  claimed: boolean;
  /** The answer is a stored one. */
  replayed: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when a mutating request carried an Idempotency-Key. */
    idempotency?: IdempotencyState;
  }
}

/**
 * `Idempotency-Key` on every mutating route (the IETF httpapi draft's
 * semantics). The first request with a key claims it (a conditional write:
 * of concurrent first uses only one runs; the others get 409) and its answer
 * is stored; a retry with the same key and the same request (method, route,
 * params, query and body, compared in canonical form) gets the stored answer
 * with `Idempotent-Replayed: true` and starts nothing; the same key with a
 * different request is a 422. Keys are per caller. An answer of ours that
 * failed (5xx) is not stored: the key is freed so that a retry runs again.
 */
export function installIdempotency(app: FastifyInstance, store: StateStore, clock: Clock): void {
  // preHandler: after auth and validation, so neither a stranger nor a malformed body can claim a key.
  onMutatingRoutes(app, {
    preHandler: async (request, reply) => {
      const header = request.headers[IDEMPOTENCY_HEADER];
      if (header === undefined) return;
      if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
        return reply.code(400).send({ error: 'Bad Request', message: 'Idempotency-Key: must be one key of 1 to 255 printable ASCII characters without spaces (a UUID, say)' });
      }
      const scope = scopeOf(request);
      const fingerprint = fingerprintOf(request);
      const now = clock.now();
      const claim = await store.claimIdempotencyKey({ caller: scope, key: header, fingerprint, createdAt: now, validUntil: now + PENDING_CLAIM_MS }, now);
      request.idempotency = { key: header, claimed: claim.claimed, replayed: false };
      if (claim.claimed) return;
      const { existing } = claim;
      if (existing.fingerprint !== fingerprint) {
        return reply.code(422).send({ error: 'Unprocessable Entity', message: `Idempotency-Key ${header} was used for a different request; a retry must repeat the same request, or use a new key` });
      }
      if (existing.state !== 'complete' || !existing.response) {
        return reply.code(409).header('retry-after', '1').send({ error: 'Conflict', message: `a request with Idempotency-Key ${header} is still in progress; retry in a moment for its answer` });
      }
      request.idempotency.replayed = true;
      return replay(reply, existing.response);
    },
    onSend: async (request, reply, payload) => {
      const state = request.idempotency;
      if (!state?.claimed) return payload;
      state.claimed = false;
      const scope = scopeOf(request);
      const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
      if (reply.statusCode >= 500 || body === undefined) {
        await store.releaseIdempotencyKey(scope, state.key).catch((err: unknown) => request.log.error({ err }, 'could not free an idempotency key'));
        return payload;
      }
      const contentType = reply.getHeader('content-type');
      const response = { statusCode: reply.statusCode, body, ...(typeof contentType === 'string' ? { contentType } : {}) };
      await store.completeIdempotencyKey(scope, state.key, response, clock.now() + IDEMPOTENCY_TTL_MS).catch((err: unknown) => request.log.error({ err }, 'could not store the answer of an idempotency key'));
      return payload;
    },
  });
}

function replay(reply: FastifyReply, response: { statusCode: number; body: string; contentType?: string }): FastifyReply {
  reply.code(response.statusCode).header(REPLAYED_HEADER, 'true');
  if (response.contentType) reply.header('content-type', response.contentType);
  return reply.send(response.body);
}

/** Keys belong to a caller; on a public route, to the client address. */
function scopeOf(request: FastifyRequest): string {
  return request.caller ? request.caller.name : `anonymous@${request.ip}`;
}

/** What makes two requests the same request. */
function fingerprintOf(request: FastifyRequest): string {
  const route = request.routeOptions.url ?? request.url.split('?')[0];
  const text = canonicalJson({ method: request.method, route, params: request.params ?? {}, query: request.query ?? {}, body: request.body ?? null });
  return createHash('sha256').update(text).digest('hex');
}
