import { createHash } from 'node:crypto';

/** The callers tests act as: a reader, an operator, an approver, and one with every role. */
export type TestRole = 'viewer' | 'operator' | 'approver' | 'admin';

/** Plain tokens per test caller (only their hashes go into the config). */
export const TEST_TOKENS: Readonly<Record<TestRole, string>> = {
  viewer: 'test-viewer-token-0123456789abcdef',
  operator: 'test-operator-token-0123456789abcdef',
  approver: 'test-approver-token-0123456789abcdef',
  admin: 'test-admin-token-0123456789abcdef',
};

const ROLES: Record<TestRole, ('viewer' | 'operator' | 'approver')[]> = {
  viewer: ['viewer'],
  operator: ['operator'],
  approver: ['approver'],
  admin: ['operator', 'approver'],
};

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The `api` section of a test config: one token per test caller, named
 * `test-<role>`. The rate limit is high enough that no ordinary test meets
 * it; the security suite sets its own to test it.
 */
export const testApiConfig = {
  auth: 'token' as const,
  tokens: (Object.keys(TEST_TOKENS) as TestRole[]).map((role) => ({ name: `test-${role}`, sha256: sha256(TEST_TOKENS[role]), roles: ROLES[role] })),
  rateLimit: { max: 10_000, windowSeconds: 60 },
};

/** The Authorization header of a test caller (admin by default: operator and approver). */
export function bearer(role: TestRole = 'admin'): { authorization: string } {
  return { authorization: `Bearer ${TEST_TOKENS[role]}` };
}
