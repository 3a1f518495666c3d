import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { DrillRecord } from '../../src/drills/drill.js';
import { provision } from '../../src/traffic/provision.js';
import { bearer } from '../support/auth.js';
import { type Harness, startHarness } from '../support/harness.js';

/** A game day of the outage users fear most: the primary and Route 53's control plane together, in a health-checks switch. */
describe("a game day with Route 53's control plane down too (simulated time)", () => {
  let h: Harness | undefined;
  let api: FastifyInstance | undefined;
  const inject = (options: InjectOptions) => api!.inject({ ...options, headers: { ...bearer('operator'), ...(options.headers as Record<string, string> | undefined) } });
  afterEach(async () => {
    await api?.close();
    await h?.close();
  });

  it('takes both down, fails over and back through the data plane, and heals both', async () => {
    h = await startHarness({ traffic: { mode: 'health-checks' }, policy: { failbackHoldDownSeconds: 1800 } });
    await provision(h.config.applications[0]!, { dns: h.world.providers.dns, traffic: h.world.providers.traffic, store: h.store, now: () => h!.clock.now() }, true);
    api = await h.api();
    h.controller.start();
    await h.clock.advance(30_000);

    const plan = await inject({ method: 'POST', url: '/drills', payload: { mode: 'plan', route53: 'hangs' } });
    expect(plan.statusCode).toBe(400);
    expect(plan.json().message).toMatch(/body\.route53: only for mode game-day/);

    const res = await inject({ method: 'POST', url: '/drills', payload: { mode: 'game-day', route53: 'hangs' } });
    expect(res.statusCode, res.body).toBe(202);
    const { drill } = res.json() as { drill: DrillRecord };
    expect(drill.route53Outage).toBe('hangs');
    expect(h.world.route53State()).toBe('hangs');
    expect(await h.clock.advanceUntil(async () => (await h!.store.getDrill(drill.id))!.status !== 'running', { stepMs: 250, maxMs: 20 * 60_000 })).toBe(true);
    const ended = (await h.store.getDrill(drill.id))!;
    expect(ended.status, JSON.stringify(ended.events.slice(-3))).toBe('succeeded');
    expect(ended.events.map((e) => e.text)).toContainEqual(expect.stringMatching(/Route 53's control plane hangs too, until us-east-1 heals/));
    expect(h.world.route53State()).toBe('up');
    // Neither the failover nor anything else called Route 53's control plane while it hung.
    const during = h.world.providers.cloud.calls.filter((c) => c.service === 'route53' && c.at >= drill.createdAt && c.at < ended.milestones.healedAt!);
    expect(during).toEqual([]);
  }, 60_000);
});
