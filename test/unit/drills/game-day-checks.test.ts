import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/load-config.js';
import { ConflictError, RunInProgressError, UserInputError } from '../../../src/errors/errors.js';
import { gameDayRoute, type GameDaySituation } from '../../../src/drills/game-day-checks.js';
import { initialHealth, type RegionHealth } from '../../../src/health/region-health.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const app = validateConfig({
  provider: 'sim',
  applications: [
    {
      name: 'shop',
      regions: REGIONS.map((name, i) => ({
        name,
        probes: [{ url: `http://127.0.0.1:${9000 + i}/health` }],
        database: { engine: 'rds', instanceId: `db-${name}` },
        compute: { autoScalingGroup: `web-${name}`, standbyCapacity: 1, activeCapacity: 4 },
        dns: { hostedZoneId: 'Z1', recordName: 'shop.example.com', type: 'CNAME', value: `${name}.example.com` },
      })),
    },
  ],
}).applications[0]!;

function health(state: RegionHealth['state']): RegionHealth {
  return { ...initialHealth('x', 0), state };
}

function situation(patch: Partial<GameDaySituation> = {}): GameDaySituation {
  return { app, activeRegion: 'us-east-1', health: { 'us-east-1': health('healthy'), 'eu-west-1': health('healthy'), 'ap-southeast-2': health('healthy') }, canInject: true, ...patch };
}

describe('gameDayRoute', () => {
  it('goes from the primary to the first standby, or to the standby named where nothing is injected', () => {
    expect(gameDayRoute(situation())).toEqual({ from: 'us-east-1', to: 'eu-west-1' });
    expect(gameDayRoute(situation({ to: 'eu-west-1' }))).toEqual({ from: 'us-east-1', to: 'eu-west-1' });
    expect(gameDayRoute(situation({ canInject: false, to: 'ap-southeast-2' }))).toEqual({ from: 'us-east-1', to: 'ap-southeast-2' });
  });

  it.each([
    [{ to: 'mars-north-1' }, UserInputError, 'to: unknown region "mars-north-1" for shop; its regions are us-east-1, eu-west-1, ap-southeast-2'],
    [{ to: 'us-east-1' }, UserInputError, 'to: us-east-1 is the primary of shop; a game day fails over from the primary to a standby (eu-west-1, ap-southeast-2)'],
    [{ to: 'ap-southeast-2' }, UserInputError, 'to: with an injected outage the controller fails over to the first healthy standby, eu-west-1; leave "to" out or name eu-west-1'],
    [{ runInProgress: 'run-7' }, RunInProgressError, 'application shop already has run run-7 in progress'],
    [{ activeRegion: 'eu-west-1' }, ConflictError, 'shop runs in eu-west-1, not in its primary us-east-1: a game day starts from the normal layout; fail back first (POST /failback)'],
  ] as const)('refuses %j', (patch, type, message) => {
    expect(() => gameDayRoute(situation(patch))).toThrow(type);
    expect(() => gameDayRoute(situation(patch))).toThrow(message);
  });

  it('refuses while either end is not healthy: a drill must not pile onto a real problem', () => {
    const base = situation().health;
    expect(() => gameDayRoute(situation({ health: { ...base, 'us-east-1': health('suspect') } }))).toThrow('us-east-1 (primary) is suspect, not healthy: no game day now, a drill must not pile onto a real problem');
    expect(() => gameDayRoute(situation({ health: { ...base, 'eu-west-1': health('recovering') } }))).toThrow('eu-west-1 (standby) is recovering, not healthy: no game day now, it could not take the traffic');
    // The other standby does not matter.
    expect(gameDayRoute(situation({ health: { ...base, 'ap-southeast-2': health('unhealthy') } })).to).toBe('eu-west-1');
  });
});
