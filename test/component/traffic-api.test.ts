import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, type TestRole } from '../support/auth.js';
import { type Harness, startHarness } from '../support/harness.js';
import { judgeRegions } from '../support/warm.js';

describe('the traffic API over the simulated world', () => {
  let h: Harness | undefined;
  let api: FastifyInstance | undefined;
  const inject = (options: InjectOptions, role: TestRole = 'admin') => api!.inject({ ...options, headers: { ...bearer(role), ...(options.headers as Record<string, string> | undefined) } });
  afterEach(async () => {
    await api?.close();
    await h?.close();
    h = undefined;
    api = undefined;
  });

  it('POST /traffic/provision plans, then applies; GET /traffic says where clients are sent, server by server', async () => {
    h = await startHarness({ traffic: { mode: 'health-checks' } });
    api = await h.api();
    const plan = await inject({ method: 'POST', url: '/traffic/provision', payload: {} });
    expect(plan.statusCode, plan.body).toBe(200);
    expect(plan.json()).toMatchObject({ applied: false, plans: [{ app: 'shop', mode: 'health-checks' }] });
    expect((await h.world.providers.healthChecks.listHealthChecks()).length).toBe(0);

    expect((await inject({ method: 'POST', url: '/traffic/provision', payload: { apply: true } }, 'viewer')).statusCode).toBe(403);
    const applied = await inject({ method: 'POST', url: '/traffic/provision', payload: { apply: true } });
    expect(applied.json()).toMatchObject({ applied: true });
    expect((await h.world.providers.healthChecks.listHealthChecks()).length).toBe(4);

    const traffic = await inject({ method: 'GET', url: '/traffic?app=shop' }, 'viewer');
    expect(traffic.json()).toMatchObject({
      app: 'shop',
      mode: 'health-checks',
      intent: { serving: 'us-east-1', evacuated: [] },
      answers: [{ server: h.world.nameServerAddresses()['Z0TEST'], region: 'us-east-1', values: ['shop-us-east-1.example.com.'] }],
      answered: 'us-east-1',
    });
  });

  it('a bad body is a 400 naming the field, an unknown app a 400, and neither changes anything', async () => {
    h = await startHarness({ traffic: { mode: 'health-checks' } });
    api = await h.api();
    const bad = await inject({ method: 'POST', url: '/traffic/provision', payload: { apply: 'yes' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/body\.apply/);
    const unknown = await inject({ method: 'POST', url: '/traffic/provision', payload: { app: 'blog', apply: true } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/unknown application "blog"/);
    expect((await h.world.providers.healthChecks.listHealthChecks()).length).toBe(0);
  });

  it("provisioning while Route 53's control plane is down is a 503 that says so; the sim routes take it down and back", async () => {
    h = await startHarness({ traffic: { mode: 'health-checks' } });
    api = await h.api();
    expect((await inject({ method: 'POST', url: '/sim/route53/outage', payload: { controlPlane: 'sideways' } })).statusCode).toBe(400);
    expect((await inject({ method: 'POST', url: '/sim/route53/outage' })).json()).toEqual({ route53ControlPlane: 'refuses' });
    expect((await inject({ method: 'GET', url: '/sim/regions' })).json()).toMatchObject({ route53ControlPlane: 'refuses' });
    const refused = await inject({ method: 'POST', url: '/traffic/provision', payload: { apply: true } });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().message).toMatch(/route53-control-plane is not answering/);
    expect((await inject({ method: 'POST', url: '/sim/route53/heal' })).json()).toEqual({ route53ControlPlane: 'up' });
    expect((await inject({ method: 'POST', url: '/traffic/provision', payload: { apply: true } })).statusCode).toBe(200);
  });

  it('break-glass: safety rules to override are taken only for a routing-control switch, and recorded on the run with the caller', async () => {
    const rule = 'arn:aws:route53-recovery-control::111122223333:controlpanel/abc123/safetyrule/atleastone';
    h = await startHarness({ traffic: { mode: 'health-checks' } });
    api = await h.api();
    const refused = await inject({ method: 'POST', url: '/failover', payload: { to: 'eu-west-1', reason: 'drill', safetyRulesToOverride: [rule] } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toMatch(/switches traffic by health-checks, not ARC routing controls/);
    expect(await h.store.listRuns({ limit: 5 })).toEqual([]);
    const bad = await inject({ method: 'POST', url: '/failover', payload: { to: 'eu-west-1', reason: 'drill', safetyRulesToOverride: ['rule-1'] } });
    expect(bad.json().message).toMatch(/body\.safetyRulesToOverride\[0\]: must be an ARC safety rule ARN/);
    await api.close();
    await h.close();

    const cluster = [{ region: 'us-west-2', url: 'https://abcd.route53-recovery-cluster.us-west-2.amazonaws.com/v1' }];
    const controls = { 'us-east-1': 'arn:aws:route53-recovery-control::111122223333:controlpanel/abc123/routingcontrol/use1', 'eu-west-1': 'arn:aws:route53-recovery-control::111122223333:controlpanel/abc123/routingcontrol/euw1' };
    h = await startHarness({ traffic: { mode: 'routing-control', routingControl: { clusterEndpoints: cluster, controls } } });
    api = await h.api();
    // Not provisioned: nothing to verify a switch against, so no run may start (before any promotion).
    const unprovisioned = await inject({ method: 'POST', url: '/failover', payload: { to: 'eu-west-1', reason: 'break glass', safetyRulesToOverride: [rule] } });
    expect(unprovisioned.statusCode).toBe(409);
    expect(unprovisioned.json().message).toMatch(/routing-control traffic switch of shop is not provisioned/);
    expect(await h.store.listRuns({ limit: 5 })).toEqual([]);
    expect((await inject({ method: 'POST', url: '/traffic/provision', payload: { apply: true } })).statusCode).toBe(200);
    await judgeRegions(h);
    const started = await inject({ method: 'POST', url: '/failover', payload: { to: 'eu-west-1', reason: 'break glass', safetyRulesToOverride: [rule] } });
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json().run.breakGlass).toEqual({ safetyRulesToOverride: [rule], by: 'test-admin' });
  });
});
