import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiConfig } from '../../config/types.js';
import type { Caller } from '../auth/access.js';
import { iamRateLimitKey } from '../auth/iam-callers.js';
import { MUTATING_METHODS } from './route-rules.js';

/**
 * At most `max` requests that change something per caller per window; a
 * 429 with Retry-After beyond that. The key is the caller (set by the auth
 * hook, which runs first; see rateLimitKey), or the client address for a
 * request without valid credentials. Reads are not limited: a status page
 * polls. The counters live in the process, so on Lambda each warm
 * container counts on its own; API Gateway's throttling bounds the stage.
 */
export async function registerRateLimit(app: FastifyInstance, limit: ApiConfig['rateLimit']): Promise<void> {
  // Before the plugin's own onRoute hook, which reads config.rateLimit.
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    if (methods.some((m) => MUTATING_METHODS.includes(m))) route.config = { ...route.config, rateLimit: { max: limit.max, timeWindow: limit.windowSeconds * 1000 } } as typeof route.config;
  });
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request: FastifyRequest) => (request.caller ? `caller:${rateLimitKey(request.caller)}` : `ip:${request.ip}`),
    errorResponseBuilder: (request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `${request.caller ? rateLimitKey(request.caller) : request.ip} sent more than ${context.max} requests that change something in ${limit.windowSeconds} s; retry in ${context.after}`,
    }),
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
