import { describe, expect, it } from 'vitest';
import { appAttention } from '../../../src/controller/app-attention.js';
import { initialHealth, observe } from '../../../src/health/region-health.js';

const judged = (region: string, ok: boolean) =>
  [0, 1, 2, 3].reduce((h, i) => observe(h, { region, at: i, results: [{ url: 'u', ok, latencyMs: 1, at: i }] }, { fall: 3, rise: 3 }), initialHealth(region, 0));

describe('what on-call sees first', () => {
  it('puts an application that is down first, with the commands that fail it over, then drift, readiness, and a drill', () => {
    const items = appAttention({
      app: 'shop',
      primaryRegion: 'us-east-1',
      activeRegion: 'us-east-1',
      health: { 'us-east-1': judged('us-east-1', false), 'eu-west-1': judged('eu-west-1', true) },
      decision: { action: 'hold', app: 'shop', at: 1, reason: 'automatic failover is off', attention: true },
      readiness: {
        app: 'shop',
        activeRegion: 'us-east-1',
        readinessAt: 1,
        checks: [{ id: 'database-lag', region: 'eu-west-1', status: 'failing', sentence: 'lags', fix: 'look' }],
        drift: [{ id: 'standby-capacity', region: 'eu-west-1', status: 'warning', sentence: 'left at 2', commands: ['aws autoscaling …'] }],
      },
      drills: [{ kind: 'drill', severity: 'info', title: 'game day', details: [], commands: [] }],
    });
    expect(items.map((i) => `${i.kind}:${i.severity}`)).toEqual(['down:critical', 'drift:warning', 'readiness:warning', 'drill:info']);
    expect(items[0]!.commands).toEqual(['failover plan --app shop --to eu-west-1', 'failover failover --app shop --to eu-west-1 --reason "us-east-1 is down"']);
    expect(items[0]!.details).toEqual(['automatic failover is off']);
  });

  it('sends on-call back to the primary with a failback, never a failover into its stale database', () => {
    const health = { 'us-east-1': judged('us-east-1', true), 'eu-west-1': judged('eu-west-1', false) };
    const [down] = appAttention({ app: 'shop', primaryRegion: 'us-east-1', activeRegion: 'eu-west-1', health, drills: [] });
    expect(down?.commands).toEqual(['failover plan --app shop --kind failback', 'failover failback --app shop --reason "eu-west-1 is down"']);
  });

  it('says nothing when all is well', () => {
    const health = { 'us-east-1': judged('us-east-1', true), 'eu-west-1': judged('eu-west-1', true) };
    expect(appAttention({ app: 'shop', primaryRegion: 'us-east-1', activeRegion: 'us-east-1', health, drills: [] })).toEqual([]);
  });
});
