import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/errors/errors.js';
import type { ClusterEndpoint, RoutingControlApi, RoutingControlState } from '../../src/ports/traffic-switch.js';

/** What one implementation under test provides, over the endpoints and the random the suite gives it. */
export interface RoutingControlContractFixture {
  api: RoutingControlApi;
  /** Create a routing control in a state, behind the API's back (ARC's control plane). */
  seed(arn: string, state: RoutingControlState): Promise<void>;
  /**
   * Make the endpoint in `region` fail every call until `bringUp`: it answers
   * EndpointTemporarilyUnavailableException (`unavailable`) or refuses the
   * connection (`refused`). The sim takes the region down either way.
   */
  takeDown(region: string, how: 'unavailable' | 'refused'): void;
  bringUp(region: string): void;
  /** The next call's endpoint answers ThrottlingException (the sim: an injected transient fault). */
  throttleNext(): void;
  /** The regions of the endpoints the calls reached so far, in order, failed attempts included. */
  asked(): string[];
  close(): Promise<void>;
}

/** How the suite builds a fixture: on these cluster endpoints, shuffled with this random. */
export type RoutingControlContractSetup = (options: {
  endpoints: ClusterEndpoint[];
  random: () => number;
}) => Promise<RoutingControlContractFixture>;

/** A cluster's five regional endpoints, as the config lists them. */
export const CONTRACT_ENDPOINTS: ClusterEndpoint[] = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2'].map(
  (region, i) => ({ region, url: `https://${'abcde'[i]!.repeat(8)}.route53-recovery-cluster.${region}.amazonaws.com/v1` }),
);

const PANEL = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d';
const OTHER_PANEL = 'arn:aws:route53-recovery-control::123456789012:controlpanel/9f8e7d6c';
const USE1 = `${PANEL}/routingcontrol/use1aaaa`;
const EUW1 = `${PANEL}/routingcontrol/euw1bbbb`;
const APSE2 = `${OTHER_PANEL}/routingcontrol/apse2ccc`;
const USW2 = `${OTHER_PANEL}/routingcontrol/usw2dddd`;
const UNKNOWN = `${PANEL}/routingcontrol/nosuchcontrol`;

/** Always 0: every call tries the endpoints in one and the same shuffled order. */
const ZERO = () => 0;

/** A small seeded generator (mulberry32): deterministic, and different draws on every call. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The semantics every RoutingControlApi shares, so the simulation cannot
 * drift from ARC's cluster data plane: get answers the state; one update
 * sets every entry, in one request; an unknown control is a PermanentError
 * and changes nothing; each call tries the endpoints in a shuffled order,
 * so calls spread over them, moving on from one that is unavailable or
 * refuses the connection, and only when every endpoint failed is it a
 * TransientError; throttling is the request's, a TransientError at once.
 * Safety rules are not here: the error ARC answers when one blocks an
 * update is not documented, so the fake cannot model it (the sim's rule
 * has its own test).
 */
