import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiConfig } from '../../config/types.js';
import { ACCESS_LEVELS, type AccessLevel, allows, type Caller } from './access.js';
import { iamPrincipalArn, iamRoles } from './iam-callers.js';
import { SESSION_COOKIE, sessionCookie, type Sessions } from './sessions.js';
import { TokenVerifier } from './token-verifier.js';
import { MUTATING_METHODS } from '../hardening/route-rules.js';

/** The realm named in WWW-Authenticate. */
const REALM = 'failover-controller';

/** What the auth hook needs: the `api` section of the config. */
export type AuthSettings = Pick<ApiConfig, 'auth' | 'tokens' | 'iamPrincipals'>;

/** One registered route and who may call it. */
export interface RouteAccess {
  method: string;
  url: string;
  auth: AccessLevel;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered so far with its access level (the security suite and the OpenAPI test walk it). */
    routeAccess(): RouteAccess[];
  }
}

/** Options of installAuth. */
export interface AuthOptions {
  /**
   * Access of routes a plugin registers under a prefix without saying it
   * themselves (the OpenAPI UI under /docs). Any other route without
   * `config.auth` is refused.
   */
  pluginPrefixes?: Record<string, AccessLevel>;
  /** The status page's sign-in sessions; without them, the session cookie is refused. */
  sessions?: Sessions;
}

/** A request's credentials, or why they are not good enough. */
type Identity = { caller: Caller } | { problem: string; error?: 'invalid_request' | 'invalid_token' };

/**
 * Authentication and authorization for every route.
 *
 * - At registration, a route without `config.auth` (public, viewer, operator
 *   or approver) is refused, so a new route cannot be left open by accident.
 * - On every request, before the body is even read: a bearer token (hashed
 *   and compared with the configured hashes), or the session cookie of a
 *   signed-in browser on GET/HEAD only (a cookie rides along with cross-site
 *   requests, so it may read but never change anything), or with `auth: iam`
 *   the principal API Gateway verified. 401 when the credentials are missing
 *   or unknown, 403 naming the role a route needs.
 *
 * Tokens are never logged: only the caller's name and why a request was refused.
 */
export function installAuth(app: FastifyInstance, settings: AuthSettings, options: AuthOptions = {}): void {
  const verifier = new TokenVerifier(settings.tokens);
  if (settings.auth === 'token' && verifier.size === 0) app.log.warn('api.tokens is empty: every route but the public ones answers 401');
  const routes: RouteAccess[] = [];
  app.decorate('routeAccess', () => routes.map((r) => ({ ...r })));

  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    let level = (route.config as { auth?: unknown } | undefined)?.auth;
    const prefix = Object.keys(options.pluginPrefixes ?? {}).find((p) => route.url === p || route.url.startsWith(`${p}/`));
    if (level === undefined && prefix !== undefined) {
      level = options.pluginPrefixes![prefix];
      route.config = { ...route.config, auth: level as AccessLevel } as typeof route.config;
    }
    if (!ACCESS_LEVELS.includes(level as AccessLevel)) {
      throw new Error(`route ${methods.join(',')} ${route.url} declares no access: set config.auth to one of ${ACCESS_LEVELS.join(', ')}`);
    }
    for (const method of methods) routes.push({ method, url: route.url, auth: level as AccessLevel });
  });

  // Refusals held back until the rate limit has counted them (see below).
  const deferred = new WeakMap<FastifyRequest, () => FastifyReply>();

  app.addHook('onRequest', async (request, reply) => {
    // Unknown routes (the 404 handler) need a viewer too: no probing for routes without credentials.
    const level: AccessLevel = request.routeOptions.config.auth ?? 'viewer';
    const identity = settings.auth === 'iam' ? iamIdentity(request, settings) : await tokenIdentity(request, verifier, options.sessions);
    if ('caller' in identity) request.caller = identity.caller;
    if (allows(request.caller, level)) return;
    const refuse = () => (request.caller ? forbidden(request, reply, request.caller, level) : unauthorized(request, reply, identity as Exclude<Identity, { caller: Caller }>));
    // Every request that changes something, to a known route or not, meets the rate limit in an
    // onRequest hook installed after this one (hardening/rate-limit.ts): refused here, a flood of
    // bad or missing tokens (each one an audit record) would never meet it. Such a refusal waits
    // for preParsing: still before the body is read.
    if (MUTATING_METHODS.includes(request.method)) {
      deferred.set(request, refuse);
      return;
    }
    return refuse();
  });

  app.addHook('preParsing', async (request, _reply, payload) => {
    const refuse = deferred.get(request);
    // Return the reply itself: Fastify waits for it to be sent (the audit record is written in
    // onSend) before it would go on; returning the payload would let the request reach its handler.
    if (refuse) return refuse();
    return payload;
  });
}

async function tokenIdentity(request: FastifyRequest, verifier: TokenVerifier, sessions: Sessions | undefined): Promise<Identity> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header);
    if (!match) return { problem: 'the Authorization header must be "Bearer <token>"', error: 'invalid_request' };
    const owner = verifier.verify(match[1]!);
    return owner ? { caller: { ...owner, via: 'bearer' } } : { problem: 'the bearer token is not one of the configured tokens', error: 'invalid_token' };
  }
  const cookie = sessionCookie(request);
  if (cookie !== undefined) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return { problem: `the ${SESSION_COOKIE} cookie only reads; send the token as Authorization: Bearer <token> to change anything`, error: 'invalid_request' };
    }
    const caller = await sessions?.caller(cookie);
    return caller ? { caller } : { problem: `the ${SESSION_COOKIE} cookie is not a current session (it expired or was signed out); sign in again`, error: 'invalid_token' };
  }
  return { problem: 'this route needs a token: send Authorization: Bearer <token>' };
}

function iamIdentity(request: FastifyRequest, settings: AuthSettings): Identity {
  const arn = iamPrincipalArn(request);
  if (!arn) return { problem: 'this API uses IAM auth: sign the request with SigV4 through API Gateway' };
  return { caller: { name: arn, roles: iamRoles(arn, settings.iamPrincipals), via: 'iam' } };
}

function unauthorized(request: FastifyRequest, reply: FastifyReply, identity: { problem: string; error?: string }): FastifyReply {
  request.log.info({ method: request.method, url: request.routeOptions.url ?? request.url.split('?')[0], reason: identity.problem }, 'request refused: not authenticated');
  const challenge = `Bearer realm="${REALM}"${identity.error ? `, error="${identity.error}"` : ''}`;
  return reply.code(401).header('www-authenticate', challenge).send({ error: 'Unauthorized', message: identity.problem });
}

function forbidden(request: FastifyRequest, reply: FastifyReply, caller: Caller, level: AccessLevel): FastifyReply {
  const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
  const has = caller.roles.length > 0 ? caller.roles.join(', ') : 'viewer';
  request.log.info({ caller: caller.name, route, needs: level }, 'request refused: missing role');
  return reply.code(403).send({ error: 'Forbidden', message: `${route} needs the ${level} role; ${caller.name} has ${has}` });
}
