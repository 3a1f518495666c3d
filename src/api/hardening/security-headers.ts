import type { IncomingMessage, ServerResponse } from 'node:http';
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
 * Security headers on every answer: helmet's, with the CSP above, and
 * `Cache-Control: no-store`: answers carry live state (a region's health,
 * a run in progress) and what a caller may see, so neither a browser nor a
 * proxy may keep or replay them. A route whose answer may be cached (the
 * pages' versioned assets) says so itself. The
 * directives are static, so helmet runs once, at start, into a plain header
 * set, which every answer then carries (`reply.headers`, written with the
 * status line). @fastify/helmet instead rebuilds helmet on every request, and
 * even a prebuilt helmet sets thirteen headers one `setHeader` at a time:
 * about a tenth of a polled GET /status each (BENCHMARKS.md, API throughput).
 * A route may still change a header afterwards with `reply.header` (the
 * OpenAPI UI widens its own CSP).
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  const headers = securityHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** The headers helmet sets with our options, collected once, and Cache-Control: no-store. */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let failure: unknown;
  helmet({ contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES }, crossOriginEmbedderPolicy: false })(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (err?: unknown) => void (failure = err),
  );
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  headers['cache-control'] = 'no-store';
  return headers;
}
