import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiConfig } from '../../config/types.js';
import type { Caller } from '../auth/access.js';
import { iamRateLimitKey } from '../auth/iam-callers.js';
import { MUTATING_METHODS } from './route-rules.js';

/**
 * At most `max` requests that change something per caller per window, all
 * routes together; a 429 with Retry-After beyond that. The key is the caller
 * (set by the auth hook, which runs first; see rateLimitKey), or the client
 * address for a request without valid credentials. Reads are not limited: a
 * status page polls. The counters live in the process, so on Lambda each warm
 * container counts on its own; API Gateway's throttling bounds the stage.
 *
 * One limiter with one store, applied in an instance-wide onRequest hook to
 * every POST, PUT, PATCH and DELETE: the plugin's per-route configuration
 * would give each route a store of its own (a caller would get `max` on each
 * route), and would leave requests to unknown routes, which no route's
 * config covers, unlimited.
 */
export async function registerRateLimit(app: FastifyInstance, limit: ApiConfig['rateLimit']): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    max: limit.max,
    timeWindow: limit.windowSeconds * 1000,
    keyGenerator: (request: FastifyRequest) => (request.caller ? `caller:${rateLimitKey(request.caller)}` : `ip:${request.ip}`),
    errorResponseBuilder: (request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `${request.caller ? rateLimitKey(request.caller) : request.ip} sent more than ${context.max} requests that change something in ${limit.windowSeconds} s; retry in ${context.after}`,
    }),
  });
  const limiter = app.rateLimit();
  app.addHook('onRequest', async function (request, reply) {
    if (MUTATING_METHODS.includes(request.method)) await limiter.call(this, request, reply);
  });
}

/**
 * Whose allowance a caller's request counts against: a token's name, or for
 * IAM callers the principal with an assumed role's session name left out
 * (the caller chooses that name, so it must not buy a fresh allowance).
 */
export function rateLimitKey(caller: Caller): string {
  return caller.via === 'iam' ? iamRateLimitKey(caller.name) : caller.name;
}
