import type { ApiRole } from '../../config/types.js';

/**
 * Who may call a route. `public` needs nothing (liveness, the login page);
 * `viewer` needs any valid credential; `operator` and `approver` need that role.
 */
export type AccessLevel = 'public' | ApiRole;

/** Every access level a route may declare, for checking route options at registration. */
export const ACCESS_LEVELS: readonly AccessLevel[] = ['public', 'viewer', 'operator', 'approver'];

/** The authenticated caller of a request: a token's name or an IAM principal ARN, and its roles. */
export interface Caller {
  name: string;
  roles: readonly ApiRole[];
  /** How the caller proved who it is. */
  via: 'bearer' | 'cookie' | 'iam';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook when the request carried valid credentials. */
    caller?: Caller;
  }
  interface FastifyContextConfig {
    /** Required on every route: the auth hook refuses to register a route without it. */
    auth?: AccessLevel;
  }
}

/**
 * The name to record as who did something: the authenticated caller's, never
 * a name from the request. Every route above `public` has a caller (the auth
 * hook refused the request otherwise), so its absence is a wiring fault.
 */
export function callerName(request: { caller?: Caller }): string {
  if (!request.caller) throw new Error('no authenticated caller: a route that records who acted must declare config.auth above public');
  return request.caller.name;
}

/** Does this caller have the access a route declares? Every authenticated caller is a viewer. */
export function allows(caller: Caller | undefined, level: AccessLevel): boolean {
  if (level === 'public') return true;
  if (!caller) return false;
  return level === 'viewer' || caller.roles.includes(level);
}
