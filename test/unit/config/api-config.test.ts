import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../../src/config/config-error.js';
import { validateConfig } from '../../../src/config/load-config.js';

const HASH = 'a'.repeat(64);

function withApi(api: unknown): unknown {
  const region = (name: string, n: number) => ({
    name,
    probes: [{ url: `https://${name}.example.com/health` }],
    database: { engine: 'rds', instanceId: `db-${n}` },
    compute: { autoScalingGroup: `web-${n}`, standbyCapacity: 1, activeCapacity: 2 },
    dns: { hostedZoneId: 'Z0TEST', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
  });
  return { api, applications: [{ name: 'shop', regions: [region('us-east-1', 1), region('eu-west-1', 2)] }] };
}

function issues(api: unknown): ConfigIssue[] {
  try {
    validateConfig(withApi(api));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('the api section of the config', () => {
  it('defaults to token auth, no tokens and 30 mutating requests a minute', () => {
    expect(validateConfig(withApi(undefined)).api).toEqual({ auth: 'token', tokens: [], iamPrincipals: [], rateLimit: { max: 30, windowSeconds: 60 } });
  });

  it('keeps token hashes lower case, with their roles', () => {
    const api = validateConfig(withApi({ tokens: [{ name: 'alice-oncall', sha256: 'AB'.repeat(32), roles: ['operator', 'approver'] }], rateLimit: { max: 5 } })).api;
    expect(api.tokens).toEqual([{ name: 'alice-oncall', sha256: 'ab'.repeat(32), roles: ['operator', 'approver'] }]);
    expect(api.rateLimit).toEqual({ max: 5, windowSeconds: 60 });
  });

  it.each([
    [{ tokens: [{ name: 'a', sha256: 'hunter2', roles: ['viewer'] }] }, 'api.tokens[0].sha256', /64 hex characters .*sha256sum/],
    [{ tokens: [{ name: 'a', sha256: `${HASH}0`, roles: ['viewer'] }] }, 'api.tokens[0].sha256', /64 hex characters/],
    [{ tokens: [{ name: 'a', sha256: HASH, roles: ['admin'] }] }, 'api.tokens[0].roles[0]', /must be viewer, operator or approver/],
    [{ tokens: [{ name: 'a', sha256: HASH, roles: [] }] }, 'api.tokens[0].roles', /must list roles/],
    [{ tokens: [{ name: 'a', sha256: HASH, roles: ['operator', 'operator'] }] }, 'api.tokens[0].roles', /each once/],
    [{ tokens: [{ name: 'a b', sha256: HASH, roles: ['viewer'] }] }, 'api.tokens[0].name', /must name the caller/],
    [{ tokens: [{ name: 'a', sha256: HASH, roles: ['viewer'], token: 'plain' }] }, 'api.tokens[0].token', /is not a known field/],
    [{ auth: 'basic' }, 'api.auth', /must be token or iam/],
    [{ rateLimit: { max: 0 } }, 'api.rateLimit.max', /./],
    [{ auth: 'iam', iamPrincipals: [{ arn: 'alice', roles: ['operator'] }] }, 'api.iamPrincipals[0].arn', /must be an IAM user\/role ARN/],
  ])('%j is refused at %s', (api, path, message) => {
    const found = issues(api).find((i) => i.path === path);
    expect(found?.message, JSON.stringify(issues(api))).toMatch(message);
  });

  it('refuses two tokens with one name or one hash, naming the first', () => {
    expect(
      issues({
        tokens: [
          { name: 'alice', sha256: HASH, roles: ['viewer'] },
          { name: 'alice', sha256: 'b'.repeat(64), roles: ['viewer'] },
          { name: 'bob', sha256: HASH.toUpperCase(), roles: ['viewer'] },
        ],
      }),
    ).toEqual([
      { path: 'api.tokens[1].name', message: 'duplicates api.tokens[0].name "alice": each caller has one name' },
      { path: 'api.tokens[2].sha256', message: 'duplicates api.tokens[0].sha256: give each caller its own token' },
    ]);
  });

  it('refuses settings of the other auth mode', () => {
    expect(issues({ auth: 'iam', tokens: [{ name: 'a', sha256: HASH, roles: ['viewer'] }] })).toEqual([{ path: 'api.tokens', message: expect.stringMatching(/not used with api.auth: iam/) }]);
    expect(issues({ iamPrincipals: [{ arn: 'arn:aws:iam::123456789012:role/oncall', roles: ['operator'] }] })).toEqual([{ path: 'api.iamPrincipals', message: expect.stringMatching(/only used with api.auth: iam/) }]);
  });
});
