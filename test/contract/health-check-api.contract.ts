import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, PermanentError } from '../../src/errors/errors.js';
import type { HealthCheckApi, HealthCheckSpec } from '../../src/ports/traffic-switch.js';

/** What one implementation under test provides. */
export interface HealthCheckApiContractFixture {
  api: HealthCheckApi;
  /** Create a hosted zone with these delegation-set name servers, behind the API's back. */
  seedZone(hostedZoneId: string, nameServers: string[]): Promise<void>;
  close(): Promise<void>;
}

type SpecOf<T extends HealthCheckSpec['type']> = Extract<HealthCheckSpec, { type: T }>;

const CALCULATED: SpecOf<'CALCULATED'> = {
  type: 'CALCULATED',
  childHealthChecks: ['aaaaaaaa-1111-4111-8111-000000000001', 'aaaaaaaa-1111-4111-8111-000000000002'],
  healthThreshold: 1,
  inverted: false,
};
const METRIC: SpecOf<'CLOUDWATCH_METRIC'> = {
  type: 'CLOUDWATCH_METRIC',
  alarmRegion: 'eu-west-1',
  alarmName: 'failover-shop-us-east-1-evacuate',
  insufficientDataHealthStatus: 'LastKnownStatus',
  inverted: true,
};
const RECOVERY: SpecOf<'RECOVERY_CONTROL'> = {
  type: 'RECOVERY_CONTROL',
  routingControlArn: 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d/routingcontrol/use1aaaa',
};

/** More checks than a small page holds, so a fixture with a page size below this makes listing page. */
const MANY = 25;

/**
 * The semantics every HealthCheckApi shares, so the simulation cannot drift
 * from Route 53: a created check comes back with an id and its spec, through
 * `createHealthCheck` and through listing; the caller reference makes
 * creation idempotent (same reference and spec: the same check) and refuses
 * the same reference with another spec (ConflictError); listing returns
 * every check however many pages it takes; a zone's name servers are the
 * ones it was delegated to, and an unknown zone is a PermanentError.
 */
export function describeHealthCheckApiContract(name: string, setup: () => Promise<HealthCheckApiContractFixture>): void {
  describe(`HealthCheckApi contract: ${name}`, () => {
    let f: HealthCheckApiContractFixture;

    beforeEach(async () => {
      f = await setup();
    });

    afterEach(async () => {
      await f.close();
    });

    const specs: HealthCheckSpec[] = [CALCULATED, METRIC, RECOVERY];
    it.each(specs)('creates a $type check with an id, and its spec round-trips through the list', async (spec) => {
      const created = await f.api.createHealthCheck(`contract-${spec.type}`, spec);
      expect(created.id).toMatch(/\S/);
      expect(created).toEqual({ id: created.id, callerReference: `contract-${spec.type}`, spec });
      expect(await f.api.listHealthChecks()).toContainEqual(created);
    });

    it('the same caller reference and spec twice is the same check, listed once', async () => {
      const first = await f.api.createHealthCheck('contract-idempotent', METRIC);
      const again = await f.api.createHealthCheck('contract-idempotent', METRIC);
      expect(again).toEqual(first);
      expect((await f.api.listHealthChecks()).filter((c) => c.callerReference === 'contract-idempotent')).toEqual([first]);
    });

    it('the same caller reference with another spec is a ConflictError, and the first check stays as it was', async () => {
      const first = await f.api.createHealthCheck('contract-conflict', CALCULATED);
      const err = await f.api.createHealthCheck('contract-conflict', { ...CALCULATED, healthThreshold: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect((await f.api.listHealthChecks()).filter((c) => c.callerReference === 'contract-conflict')).toEqual([first]);
    });

    it(`lists every one of ${MANY} checks, each once, whatever the page size`, async () => {
      const created = [];
      for (let i = 0; i < MANY; i++) {
        const spec: HealthCheckSpec = { ...RECOVERY, routingControlArn: `${RECOVERY.routingControlArn}-${i}` };
        created.push(await f.api.createHealthCheck(`contract-many-${i}`, spec));
      }
      const listed = (await f.api.listHealthChecks()).filter((c) => c.callerReference.startsWith('contract-many-'));
      expect(listed).toHaveLength(MANY);
      expect(new Set(listed.map((c) => c.id)).size).toBe(MANY);
      expect([...listed].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...created].sort((a, b) => a.id.localeCompare(b.id)));
    });

    it("a zone's name servers are its delegation set's", async () => {
      const servers = ['ns-101.awsdns-12.com', 'ns-1502.awsdns-59.org', 'ns-1809.awsdns-34.co.uk', 'ns-720.awsdns-25.net'];
      await f.seedZone('Z0CONTRACTHC0000000001', servers);
      expect(await f.api.nameServers('Z0CONTRACTHC0000000001')).toEqual(servers);
    });

    it('an unknown zone is a PermanentError', async () => {
      await expect(f.api.nameServers('Z0CONTRACTNOSUCHZONE01')).rejects.toBeInstanceOf(PermanentError);
    });
  });
}
