import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../../src/config/config-error.js';
import { jsonSchemaText } from '../../../src/config/json-schema.js';
import { fqdn, loadConfig, parseConfig, validateConfig } from '../../../src/config/load-config.js';
import { UserInputError } from '../../../src/errors/errors.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const examplePath = join(root, 'examples/failover.yaml');
const schemaPath = join(root, 'schema/failover.schema.json');

/** The ConfigError a call throws; fails the test when it does not throw one. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

function issuesOf(fn: () => unknown): ConfigIssue[] {
  return configError(fn).issues;
}

type Obj = Record<string, unknown>;

function region(name: string, n: number, overrides: Obj = {}): Obj {
  return {
    name,
    probes: [{ url: `https://${name}.shop.example.com/health` }],
    database: { engine: 'rds', instanceId: `shop-db-${n}` },
    compute: { autoScalingGroup: `shop-web-${n}`, standbyCapacity: 1, activeCapacity: 4 },
    dns: { hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
    ...overrides,
  };
}

function app(name = 'shop', regions: Obj[] = [region('us-east-1', 1), region('eu-west-1', 2)], extra: Obj = {}): Obj {
  return { name, regions, ...extra };
}

/** A minimal valid configuration with one application in two regions. */
function minimal(apps: Obj[] = [app()]): Obj {
  return { applications: apps };
}

