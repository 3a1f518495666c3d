import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../ports/clock.js';
import type { AuditRecord, StateStore } from '../../ports/state-store.js';
import { summarizeBody } from './body-summary.js';
import { onMutatingRoutes } from './route-rules.js';

/** The caller of an audit record without valid credentials. */
export const ANONYMOUS = 'anonymous';

/**
 * An audit record of every request that could change something, whatever
 * its outcome (refused, invalid, conflicting, replayed or done): who (the
 * caller's name), what (method, route, params, a summary of the body
 * without secrets), when, the status code, and the run it started or acted
 * on. Written before the answer leaves (onSend), so an answered call is an
 * audited one; if the store cannot take it, the record goes to the log at
 * error level instead and the caller still gets its answer (what was done is
 * done: turning it into a 500 would only invite a retry). One exception: the
 * 429s of requests without valid credentials are logged, not stored.
 */
export function installAudit(app: FastifyInstance, store: StateStore, clock: Clock): void {
  // Orders the records of one process within a millisecond (the manual clock of tests stands still).
  let sequence = 0;
  const nextId = (at: number) => `${at.toString(36).padStart(9, '0')}-${(sequence++ % 36 ** 6).toString(36).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
  onMutatingRoutes(app, {
    onSend: async (request, reply, payload) => {
      const at = clock.now();
      const record = auditRecord(request, reply.statusCode, payload, at, nextId(at));
      // A flood without credentials meets the rate limit (per client address) after
      // api.rateLimit.max stored records; its 429s go to the log, or anyone could write to the
      // store without end and push the operators' records out of GET /audit.
      if (!request.caller && reply.statusCode === 429) {
        request.log.warn({ audit: record, ip: request.ip }, 'rate limited a request without credentials');
        return payload;
      }
      await store.putAudit(record).catch((err: unknown) => request.log.error({ err, audit: record }, 'could not store an audit record'));
      return payload;
    },
  });
}

function auditRecord(request: FastifyRequest, statusCode: number, payload: unknown, at: number, id: string): AuditRecord {
  const params = request.params && typeof request.params === 'object' ? stringValues(request.params as Record<string, unknown>) : undefined;
  const body = request.caller ? summarizeBody(request.body) : undefined;
  const runId = runIdOf(payload, statusCode);
  const idempotency = request.idempotency;
  return {
    id,
    at,
    caller: request.caller?.name ?? ANONYMOUS,
    method: request.method,
    route: request.routeOptions.url ?? request.url.split('?')[0]!.slice(0, 200),
    ...(params && Object.keys(params).length > 0 ? { params } : {}),
    ...(body !== undefined ? { body } : {}),
    statusCode,
    ...(runId ? { runId } : {}),
    ...(idempotency ? { idempotencyKey: idempotency.key, ...(idempotency.replayed ? { replayed: true } : {}) } : {}),
  };
}

function stringValues(params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v).slice(0, 200)]));
}

/** The run an answer names: `runId`, `run.id` or `drill.runId` of a JSON body. */
function runIdOf(payload: unknown, statusCode: number): string | undefined {
  if (statusCode >= 300) return undefined;
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
  if (!text?.startsWith('{')) return undefined;
  try {
    const body = JSON.parse(text) as { runId?: unknown; run?: { id?: unknown }; drill?: { runId?: unknown } };
    const id = body.runId ?? body.run?.id ?? body.drill?.runId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
