import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

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

/** Security headers on every answer (helmet), with the CSP above. */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, { contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES }, crossOriginEmbedderPolicy: false });
}