describe('examples/failover.yaml', () => {
  let text: string;
  beforeAll(async () => {
    text = await readFile(examplePath, 'utf8');
  });

  it('loads and keeps what the file says', async () => {
    const config = await loadConfig(examplePath);
    expect(config.provider).toBe('sim');
    expect(config.vantage).toBe('local');
    expect(config.applications.map((a) => a.name)).toEqual(['shop']);
    const shop = config.applications[0]!;
    expect(shop.regions.map((r) => r.name)).toEqual(['us-east-1', 'eu-west-1']);
    expect(shop.policy).toEqual({
      probeIntervalSeconds: 2,
      fallThreshold: 3,
      riseThreshold: 3,
      rtoSeconds: 120,
      rpoSeconds: 30,
      automaticFailover: true,
      failback: 'manual',
      cooldownSeconds: 600,
      failbackHoldDownSeconds: 1800,
      maxAutomaticFailoversPerDay: 2,
      flapWindowRounds: 20,
      flapMinFailures: 2,
      quorum: 1,
      maxLagSampleAgeSeconds: 300,
      approvalTimeoutSeconds: 1800,
      separateApprover: false,
      availabilityTargetPercent: 99.95,
    });
    expect(shop.regions[1]!.database).toEqual({ engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-euw1' });
    expect(shop.regions[0]!.compute).toEqual({ autoScalingGroup: 'shop-web-use1', standbyCapacity: 1, activeCapacity: 4, minShareBeforeDns: 0.9, standbyMinSize: 1 });
  });

  it('fills in defaults: probe method GET, record name fully qualified lower case', async () => {
    const config = await loadConfig(examplePath);
    const probe = config.applications[0]!.regions[0]!.probes[0]!;
    expect(probe).toEqual({ url: 'http://127.0.0.1:18101/health', method: 'GET', expectStatus: 200, timeoutMs: 1000, attempts: 3, bodyMatch: '"status":"ok"' });
    expect(config.applications[0]!.regions[0]!.dns).toEqual({
      hostedZoneId: 'Z0SIMULATED0001',
      recordName: 'shop.example.com.',
      routing: 'simple',
      type: 'CNAME',
      value: 'shop-use1.example.com',
      ttl: 60,
    });
    expect(config.endpoints).toEqual({});
  });

  it('parses the same from text as from the file', async () => {
    expect(parseConfig(text, examplePath)).toEqual(await loadConfig(examplePath));
  });
});

describe('defaults of a minimal configuration', () => {
  it('fills every optional field', () => {
    const config = validateConfig(minimal());
    expect(config.provider).toBe('sim');
    expect(config.vantage).toBe('local');
    expect(config.probeConcurrency).toBe(64);
    expect(config.endpoints).toEqual({});
    const shop = config.applications[0]!;
    expect(shop.policy).toEqual({
      probeIntervalSeconds: 5,
      fallThreshold: 3,
      riseThreshold: 3,
      rtoSeconds: 300,
      rpoSeconds: 60,
      automaticFailover: true,
      failback: 'manual',
      cooldownSeconds: 600,
      failbackHoldDownSeconds: 1800,
      maxAutomaticFailoversPerDay: 2,
      flapWindowRounds: 20,
      flapMinFailures: 2,
      quorum: 1,
      maxLagSampleAgeSeconds: 300,
      approvalTimeoutSeconds: 1800,
      separateApprover: false,
      availabilityTargetPercent: 99.95,
    });
    const probe = shop.regions[0]!.probes[0]!;
    expect(probe).toEqual({ url: 'https://us-east-1.shop.example.com/health', method: 'GET', expectStatus: 200, timeoutMs: 2000, attempts: 3 });
    expect('bodyMatch' in probe).toBe(false);
    expect(shop.regions[0]!.dns.ttl).toBe(60);
    expect(shop.regions[0]!.dns.recordName).toBe('shop.example.com.');
  });

  it('normalises record names and hosted zone ids before comparing regions', () => {
    const config = validateConfig(
      minimal([
        app('shop', [
          region('us-east-1', 1, { dns: { hostedZoneId: '/hostedzone/Z0123456789ABC', recordName: 'Shop.Example.COM', type: 'CNAME', value: 'a.example.com', ttl: 30 } }),
          region('eu-west-1', 2, { dns: { hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com.', type: 'CNAME', value: 'b.example.com' } }),
        ]),
      ]),
    );
    const [use1, euw1] = config.applications[0]!.regions;
    expect(use1!.dns).toEqual({ hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com.', type: 'CNAME', routing: 'simple', value: 'a.example.com', ttl: 30 });
    expect(euw1!.dns.recordName).toBe('shop.example.com.');
    expect(euw1!.dns.hostedZoneId).toBe('Z0123456789ABC');
  });

  it('does not modify the object it was given', () => {
    const input = minimal();
    const before = structuredClone(input);
    validateConfig(input);
    expect(input).toEqual(before);
  });

  it('fqdn lower-cases and adds exactly one trailing dot', () => {
    expect(fqdn('App.Example.com')).toBe('app.example.com.');
    expect(fqdn('app.example.com.')).toBe('app.example.com.');
  });
});

describe('schema problems', () => {
  let text: string;
  beforeAll(async () => {
    text = await readFile(examplePath, 'utf8');
  });

  /** The example with one substring replaced; fails if the substring is not there. */
  function edited(from: string | RegExp, to: string, source = text): string {
    const out = source.replace(from, to);
    expect(out, `edit ${String(from)} did not apply`).not.toBe(source);
    return out;
  }

  it('a probe URL that is not http(s) names its path and says what is expected', () => {
    const error = configError(() => parseConfig(edited('http://127.0.0.1:18102/health', 'ftp://x'), 'failover.yaml'));
    expect(error.issues).toEqual([{ path: 'applications[0].regions[1].probes[0].url', message: 'must be an http(s) URL' }]);
    expect(error.message).toBe('failover.yaml: 1 problem:\n  applications[0].regions[1].probes[0].url: must be an http(s) URL');
    expect(error.source).toBe('failover.yaml');
    expect(error).toBeInstanceOf(UserInputError);
  });

  it('a missing required field is reported at its path', () => {
    const issues = issuesOf(() => parseConfig(edited('        database: { engine: rds, instanceId: shop-db-euw1 }\n', '')));
    expect(issues).toEqual([{ path: 'applications[0].regions[1].database', message: 'is required' }]);
  });

  it('every missing required field of one object is reported, not only the first', () => {
    const input = minimal([app('shop', [region('us-east-1', 1), { name: 'eu-west-1', probes: [{ url: 'https://x.example.com/' }] }])]);
    const issues = issuesOf(() => validateConfig(input));
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'applications[0].regions[1].database', message: 'is required' },
        { path: 'applications[0].regions[1].compute', message: 'is required' },
        { path: 'applications[0].regions[1].dns', message: 'is required' },
      ]),
    );
  });

  it('an unknown field is named, with a suggestion for a near miss', () => {
    const error = configError(() => parseConfig(edited('probeIntervalSeconds: 2', 'probeIntervalSecs: 2')));
    expect(error.issues).toEqual([{ path: 'applications[0].policy.probeIntervalSecs', message: 'is not a known field (did you mean probeIntervalSeconds?)' }]);
    expect(error.message).toContain('applications[0].policy.probeIntervalSecs: is not a known field (did you mean probeIntervalSeconds?)');
  });

  it('a one-letter typo gets a suggestion', () => {
    const issues = issuesOf(() => parseConfig(edited('fallThreshold: 3', 'falThreshold: 3')));
    expect(issues).toEqual([{ path: 'applications[0].policy.falThreshold', message: 'is not a known field (did you mean fallThreshold?)' }]);
  });

  it('an unknown field with no near miss lists the known fields', () => {
    const issues = issuesOf(() => parseConfig(`colour: blue\n${text}`));
    expect(issues).toEqual([{ path: 'colour', message: 'is not a known field (known fields: provider, vantage, probeConcurrency, endpoints, route53, witness, notifications, api, simulation, applications)' }]);
  });

  it('every unknown field of one object is reported, not only the first', () => {
    const issues = issuesOf(() => parseConfig(edited('rtoSeconds: 120', 'rtoSeconds: 120\n      colour: blue\n      flavour: mint')));
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['applications[0].policy.colour', 'applications[0].policy.flavour']));
  });

  it('a value of the wrong type names the expected type', () => {
    expect(issuesOf(() => parseConfig(edited('timeoutMs: 1000', 'timeoutMs: fast')))).toEqual([
      { path: 'applications[0].regions[0].probes[0].timeoutMs', message: 'must be integer' },
    ]);
    expect(issuesOf(() => parseConfig(edited('fallThreshold: 3', 'fallThreshold: "3"')))).toEqual([
      { path: 'applications[0].policy.fallThreshold', message: 'must be integer' },
    ]);
    expect(issuesOf(() => validateConfig({ applications: 5 }))).toEqual([{ path: 'applications', message: 'must be array' }]);
  });

  it('a value out of range names the bound', () => {
    expect(issuesOf(() => parseConfig(edited('activeCapacity: 4 }\n        dns: { hostedZoneId: Z0SIMULATED0001, recordName: shop.example.com, type: CNAME, value: shop-euw1', 'activeCapacity: 0 }\n        dns: { hostedZoneId: Z0SIMULATED0001, recordName: shop.example.com, type: CNAME, value: shop-euw1')))).toEqual([
      { path: 'applications[0].regions[1].compute.activeCapacity', message: 'must be >= 1' },
    ]);
  });

  it('uses the field messages of the schema', () => {
    expect(issuesOf(() => parseConfig(edited('name: eu-west-1', 'name: Europe')))).toEqual([
      { path: 'applications[0].regions[1].name', message: 'must be an AWS region name such as us-east-1' },
    ]);
    expect(issuesOf(() => parseConfig(edited('failback: manual', 'failback: sometimes')))).toEqual([
      { path: 'applications[0].policy.failback', message: 'must be manual or automatic' },
    ]);
    expect(issuesOf(() => validateConfig(minimal([app('shop', [region('us-east-1', 1)])])))).toEqual([
      { path: 'applications[0].regions', message: 'must list at least two regions: the primary first, then standbys in order of preference' },
    ]);
    expect(issuesOf(() => validateConfig(minimal([app('1shop')])))).toEqual([
      { path: 'applications[0].name', message: 'must start with a letter and hold only letters, digits and hyphens' },
    ]);
  });

  it.each([
    { field: 'probe method', from: 'expectStatus: 200', to: 'method: PUT\n            expectStatus: 200', path: 'applications[0].regions[0].probes[0].method', message: 'must be GET, HEAD or POST' },
    { field: 'provider', from: /^provider: sim$/m, to: 'provider: gcp', path: 'provider', message: 'must be sim or aws' },
    { field: 'dns type', from: 'type: CNAME, value: shop-euw1', to: 'type: MX, value: shop-euw1', path: 'applications[0].regions[1].dns.type', message: 'must be CNAME, A or AAAA' },
  ])('a bad $field gets the message of its choice (union), not "must be equal to constant"', ({ from, to, path, message }) => {
    expect(issuesOf(() => parseConfig(edited(from, to)))).toEqual([{ path, message }]);
  });

  it('an unknown database engine gets the one message of the database choice', () => {
    const issues = issuesOf(() => parseConfig(edited('engine: rds, instanceId: shop-db-euw1', 'engine: mysql, instanceId: shop-db-euw1')));
    expect(issues).toEqual([
      { path: 'applications[0].regions[1].database', message: 'must be {engine: rds, instanceId} or {engine: aurora-global, globalClusterId, clusterId}' },
    ]);
  });

  it('a bad field of the chosen database engine is reported alone, without the other engine\'s fields', () => {
    const issues = issuesOf(() => parseConfig(edited('engine: rds, instanceId: shop-db-euw1', 'engine: rds, instanceId: 9bad')));
    expect(issues).toEqual([
      { path: 'applications[0].regions[1].database.instanceId', message: 'must be an RDS DB instance identifier (letters, digits, hyphens, starting with a letter, at most 63)' },
    ]);
  });

  it('lists several problems at once, each with its path, and counts them in the message', () => {
    const bad = edited('probeIntervalSeconds: 2', 'probeIntervalSeconds: 0', edited('timeoutMs: 1000', 'timeoutMs: fast', edited('http://127.0.0.1:18102/health', 'ftp://x')));
    const error = configError(() => parseConfig(bad, 'bad.yaml'));
    expect(error.issues).toHaveLength(3);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'applications[0].regions[0].probes[0].timeoutMs', message: 'must be integer' },
        { path: 'applications[0].regions[1].probes[0].url', message: 'must be an http(s) URL' },
        { path: 'applications[0].policy.probeIntervalSeconds', message: 'must be >= 0.1' },
      ]),
    );
    expect(error.message.split('\n')[0]).toBe('bad.yaml: 3 problems:');
    for (const issue of error.issues) expect(error.message).toContain(`\n  ${issue.path}: ${issue.message}`);
  });

  it('refuses a document that is not a mapping, saying what the file is and what a config looks like', () => {
    const only = (text: string) => {
      const issues = issuesOf(() => parseConfig(text));
      expect(issues).toHaveLength(1);
      expect(issues[0]!.message).toContain('a config is a YAML (or JSON) mapping with at least `applications:`');
      return issues[0]!.message;
    };
    expect(only('')).toMatch(/^the file is empty/);
    expect(only('# just a comment\n')).toMatch(/^the file is empty/);
    expect(only('- a\n- b\n')).toMatch(/^the file holds a list/);
    expect(only('[1, 2]')).toMatch(/^the file holds a list/);
    expect(only('hello')).toMatch(/^the file holds a single string \("hello"\)/);
    expect(only('\u007fELF\u0002\u0001\u0001\u0000\u0000')).toMatch(/^the file is not text/);
  });

  it('refuses a YAML alias bomb with a ConfigError, not an exception from the parser', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const issues = issuesOf(() => parseConfig(`${levels.join('\n')}\n`));
    expect(issues).toEqual([{ path: '', message: expect.stringMatching(/^YAML: Excessive alias count.*write the values out/) }]);
  });
});

