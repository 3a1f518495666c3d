import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * The Content-Security-Policy of every answer: scripts and styles only from
 * this origin, so pages carry no inline <script> or style (a reflected
 * string can never run). Helmet's defaults add the rest (no framing, no
 * plugins, no sniffing, a strict referrer policy).
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // Local mode serves plain http on loopback: upgrading its requests would break it.
  upgradeInsecureRequests: null,
};

/**
 * Security headers on every answer (helmet), with the CSP above. helmet's
 * middleware is built once and run on the raw response: @fastify/helmet
 * rebuilds it (and re-parses the CSP directives) on every request, which cost
 * about a tenth of a polled GET /status (BENCHMARKS.md, API throughput).
 * Routes may still adjust a header afterwards with `reply.header` (the
 * OpenAPI UI widens its own CSP).
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  const setHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES }, crossOriginEmbedderPolicy: false });
  app.addHook('onRequest', (request, reply, done) => {
    setHeaders(request.raw, reply.raw, (err?: unknown) => done(err instanceof Error ? err : undefined));
  });
}
