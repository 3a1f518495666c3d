import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../../ports/clock.js';
import type { StateStore } from '../../ports/state-store.js';
import type { Caller } from './access.js';
import { hashToken, type TokenVerifier } from './token-verifier.js';

/** The cookie a signed-in browser sends: it carries a session id, never a token. */
export const SESSION_COOKIE = 'failover_session';

/**
 * How long a sign-in lasts: 12 hours, an on-call shift, so a browser left
 * signed in on a shared screen does not read the status page for ever.
 */
export const SESSION_TTL_MS = 12 * 3600_000;

/** 256 random bits, base64url: 43 characters. */
const SESSION_ID_BYTES = 32;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * The status page's sign-in sessions, kept server side in the state store
 * so that they expire and can be revoked. The cookie holds a random id; the
 * store holds only its SHA-256, the caller, and the hash of the token signed
 * in with (a session ends when that token is rotated or removed from the
 * config). Every process (each Lambda container) reads the same store, so a
 * sign-out takes effect everywhere on the next request.
 */
export class Sessions {
  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
    private readonly verifier: TokenVerifier,
  ) {}

  /** Start a session for the owner of a token the caller has just verified: the id for the cookie, and how long it lasts. */
  async start(caller: string, token: string): Promise<{ id: string; maxAgeSeconds: number }> {
    const id = randomBytes(SESSION_ID_BYTES).toString('base64url');
    const now = this.clock.now();
    await this.store.putSession({ idHash: hashToken(id), caller, tokenSha256: hashToken(token), createdAt: now, validUntil: now + SESSION_TTL_MS });
    return { id, maxAgeSeconds: SESSION_TTL_MS / 1000 };
  }

  /** Who a session id authenticates, or undefined when it is no current session (unknown, expired, signed out, or its token changed). */
  async caller(id: string): Promise<Caller | undefined> {
    // Anything that cannot be one of our ids (an old cookie holding a token, junk) costs no store read.
    if (!SESSION_ID.test(id)) return undefined;
    const session = await this.store.getSession(hashToken(id), this.clock.now());
    const owner = session && this.verifier.configured(session.caller, session.tokenSha256);
    return owner ? { ...owner, via: 'cookie' } : undefined;
  }

  /** Sign out: end every session of the caller this id belongs to, in every browser. The caller, or undefined when the id was no current session. */
  async end(id: string): Promise<{ caller: Caller; ended: number } | undefined> {
    const caller = await this.caller(id);
    if (!caller) return undefined;
    return { caller, ended: await this.store.deleteSessions(caller.name, this.clock.now()) };
  }
}

/**
 * The session cookie of a request, if it sent one. Cookies are parsed here,
 * on demand (@fastify/cookie is registered with `hook: false`): a request with
 * a bearer token, the usual API call, never pays for parsing them.
 */
export function sessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  request.cookies ??= request.server.parseCookie(header);
  return request.cookies[SESSION_COOKIE];
}