describe('YAML problems', () => {
  it('a syntax error is a ConfigError that says YAML syntax and where', () => {
    const error = configError(() => parseConfig('applications:\n  - name: [unclosed\n', 'broken.yaml'));
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(issue.path).toBe('');
      expect(issue.message).toMatch(/^YAML syntax: .*line \d+, column \d+/);
    }
    expect(error.message).toMatch(/^broken\.yaml: \d+ problems?:\n {2}YAML syntax: /);
  });

  it('refuses duplicate keys instead of silently keeping one', () => {
    const error = configError(() => parseConfig('provider: sim\nprovider: aws\napplications: []\n'));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.message).toMatch(/^YAML syntax: Map keys must be unique/);
    expect(error.issues[0]!.message).toContain('line 2');
  });

  it('accepts JSON, which is YAML', () => {
    const config = parseConfig(JSON.stringify(minimal()));
    expect(config.applications[0]!.regions.map((r) => r.name)).toEqual(['us-east-1', 'eu-west-1']);
  });
});

describe('semantic checks', () => {
  it('refuses two applications with the same name', () => {
    const issues = issuesOf(() => validateConfig(minimal([app('shop'), app('blog'), app('shop')])));
    expect(issues).toContainEqual({ path: 'applications[2].name', message: 'duplicates applications[0].name "shop"' });
    expect(issues.some((i) => i.path.startsWith('applications[1]'))).toBe(false);
  });

  it('refuses two regions with the same name in one application', () => {
    const issues = issuesOf(() => validateConfig(minimal([app('shop', [region('us-east-1', 1), region('eu-west-1', 2), region('us-east-1', 3, { dns: { hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com', type: 'CNAME', value: 'third.example.com' } })])])));
    expect(issues).toEqual([{ path: 'applications[0].regions[2].name', message: 'duplicates regions[0].name "us-east-1"' }]);
  });

  it('allows the same region name in different applications', () => {
    const blogRegions = [region('us-east-1', 11), region('eu-west-1', 12)].map((r) => ({ ...r, dns: { ...(r['dns'] as Obj), recordName: 'blog.example.com' } }));
    expect(() => validateConfig(minimal([app('shop'), app('blog', blogRegions)]))).not.toThrow();
  });

  it('refuses regions that disagree on hosted zone, record name or type', () => {
    const issues = issuesOf(() =>
      validateConfig(
        minimal([
          app('shop', [
            region('us-east-1', 1),
            region('eu-west-1', 2, { dns: { hostedZoneId: 'ZOTHER', recordName: 'www.example.com', type: 'A', value: '192.0.2.10' } }),
          ]),
        ]),
      ),
    );
    expect(issues).toEqual([
      { path: 'applications[0].regions[1].dns.hostedZoneId', message: 'must be Z0123456789ABC, like regions[0]: every region answers for the same record' },
      { path: 'applications[0].regions[1].dns.recordName', message: 'must be shop.example.com., like regions[0]: every region answers for the same record' },
      { path: 'applications[0].regions[1].dns.type', message: 'must be CNAME, like regions[0]: every region answers for the same record' },
    ]);
  });

  it('refuses two regions that answer with the same DNS value', () => {
    const dns = { hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com', type: 'CNAME', value: 'same.example.com' };
    const issues = issuesOf(() => validateConfig(minimal([app('shop', [region('us-east-1', 1, { dns }), region('eu-west-1', 2), region('ap-south-1', 3, { dns })])])));
    expect(issues).toEqual([{ path: 'applications[0].regions[2].dns.value', message: 'duplicates regions[0].dns.value: each region needs its own value' }]);
    const adjacent = issuesOf(() => validateConfig(minimal([app('shop', [region('us-east-1', 1, { dns }), region('eu-west-1', 2, { dns })])])));
    expect(adjacent).toEqual([{ path: 'applications[0].regions[1].dns.value', message: 'duplicates regions[0].dns.value: each region needs its own value' }]);
  });

  it('refuses an active capacity below the standby capacity', () => {
    const issues = issuesOf(() => validateConfig(minimal([app('shop', [region('us-east-1', 1), region('eu-west-1', 2, { compute: { autoScalingGroup: 'g', standbyCapacity: 5, activeCapacity: 2 } })])])));
    expect(issues).toEqual([{ path: 'applications[0].regions[1].compute.activeCapacity', message: 'must be at least standbyCapacity (5)' }]);
  });

  it('checks the capacity options: a share from 0 to 1, standby bounds around the standby capacity', () => {
    const compute = (extra: Record<string, unknown>) => ({ compute: { autoScalingGroup: 'g', standbyCapacity: 2, activeCapacity: 10, ...extra } });
    const check = (extra: Record<string, unknown>) => issuesOf(() => validateConfig(minimal([app('shop', [region('us-east-1', 1), region('eu-west-1', 2, compute(extra))])])));
    expect(check({ minShareBeforeDns: 1.5 })).toEqual([{ path: 'applications[0].regions[1].compute.minShareBeforeDns', message: 'must be a number from 0 to 1' }]);
    expect(check({ standbyMinSize: 3 })).toEqual([{ path: 'applications[0].regions[1].compute.standbyMinSize', message: 'must be at most standbyCapacity (2): Auto Scaling keeps the desired capacity within MinSize and MaxSize' }]);
    expect(check({ standbyMaxSize: 1 })).toEqual([{ path: 'applications[0].regions[1].compute.standbyMaxSize', message: 'must be at least standbyCapacity (2): Auto Scaling keeps the desired capacity within MinSize and MaxSize' }]);
    const ok = validateConfig(minimal([app('shop', [region('us-east-1', 1), region('eu-west-1', 2, compute({ minShareBeforeDns: 0.75, standbyMinSize: 0, standbyMaxSize: 4 }))])]));
    expect(ok.applications[0]!.regions[1]!.compute).toEqual({ autoScalingGroup: 'g', standbyCapacity: 2, activeCapacity: 10, minShareBeforeDns: 0.75, standbyMinSize: 0, standbyMaxSize: 4 });
  });

  it('accepts an active capacity equal to the standby capacity', () => {
    expect(() => validateConfig(minimal([app('shop', [region('us-east-1', 1), region('eu-west-1', 2, { compute: { autoScalingGroup: 'g', standbyCapacity: 2, activeCapacity: 2 } })])]))).not.toThrow();
  });

  it('refuses mixed database engines in one application', () => {
    const issues = issuesOf(() =>
      validateConfig(minimal([app('shop', [region('us-east-1', 1), region('eu-west-1', 2, { database: { engine: 'aurora-global', globalClusterId: 'g1', clusterId: 'c2' } })])])),
    );
    expect(issues).toEqual([{ path: 'applications[0].regions[1].database.engine', message: 'must be rds, like regions[0]: one application has one database engine' }]);
  });

  it('refuses Aurora regions of different global clusters', () => {
    const issues = issuesOf(() =>
      validateConfig(
        minimal([
          app('shop', [
            region('us-east-1', 1, { database: { engine: 'aurora-global', globalClusterId: 'g1', clusterId: 'c1' } }),
            region('eu-west-1', 2, { database: { engine: 'aurora-global', globalClusterId: 'g2', clusterId: 'c2' } }),
          ]),
        ]),
      ),
    );
    expect(issues).toEqual([{ path: 'applications[0].regions[1].database.globalClusterId', message: 'must be g1, like regions[0]: the regions share one global cluster' }]);
  });

  it('reports every semantic problem at once', () => {
    const error = configError(() =>
      validateConfig(
        minimal([
          app('shop', [
            region('us-east-1', 1),
            region('us-east-1', 2, {
              compute: { autoScalingGroup: 'g', standbyCapacity: 3, activeCapacity: 1 },
              dns: { hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com', type: 'CNAME', value: 'second.example.com' },
            }),
          ]),
          app('shop'),
        ]),
        'team.yaml',
      ),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['applications[0].regions[1].name', 'applications[0].regions[1].compute.activeCapacity', 'applications[1].name']);
    expect(error.message.split('\n')[0]).toBe('team.yaml: 3 problems:');
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'failover-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing file is a ConfigError "file not found" naming the file', async () => {
    const path = join(dir, 'nope.yaml');
    const error = await loadConfig(path).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([{ path: '', message: 'file not found' }]);
    expect((error as ConfigError).message).toBe(`${path}: 1 problem:\n  file not found`);
  });

  it('names the file it read in the problems it reports', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, JSON.stringify({ applications: [], extra: true }));
    const error = await loadConfig(path).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).source).toBe(path);
    expect((error as ConfigError).message.startsWith(`${path}: `)).toBe(true);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(expect.arrayContaining(['applications', 'extra']));
  });
});

describe('schema/failover.schema.json', () => {
  it('is current with the TypeBox schema', async () => {
    const committed = await readFile(schemaPath, 'utf8');
    expect(committed, 'schema/failover.schema.json is out of date: run `npm run schema` and commit the result').toBe(jsonSchemaText());
  });

  it('is a draft 2020-12 JSON Schema of the configuration', () => {
    const schema = JSON.parse(jsonSchemaText()) as Record<string, unknown>;
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['type']).toBe('object');
    expect(schema['required']).toEqual(['applications']);
    expect(Object.keys(schema['properties'] as object)).toEqual(['provider', 'vantage', 'probeConcurrency', 'endpoints', 'route53', 'witness', 'notifications', 'api', 'simulation', 'applications']);
  });
});

describe('simulation', () => {
  const base = (extra: string) => `${extra}\napplications:\n${readFileSync(new URL('../../../examples/failover.yaml', import.meta.url), 'utf8').split('applications:\n')[1]}`;

  it('takes the simulated cloud delays that differ from the defaults, and only with provider sim', () => {
    const none = { ecsServices: [], functions: [], automationDocuments: [], globalDatastores: [] };
    expect(parseConfig(base('simulation: { delays: { promoteMs: 400, dnsPropagationMs: 0 } }')).simulation).toEqual({ delays: { promoteMs: 400, dnsPropagationMs: 0 }, resources: none });
    expect(parseConfig(base('')).simulation).toEqual({ delays: {}, resources: none });
    expect(issuesOf(() => parseConfig(base('simulation: { delays: { promoteMs: -1 } }')))).toEqual([
      { path: 'simulation.delays.promoteMs', message: 'must be a whole number of milliseconds from 0 to 3600000' },
    ]);
    expect(issuesOf(() => parseConfig(base('provider: aws\nsimulation: { delays: { promoteMs: 1 } }'))).map((i) => i.path)).toContain('simulation');
    // The services user runbooks use, for the simulated world: sim only, each a resource of its region.
    const ecs = 'simulation: { ecsServices: [{ region: eu-west-1, cluster: shop, service: web, desiredCount: 0 }] }';
    expect(parseConfig(base(ecs)).simulation.resources.ecsServices).toEqual([{ region: 'eu-west-1', cluster: 'shop', service: 'web', desiredCount: 0 }]);
    expect(issuesOf(() => parseConfig(base(`provider: aws\n${ecs}`))).map((i) => i.path)).toContain('simulation');
    expect(issuesOf(() => parseConfig(base('simulation: { functions: [{ region: eu-west-1 }] }'))).map((i) => i.path)).toEqual(['simulation.functions[0].name']);
  });
});
