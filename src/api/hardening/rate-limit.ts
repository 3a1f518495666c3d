import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiConfig } from '../../config/types.js';
import { MUTATING_METHODS } from './route-rules.js';

/**
 * At most `max` requests that change something per caller per window; a
 * 429 with Retry-After beyond that. The key is the caller's name (set by the
 * auth hook, which runs first), or the client address for a public route.
 * Reads are not limited: a status page polls. The counters live in the
 * process, so on Lambda each warm container counts on its own; API
 * Gateway's throttling bounds the whole stage.
 */
export async function registerRateLimit(app: FastifyInstance, limit: ApiConfig['rateLimit']): Promise<void> {
  // Before the plugin's own onRoute hook, which reads config.rateLimit.
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    if (methods.some((m) => MUTATING_METHODS.includes(m))) route.config = { ...route.config, rateLimit: { max: limit.max, timeWindow: limit.windowSeconds * 1000 } } as typeof route.config;
  });
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request: FastifyRequest) => (request.caller ? `caller:${request.caller.name}` : `ip:${request.ip}`),
    errorResponseBuilder: (request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `${request.caller?.name ?? request.ip} sent more than ${context.max} requests that change something in ${limit.windowSeconds} s; retry in ${context.after}`,
    }),
  });
}
