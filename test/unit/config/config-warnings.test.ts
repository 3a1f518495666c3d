import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { configWarnings, logConfigWarnings } from '../../../src/config/config-warnings.js';
import { validateConfig } from '../../../src/config/load-config.js';

type Obj = Record<string, unknown>;

function region(name: string, n: number, probe: Obj = {}): Obj {
  return {
    name,
    probes: [{ url: `https://${name}.shop.example.com/health`, ...probe }],
    database: { engine: 'rds', instanceId: `shop-db-${n}` },
    compute: { autoScalingGroup: `shop-web-${n}`, standbyCapacity: 1, activeCapacity: 4 },
    dns: { hostedZoneId: 'Z0123456789ABC', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
  };
}

/** A valid config of one application; `probeIntervalSeconds` and each region's probe fields as given. */
function config(options: { interval?: number; use1?: Obj; euw1?: Obj; witness?: Obj[] } = {}) {
  return validateConfig({
    ...(options.witness ? { witness: options.witness } : {}),
    applications: [
      {
        name: 'shop',
        ...(options.interval !== undefined ? { policy: { probeIntervalSeconds: options.interval } } : {}),
        regions: [region('us-east-1', 1, options.use1), region('eu-west-1', 2, options.euw1)],
      },
    ],
  });
}

describe('configWarnings: a probe timeout against the probe interval', () => {
  it('says nothing for the defaults (2 s of 5 s) or up to 80% of the interval', () => {
    expect(configWarnings(config())).toEqual([]);
    expect(configWarnings(config({ interval: 1, use1: { timeoutMs: 800 }, euw1: { timeoutMs: 300 } }))).toEqual([]);
  });

  it('warns, naming the probe, when its timeout is over 80% of the interval, up to and past the interval itself', () => {
    const warnings = configWarnings(config({ interval: 1, use1: { timeoutMs: 801 }, euw1: { timeoutMs: 1500 } }));
    expect(warnings.map((w) => w.path)).toEqual(['applications[0].regions[0].probes[0].timeoutMs', 'applications[0].regions[1].probes[0].timeoutMs']);
    expect(warnings[0]!.message).toMatch(/^801 ms is over 80% of applications\[0\]\.policy\.probeIntervalSeconds \(1 s\): a round waits for its slowest probe, .*set it to at most 800 ms/);
  });

  it('counts the default timeout (2 s) when the probe sets none, and says so', () => {
    const warnings = configWarnings(config({ interval: 2 }));
    expect(warnings.map((w) => w.path)).toEqual(['applications[0].regions[0].probes[0].timeoutMs', 'applications[0].regions[1].probes[0].timeoutMs']);
    expect(warnings[0]!.message).toMatch(/^2000 ms is over 80% .*\(2 s\).*at most 1600 ms \(2000 ms when not set\)$/);
  });

  it('measures a sub-second interval in ms', () => {
    expect(configWarnings(config({ interval: 0.5, use1: { timeoutMs: 400 }, euw1: { timeoutMs: 450 } }))[0]).toMatchObject({
      path: 'applications[0].regions[1].probes[0].timeoutMs',
      message: expect.stringMatching(/\(500 ms\).*at most 400 ms/),
    });
  });

  it('holds the witness, probed in every round, to the shortest interval', () => {
    const warnings = configWarnings(config({ interval: 2, use1: { timeoutMs: 500 }, euw1: { timeoutMs: 500 }, witness: [{ url: 'https://example.org/', timeoutMs: 1600 }, { url: 'https://example.net/', timeoutMs: 1700 }] }));
    expect(warnings).toEqual([{ path: 'witness[1].timeoutMs', message: expect.stringMatching(/^1700 ms is over 80% of the shortest probe interval, applications\[0\]\.policy\.probeIntervalSeconds \(2 s\)/) }]);
  });

  it('holds every application to the shortest interval: one round probes all that are due, so a slow one delays the others', () => {
    const two = config({ interval: 2 });
    const slow = structuredClone(two.applications[0]!);
    slow.name = 'reports';
    slow.policy.probeIntervalSeconds = 30;
    for (const r of slow.regions) r.probes[0]!.timeoutMs = 10_000;
    for (const r of two.applications[0]!.regions) r.probes[0]!.timeoutMs = 1_000;
    const warnings = configWarnings({ ...two, applications: [two.applications[0]!, slow] });
    expect(warnings.map((w) => w.path)).toEqual(['applications[1].regions[0].probes[0].timeoutMs', 'applications[1].regions[1].probes[0].timeoutMs']);
    expect(warnings[0]!.message).toMatch(/^10000 ms is over 80% of the shortest probe interval, applications\[0\]\.policy\.probeIntervalSeconds \(2 s\), since a round probes every application that is due/);
  });

  it('a warning leaves the config valid: validateConfig returns it', () => {
    expect(config({ interval: 1, use1: { timeoutMs: 5000 } }).applications[0]!.regions[0]!.probes[0]!.timeoutMs).toBe(5000);
  });
});

describe('logConfigWarnings', () => {
  it('logs each warning at warn level with its path', () => {
    const lines: Obj[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Obj);
        done();
      },
    });
    logConfigWarnings(pino({ level: 'info' }, sink), config({ interval: 1, use1: { timeoutMs: 1000 }, euw1: { timeoutMs: 500 } }));
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, configPath: 'applications[0].regions[0].probes[0].timeoutMs', msg: expect.stringMatching(/^config warning: applications\[0\]\.regions\[0\]\.probes\[0\]\.timeoutMs: 1000 ms is over 80%/) }),
    ]);
  });
});
