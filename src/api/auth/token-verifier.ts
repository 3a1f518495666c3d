import { hash, timingSafeEqual } from 'node:crypto';
import type { ApiRole, ApiToken } from '../../config/types.js';

/** The SHA-256 of a token as lower-case hex: what the config holds instead of the token. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** Longest token worth hashing; anything longer is not one of ours. */
const MAX_TOKEN_LENGTH = 4096;

/**
 * Checks a presented token against the configured hashes. The token is
 * hashed first (so lengths never differ) and compared with every configured
 * hash in constant time, without stopping at the first match, so the time
 * taken says nothing about which hash (or how much of one) matched.
 */
export class TokenVerifier {
  private readonly entries: { name: string; roles: readonly ApiRole[]; digest: Buffer }[];

  constructor(tokens: readonly ApiToken[]) {
    this.entries = tokens.map((t) => ({ name: t.name, roles: [...t.roles], digest: Buffer.from(t.sha256, 'hex') }));
  }

  /** Whether any token is configured (with none, every protected route is refused). */
  get size(): number {
    return this.entries.length;
  }

  /**
   * The name and roles of a configured token by its name and hash (a
   * session's, from the state store, not a secret the client sent): a
   * session stands only while its token is configured as it was at sign-in.
   */
  configured(name: string, sha256: string): { name: string; roles: readonly ApiRole[] } | undefined {
    const entry = this.entries.find((e) => e.name === name && e.digest.toString('hex') === sha256);
    return entry ? { name: entry.name, roles: entry.roles } : undefined;
  }

  /** The name and roles of the token's owner, or undefined when the token is not configured. */
  verify(token: string): { name: string; roles: readonly ApiRole[] } | undefined {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
    // One-shot hash(): every request pays this, and it is about twice as fast as a Hash object (strings hash as UTF-8).
    const digest = hash('sha256', token, 'buffer');
    let found: { name: string; roles: readonly ApiRole[] } | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && !found) found = { name: entry.name, roles: entry.roles };
    }
    return found;
  }
}
