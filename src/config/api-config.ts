import type { Static } from 'typebox';
import type { ApiSchema } from './api-schema.js';
import type { ConfigIssue } from './config-error.js';
import type { ApiConfig } from './types.js';

/** Mutating requests per caller per window when the config says nothing. */
export const DEFAULT_RATE_LIMIT = { max: 30, windowSeconds: 60 } as const;

/** The `api` section with every default filled in; hashes lower-cased so comparison is byte for byte. */
export function normalizeApi(input: Static<typeof ApiSchema> | undefined): ApiConfig {
  return {
    auth: input?.auth ?? 'token',
    tokens: (input?.tokens ?? []).map((t) => ({ name: t.name, sha256: t.sha256.toLowerCase(), roles: [...t.roles] })),
    iamPrincipals: (input?.iamPrincipals ?? []).map((p) => ({ arn: p.arn, roles: [...p.roles] })),
    rateLimit: { max: input?.rateLimit?.max ?? DEFAULT_RATE_LIMIT.max, windowSeconds: input?.rateLimit?.windowSeconds ?? DEFAULT_RATE_LIMIT.windowSeconds },
  };
}

/**
 * Rules of the `api` section a schema cannot express: a caller name is who
 * the audit log says acted, so it must be unique; two names for one token
 * hash would make that log lie.
 */
export function apiIssues(api: ApiConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = new Map<string, number>();
  const hashes = new Map<string, number>();
  api.tokens.forEach((token, i) => {
    const at = `api.tokens[${i}]`;
    const sameName = names.get(token.name);
    if (sameName !== undefined) issues.push({ path: `${at}.name`, message: `duplicates api.tokens[${sameName}].name "${token.name}": each caller has one name` });
    else names.set(token.name, i);
    const sameHash = hashes.get(token.sha256);
    if (sameHash !== undefined) issues.push({ path: `${at}.sha256`, message: `duplicates api.tokens[${sameHash}].sha256: give each caller its own token` });
    else hashes.set(token.sha256, i);
  });
  const arns = new Map<string, number>();
  api.iamPrincipals.forEach((principal, i) => {
    const same = arns.get(principal.arn);
    if (same !== undefined) issues.push({ path: `api.iamPrincipals[${i}].arn`, message: `duplicates api.iamPrincipals[${same}].arn` });
    else arns.set(principal.arn, i);
  });
  if (api.auth === 'token' && api.iamPrincipals.length > 0) {
    issues.push({ path: 'api.iamPrincipals', message: 'is only used with api.auth: iam (set auth: iam, or remove iamPrincipals)' });
  }
  if (api.auth === 'iam' && api.tokens.length > 0) {
    issues.push({ path: 'api.tokens', message: 'is not used with api.auth: iam: API Gateway authenticates callers (remove tokens, or set auth: token)' });
  }
  return issues;
}