export function describeRoutingControlContract(name: string, setup: RoutingControlContractSetup): void {
  describe(`RoutingControlApi contract: ${name}`, () => {
    let f: RoutingControlContractFixture | undefined;

    /** A fixture on the five endpoints with USE1 On, EUW1 Off (one panel) and APSE2 On, USW2 Off (another). */
    async function cluster(random: () => number = ZERO, endpoints = CONTRACT_ENDPOINTS): Promise<RoutingControlContractFixture> {
      f = await setup({ endpoints, random });
      await f.seed(USE1, 'On');
      await f.seed(EUW1, 'Off');
      await f.seed(APSE2, 'On');
      await f.seed(USW2, 'Off');
      return f;
    }

    afterEach(async () => {
      await f?.close();
      f = undefined;
    });

    it('get answers the seeded states, asking one endpoint when it answers', async () => {
      const c = await cluster();
      expect(await c.api.getRoutingControlState(USE1)).toBe('On');
      expect(await c.api.getRoutingControlState(EUW1)).toBe('Off');
      expect(await c.api.getRoutingControlState(APSE2)).toBe('On');
      expect(c.asked()).toHaveLength(3);
    });

    it('one update sets every entry, across control panels, in one request', async () => {
      const c = await cluster();
      await c.api.updateRoutingControlStates([
        { routingControlArn: USE1, state: 'Off' },
        { routingControlArn: EUW1, state: 'On' },
        { routingControlArn: USW2, state: 'On' },
      ]);
      expect(c.asked()).toHaveLength(1);
      expect(await c.api.getRoutingControlState(USE1)).toBe('Off');
      expect(await c.api.getRoutingControlState(EUW1)).toBe('On');
      expect(await c.api.getRoutingControlState(USW2)).toBe('On');
      // Not named, not changed.
      expect(await c.api.getRoutingControlState(APSE2)).toBe('On');
    });

    it('setting the state a control already has succeeds and changes nothing', async () => {
      const c = await cluster();
      await c.api.updateRoutingControlStates([{ routingControlArn: USE1, state: 'On' }]);
      await c.api.updateRoutingControlStates([{ routingControlArn: USE1, state: 'On' }]);
      expect(await c.api.getRoutingControlState(USE1)).toBe('On');
    });

    it('an unknown control is a PermanentError: get, and an update that then changes none of its entries', async () => {
      const c = await cluster();
      await expect(c.api.getRoutingControlState(UNKNOWN)).rejects.toBeInstanceOf(PermanentError);
      const update = c.api.updateRoutingControlStates([
        { routingControlArn: EUW1, state: 'On' },
        { routingControlArn: UNKNOWN, state: 'On' },
      ]);
      await expect(update).rejects.toBeInstanceOf(PermanentError);
      expect(await c.api.getRoutingControlState(EUW1)).toBe('Off');
    });

    it('an update without entries, and a cluster without endpoints, are PermanentErrors that ask no endpoint', async () => {
      const c = await cluster();
      await expect(c.api.updateRoutingControlStates([])).rejects.toBeInstanceOf(PermanentError);
      expect(c.asked()).toEqual([]);
      await c.close();
      const none = await cluster(ZERO, []);
      await expect(none.api.getRoutingControlState(USE1)).rejects.toBeInstanceOf(PermanentError);
      await expect(none.api.updateRoutingControlStates([{ routingControlArn: USE1, state: 'On' }])).rejects.toBeInstanceOf(PermanentError);
      expect(none.asked()).toEqual([]);
    });

    it('calls spread over the endpoints: each call shuffles them again', async () => {
      const c = await cluster(seeded(20261124));
      for (let i = 0; i < 12; i++) await c.api.getRoutingControlState(USE1);
      const asked = c.asked();
      expect(asked).toHaveLength(12);
      // In config order every call would go to us-east-1.
      expect(new Set(asked).size).toBeGreaterThan(2);
    });

    it.each(['unavailable', 'refused'] as const)('the first endpoint tried %s: the call succeeds through another', async (how) => {
      const c = await cluster();
      await c.api.getRoutingControlState(USE1);
      // With a random of 0 every call tries the endpoints in the same order: this one comes first.
      const [first] = c.asked();
      c.takeDown(first!, how);
      await c.api.updateRoutingControlStates([
        { routingControlArn: USE1, state: 'Off' },
        { routingControlArn: EUW1, state: 'On' },
      ]);
      const update = c.asked().slice(1);
      expect(update).toHaveLength(2);
      expect(update[0]).toBe(first);
      expect(update[1]).not.toBe(first);
      expect(await c.api.getRoutingControlState(EUW1)).toBe('On');
      expect(await c.api.getRoutingControlState(USE1)).toBe('Off');
    });

    it('every endpoint but one down: the call reaches the one that answers, whichever it is', async () => {
      for (const survivor of CONTRACT_ENDPOINTS) {
        const c = await cluster(seeded(survivor.region.length));
        for (const [i, endpoint] of CONTRACT_ENDPOINTS.entries()) {
          if (endpoint !== survivor) c.takeDown(endpoint.region, i % 2 === 0 ? 'unavailable' : 'refused');
        }
        await c.api.updateRoutingControlStates([{ routingControlArn: USW2, state: 'On' }]);
        expect(c.asked().at(-1)).toBe(survivor.region);
        expect(new Set(c.asked()).size).toBe(c.asked().length);
        expect(await c.api.getRoutingControlState(USW2)).toBe('On');
        await c.close();
        f = undefined;
      }
    });

    it('every endpoint down: a TransientError after asking each once, and nothing changed', async () => {
      const c = await cluster();
      for (const [i, endpoint] of CONTRACT_ENDPOINTS.entries()) c.takeDown(endpoint.region, i % 2 === 0 ? 'refused' : 'unavailable');
      await expect(c.api.updateRoutingControlStates([{ routingControlArn: EUW1, state: 'On' }])).rejects.toBeInstanceOf(TransientError);
      expect([...c.asked()].sort()).toEqual(CONTRACT_ENDPOINTS.map((e) => e.region).sort());
      await expect(c.api.getRoutingControlState(EUW1)).rejects.toBeInstanceOf(TransientError);
      c.bringUp('eu-west-1');
      expect(await c.api.getRoutingControlState(EUW1)).toBe('Off');
    });

    it('throttling is a TransientError from the endpoint that said so; no other endpoint is asked', async () => {
      const c = await cluster();
      c.throttleNext();
      await expect(c.api.updateRoutingControlStates([{ routingControlArn: EUW1, state: 'On' }])).rejects.toBeInstanceOf(TransientError);
      expect(c.asked()).toHaveLength(1);
      expect(await c.api.getRoutingControlState(EUW1)).toBe('Off');
    });
  });
}
