import { beforeEach, describe, expect, it } from 'vitest';
import { shuffled } from '../../../src/adapters/aws/arc-routing-controls.js';
import { SIM_ARC_DEADLINE_MS } from '../../../src/adapters/sim/sim-cloud.js';
import { createSimProviders, type SimProviders } from '../../../src/adapters/sim/sim-providers.js';
import { PermanentError } from '../../../src/errors/errors.js';
import type { ClusterEndpoint } from '../../../src/ports/traffic-switch.js';
import { ManualClock } from '../../support/manual-clock.js';

/**
 * What SimRoutingControls models beyond the RoutingControlApi contract: the
 * "at least one On" assertion rule of each control panel (the fake ARC
 * cluster has no safety rules, ARC's error for a blocked update being
 * undocumented), the endpoint order it shares with ArcRoutingControls, a
 * hanging endpoint, and the state history Route 53's health checkers read.
 */
const ENDPOINTS: ClusterEndpoint[] = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2'].map((region) => ({
  region,
  url: `https://abcd.route53-recovery-cluster.${region}.amazonaws.com/v1`,
}));
const PANEL = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d';
const OTHER_PANEL = 'arn:aws:route53-recovery-control::123456789012:controlpanel/9f8e7d6c';
const USE1 = `${PANEL}/routingcontrol/use1aaaa`;
const EUW1 = `${PANEL}/routingcontrol/euw1bbbb`;
const LONE = `${OTHER_PANEL}/routingcontrol/lone0000`;
const RULE = `${PANEL}/safetyrule/atleast1`;
const OTHER_RULE = `${OTHER_PANEL}/safetyrule/atleast1`;

/** Returns the given values in turn, then repeats them. */
const cycle = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

let clock: ManualClock;
let sim: SimProviders;

function world(random: () => number = () => 0): SimProviders {
  clock = new ManualClock();
  sim = createSimProviders({ clock, random, delays: { healthCheckMs: 3_000 } });
  sim.routingControls.seed(USE1, 'On');
  sim.routingControls.seed(EUW1, 'Off');
  sim.routingControls.seed(LONE, 'On');
  return sim;
}

const arcRegions = () => sim.cloud.calls.filter((c) => c.service === 'arc').map((c) => c.region);

describe('SimRoutingControls: the assertion rule of each control panel (at least one On)', () => {
  beforeEach(() => void world());

  it('refuses an update that leaves a panel with none On (PermanentError), and changes nothing', async () => {
    const api = sim.routingControls.cluster(ENDPOINTS);
    await expect(api.updateRoutingControlStates([{ routingControlArn: USE1, state: 'Off' }])).rejects.toBeInstanceOf(PermanentError);
    await expect(api.updateRoutingControlStates([{ routingControlArn: LONE, state: 'Off' }])).rejects.toThrow(/at least one On/);
    // A refusal is the request's, not the endpoint's: one endpoint asked each time.
    expect(arcRegions()).toHaveLength(2);
    expect(await api.getRoutingControlState(USE1)).toBe('On');
    expect(await api.getRoutingControlState(LONE)).toBe('On');
  });

  it('holds within one update: Off for one and On for the other together is allowed', async () => {
    const api = sim.routingControls.cluster(ENDPOINTS);
    await api.updateRoutingControlStates([
      { routingControlArn: USE1, state: 'Off' },
      { routingControlArn: EUW1, state: 'On' },
    ]);
    expect([await api.getRoutingControlState(USE1), await api.getRoutingControlState(EUW1)]).toEqual(['Off', 'On']);
  });

  it("break-glass: overriding the panel's rule allows it; another panel's rule does not", async () => {
    const api = sim.routingControls.cluster(ENDPOINTS);
    const overridingAnother = api.updateRoutingControlStates([{ routingControlArn: USE1, state: 'Off' }], [OTHER_RULE]);
    await expect(overridingAnother).rejects.toBeInstanceOf(PermanentError);
    expect(await api.getRoutingControlState(USE1)).toBe('On');
    await api.updateRoutingControlStates([{ routingControlArn: USE1, state: 'Off' }], [RULE]);
    expect(await api.getRoutingControlState(USE1)).toBe('Off');
    expect(await api.getRoutingControlState(EUW1)).toBe('Off');
  });

  it('an update of one panel is not held to another panel that is all Off', async () => {
    const api = sim.routingControls.cluster(ENDPOINTS);
    await api.updateRoutingControlStates([{ routingControlArn: LONE, state: 'Off' }], [OTHER_RULE]);
    await api.updateRoutingControlStates([
      { routingControlArn: USE1, state: 'Off' },
      { routingControlArn: EUW1, state: 'On' },
    ]);
    expect(await api.getRoutingControlState(EUW1)).toBe('On');
  });
});

