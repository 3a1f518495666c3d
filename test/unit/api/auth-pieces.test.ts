import { describe, expect, it } from 'vitest';
import { allows } from '../../../src/api/auth/access.js';
import { iamPrincipalArn, iamRateLimitKey, iamRoles } from '../../../src/api/auth/iam-callers.js';
import { rateLimitKey } from '../../../src/api/hardening/rate-limit.js';
import { hashToken, TokenVerifier } from '../../../src/api/auth/token-verifier.js';
import { summarizeBody } from '../../../src/api/hardening/body-summary.js';
import { canonicalJson } from '../../../src/api/hardening/canonical-json.js';

describe('tokens', () => {
  const verifier = new TokenVerifier([
    { name: 'alice', sha256: hashToken('alice-secret'), roles: ['operator', 'approver'] },
    { name: 'grafana', sha256: hashToken('grafana-secret'), roles: ['viewer'] },
  ]);

  it('hashes as `printf %s "$TOKEN" | sha256sum` does', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('names the owner of a configured token and nobody for anything else', () => {
    expect(verifier.verify('alice-secret')).toEqual({ name: 'alice', roles: ['operator', 'approver'] });
    expect(verifier.verify('grafana-secret')).toEqual({ name: 'grafana', roles: ['viewer'] });
    for (const wrong of ['', 'alice-secre', 'alice-secret ', 'ALICE-SECRET', hashToken('alice-secret'), 'x'.repeat(5000)]) expect(verifier.verify(wrong), wrong.slice(0, 20)).toBeUndefined();
    expect(new TokenVerifier([]).verify('anything')).toBeUndefined();
  });
});

describe('roles', () => {
  const caller = (roles: ('viewer' | 'operator' | 'approver')[]) => ({ name: 'c', roles, via: 'bearer' as const });

  it('lets anyone through public routes, any caller read, and only the role holder do the rest', () => {
    expect(allows(undefined, 'public')).toBe(true);
    expect(allows(undefined, 'viewer')).toBe(false);
    expect(allows(caller(['viewer']), 'viewer')).toBe(true);
    expect(allows(caller(['approver']), 'viewer')).toBe(true);
    expect(allows(caller(['viewer']), 'operator')).toBe(false);
    expect(allows(caller(['approver']), 'operator')).toBe(false);
    expect(allows(caller(['operator']), 'approver')).toBe(false);
    expect(allows(caller(['operator', 'approver']), 'approver')).toBe(true);
  });
});

describe('IAM callers', () => {
  const principals = [
    { arn: 'arn:aws:sts::123456789012:assumed-role/SRE-OnCall/*', roles: ['operator' as const, 'approver' as const] },
    { arn: 'arn:aws:iam::123456789012:user/release-bot', roles: ['operator' as const] },
  ];

  it('maps exact ARNs and every session of a listed role; any other principal reads', () => {
    expect(iamRoles('arn:aws:sts::123456789012:assumed-role/SRE-OnCall/alice', principals)).toEqual(['operator', 'approver']);
    expect(iamRoles('arn:aws:iam::123456789012:user/release-bot', principals)).toEqual(['operator']);
    expect(iamRoles('arn:aws:iam::123456789012:user/release-bot2', principals)).toEqual(['viewer']);
    expect(iamRoles('arn:aws:sts::123456789012:assumed-role/SRE-OnCall-Readonly/bob', principals)).toEqual(['viewer']);
  });

  it('matches an entry ending in * as a prefix, / included, as IAM does: without a / before the * it also takes longer role names; the first match wins', () => {
    const loose = [
      { arn: 'arn:aws:sts::123456789012:assumed-role/ops-readonly/*', roles: ['viewer' as const] },
      { arn: 'arn:aws:sts::123456789012:assumed-role/ops*', roles: ['operator' as const] },
    ];
    expect(iamRoles('arn:aws:sts::123456789012:assumed-role/ops/alice', loose)).toEqual(['operator']);
    // Documented, not a bug: `ops*` is a prefix of these role names too.
    expect(iamRoles('arn:aws:sts::123456789012:assumed-role/ops-readonly-extra/bob', loose)).toEqual(['operator']);
    expect(iamRoles('arn:aws:sts::123456789012:assumed-role/opsX/bob', loose)).toEqual(['operator']);
    // An earlier, narrower entry wins over the broad one.
    expect(iamRoles('arn:aws:sts::123456789012:assumed-role/ops-readonly/carol', loose)).toEqual(['viewer']);
    // Without a *, an entry is exact.
    expect(iamRoles('arn:aws:iam::123456789012:user/release-bot/x', principals)).toEqual(['viewer']);
  });

  it('counts an assumed-role session against its role for the rate limit; any other principal as itself', () => {
    expect(iamRateLimitKey('arn:aws:sts::123456789012:assumed-role/SRE-OnCall/alice')).toBe('arn:aws:sts::123456789012:assumed-role/SRE-OnCall');
    expect(iamRateLimitKey('arn:aws:sts::123456789012:assumed-role/SRE-OnCall/any-name-at-all')).toBe('arn:aws:sts::123456789012:assumed-role/SRE-OnCall');
    expect(iamRateLimitKey('arn:aws-us-gov:sts::123456789012:assumed-role/Ops/alice@example.com')).toBe('arn:aws-us-gov:sts::123456789012:assumed-role/Ops');
    for (const arn of ['arn:aws:iam::123456789012:user/release-bot', 'arn:aws:iam::123456789012:role/Ops', 'arn:aws:sts::123456789012:federated-user/bob', 'arn:aws:sts::123456789012:assumed-role/Ops']) {
      expect(iamRateLimitKey(arn)).toBe(arn);
    }
    expect(rateLimitKey({ name: 'arn:aws:sts::123456789012:assumed-role/Ops/s1', roles: [], via: 'iam' })).toBe('arn:aws:sts::123456789012:assumed-role/Ops');
    // A token's name is the caller's identity as configured, slashes or not.
    expect(rateLimitKey({ name: 'alice', roles: [], via: 'bearer' })).toBe('alice');
  });

  it('reads the principal from the Lambda event only', () => {
    expect(iamPrincipalArn({ awsLambda: { event: { requestContext: { authorizer: { iam: { userArn: 'arn:aws:iam::1:user/a' } } } } } })).toBe('arn:aws:iam::1:user/a');
    expect(iamPrincipalArn({ headers: { 'x-apigateway-event': '{}' } })).toBeUndefined();
    expect(iamPrincipalArn({ awsLambda: { event: { requestContext: { authorizer: { iam: { userArn: 42 } } } } } })).toBeUndefined();
  });
});

describe('audit body summaries', () => {
  it('redacts secret-looking keys at any depth and keeps the rest', () => {
    expect(summarizeBody({ to: 'eu-west-1', token: 't', nested: { Password: 'p', api_key: 'k', ok: 1 } })).toBe('{"to":"eu-west-1","token":"[redacted]","nested":{"Password":"[redacted]","api_key":"[redacted]","ok":1}}');
    expect(summarizeBody(undefined)).toBeUndefined();
  });

  it('cuts hostile bodies down to size', () => {
    const summary = summarizeBody({ reason: 'x'.repeat(10_000), list: Array.from({ length: 100 }, (_, i) => i), deep: { a: { b: { c: { d: { e: 1 } } } } } })!;
    expect(summary.length).toBeLessThanOrEqual(2_001);
    expect(summary).toContain('…(10000 chars)');
    expect(summary).toContain('"…(100 items)"');
    expect(summary).toContain('"deep":{"a":{"b":{"c":"{…}"}}}');
  });

  it('keeps a __proto__ key as a plain key', () => {
    const body = JSON.parse('{"__proto__":{"polluted":1},"a":1}') as unknown;
    expect(summarizeBody(body)).toBe('{"__proto__":{"polluted":1},"a":1}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every level, so that the same request has one fingerprint', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});
