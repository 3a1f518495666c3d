import { afterEach, describe, expect, it } from 'vitest';
import { UdpAuthoritativeDns } from '../../src/dns/authoritative-client.js';
import { staticStabilityFindings } from '../../src/traffic/static-stability.js';
import { provision } from '../../src/traffic/provision.js';
import { type Harness, startHarness } from '../support/harness.js';
import { runsOldestFirst } from '../support/world-state.js';

const CONTROLS = {
  'us-east-1': 'arn:aws:route53-recovery-control::111122223333:controlpanel/abc123/routingcontrol/use1',
  'eu-west-1': 'arn:aws:route53-recovery-control::111122223333:controlpanel/abc123/routingcontrol/euw1',
};
/** ARC's five cluster endpoints, us-east-1's among them: a call that tries it first pays its hang (4 s) before moving on. */
const CLUSTER = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2'].map((region) => ({
  region,
  url: `https://abcd.route53-recovery-cluster.${region}.amazonaws.com/v1`,
}));

const TRAFFIC = {
  'health-checks': { mode: 'health-checks' },
  'routing-control': { mode: 'routing-control', routingControl: { clusterEndpoints: CLUSTER, controls: CONTROLS } },
  records: { mode: 'records' },
} as const;

/** The region a majority of the zone's authoritative servers answer with, asked over real DNS as a client would. */
async function answered(h: Harness): Promise<string | undefined> {
  const server = h.world.nameServerAddresses()['Z0TEST']!;
  const answer = await new UdpAuthoritativeDns().query(server, 'shop.example.com', 'CNAME', 1_000);
  return h.config.applications[0]!.regions.find((r) => answer.values.includes(`${r.dns.value}.`))?.name;
}

/**
 * The outage users fear most: us-east-1 goes down, its control plane
 * hanging, and with it Route 53's control plane (which AWS runs there
 * alone), hanging too. The data-plane switches must fail over all the
 * same, and clients asking the zone's authoritative server must get
 * eu-west-1; records mode must fail within its deadline, saying why and
 * what would have worked, as `validate`'s static-stability check warned.
 */
describe('us-east-1 down with Route 53 control plane hanging (simulated time, real DNS)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function outage(mode: keyof typeof TRAFFIC): Promise<number> {
    h = await startHarness({ traffic: TRAFFIC[mode] });
    const app = h.config.applications[0]!;
    if (mode !== 'records') {
      const done = await provision(app, { dns: h.world.providers.dns, traffic: h.world.providers.traffic, store: h.store, now: () => h!.clock.now() }, true);
      expect(done.actions.filter((a) => a.waiting)).toEqual([]);
      expect(await h.store.getTrafficSetup('shop')).toMatchObject({ nameServers: [h.world.nameServerAddresses()['Z0TEST']] });
    }
    expect(await answered(h)).toBe('us-east-1');
    h.controller.start();
    await h.clock.advance(30_000);
    expect(await answered(h)).toBe('us-east-1');
    const at = h.clock.now();
    await h.world.outage('us-east-1', 'down', { controlPlane: 'hangs' });
    h.world.route53('hangs');
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h!)).some((r) => r.status !== 'running'), { stepMs: 500, maxMs: 900_000 })).toBe(true);
    return at;
  }

  for (const mode of ['health-checks', 'routing-control'] as const) {
    it(`${mode}: the failover completes and the authoritative server answers eu-west-1`, async () => {
      const at = await outage(mode);
      const [run] = await runsOldestFirst(h!);
      expect(run!.status, run!.error).toBe('succeeded');
      expect(await answered(h!)).toBe('eu-west-1');
      // Nothing went to Route 53's control plane once it hung.
      const route53 = h!.world.providers.cloud.calls.filter((c) => c.service === 'route53' && c.at >= at);
      expect(route53).toEqual([]);
      const dnsStep = run!.steps.find((s) => s.id === 'switch-dns-to-standby')!;
      expect(dnsStep.message).toMatch(/answers: .* → eu-west-1/);
      console.info(`${mode}: outage to run end ${(run!.finishedAt! - at) / 1000} s`);
    }, 120_000);
  }

  it('records: the run fails within its deadline, saying why and which modes would have worked; validate warned', async () => {
    const at = await outage('records');
    const [run] = await runsOldestFirst(h!);
    expect(run!.status).toBe('failed');
    expect(run!.error).toMatch(/records mode needs Route 53's control plane/);
    expect(run!.error).toMatch(/health-checks or routing-control/);
    // The step's bounded retries, each cut off at the client's deadline: minutes, not the step's 10-minute wait.
    expect(run!.finishedAt! - at).toBeLessThan(10 * 60_000);
    const findings = staticStabilityFindings(h!.config);
    expect(findings.map((f) => `${f.from}->${f.to} ${f.call}`)).toEqual(['us-east-1->eu-west-1 route53:ChangeResourceRecordSets, route53:GetChange']);
    expect(findings[0]!.fix).toMatch(/health-checks .* routing-control/);
  }, 120_000);
});