describe('SimRoutingControls: the cluster endpoints', () => {
  it("tries them in the order ArcRoutingControls would, from the same random, a fresh order each call", async () => {
    const draws = [0.5, 0.25, 0, 0.9, 0.999, 0.999, 0, 0.999];
    world(cycle(...draws));
    for (const region of ENDPOINTS.map((e) => e.region)) sim.cloud.setRegionAvailable(region, false);
    const api = sim.routingControls.cluster(ENDPOINTS);
    await expect(api.getRoutingControlState(USE1)).rejects.toThrow(/no cluster endpoint answered/);
    await expect(api.getRoutingControlState(USE1)).rejects.toThrow(/no cluster endpoint answered/);
    const same = cycle(...draws);
    const expected = [...shuffled(ENDPOINTS, same), ...shuffled(ENDPOINTS, same)].map((e) => e.region);
    expect(arcRegions()).toEqual(expected);
    // The arithmetic is in the adapter's shuffle test: [E, D, A, B, C], then [C, B, A, D, E].
    expect(expected.slice(0, 5)).toEqual(['ap-southeast-2', 'ap-northeast-1', 'us-east-1', 'us-west-2', 'eu-west-1']);
    expect(expected.slice(5)).toEqual(['eu-west-1', 'us-west-2', 'us-east-1', 'ap-northeast-1', 'ap-southeast-2']);
  });

  it('a hanging endpoint costs the client deadline, then the next endpoint answers', async () => {
    // A random of 0.999 leaves the order as configured: us-east-1 first.
    world(() => 0.999);
    sim.cloud.setRegionAvailable('us-east-1', false);
    sim.cloud.setRegionHanging('us-east-1', true);
    const api = sim.routingControls.cluster(ENDPOINTS);
    const start = clock.now();
    let done = false;
    const update = api.updateRoutingControlStates([
      { routingControlArn: USE1, state: 'Off' },
      { routingControlArn: EUW1, state: 'On' },
    ]).then(() => {
      done = true;
    });
    await clock.advance(SIM_ARC_DEADLINE_MS - 1);
    expect(done).toBe(false);
    await clock.advance(1);
    await update;
    expect(arcRegions()).toEqual(['us-east-1', 'us-west-2']);
    expect(sim.cloud.calls.filter((c) => c.service === 'arc').map((c) => [c.outcome, c.at - start])).toEqual([
      ['error', SIM_ARC_DEADLINE_MS],
      ['ok', SIM_ARC_DEADLINE_MS],
    ]);
    // Read behind the API: another call would try us-east-1 first again and wait on the clock.
    expect(sim.routingControls.stateAt(EUW1, clock.now())).toBe('On');
  });
});

describe('SimRoutingControls.stateAt (what RECOVERY_CONTROL health checks read)', () => {
  it('gives the state at a past time; an unknown control is undefined', async () => {
    world();
    const t0 = clock.now();
    await clock.advance(10_000);
    await sim.routingControls.cluster(ENDPOINTS).updateRoutingControlStates([
      { routingControlArn: USE1, state: 'Off' },
      { routingControlArn: EUW1, state: 'On' },
    ]);
    const switched = clock.now();
    expect(sim.routingControls.stateAt(USE1, t0)).toBe('On');
    expect(sim.routingControls.stateAt(USE1, switched - 1)).toBe('On');
    expect(sim.routingControls.stateAt(USE1, switched)).toBe('Off');
    expect(sim.routingControls.stateAt(EUW1, switched)).toBe('On');
    expect(sim.routingControls.stateAt(`${PANEL}/routingcontrol/nosuch`, switched)).toBeUndefined();
  });
});
