import type { AppConfig } from '../config/types.js';
import { activeRegionOf } from '../dns/desired-records.js';
import { ownerRecordName, ownsRecord } from '../dns/record-switch.js';
import type { DnsProvider } from '../ports/dns-provider.js';
import type { StateStore } from '../ports/state-store.js';
import type { TrafficProviders } from '../ports/traffic-switch.js';
import { answeredRegion } from '../traffic/answered-region.js';
import { provision } from '../traffic/provision.js';
import type { ReadinessCheck } from './world-report.js';

/** What the traffic check reads. */
export interface TrafficReadinessDeps {
  dns: DnsProvider;
  traffic: TrafficProviders;
  store: Pick<StateStore, 'getTrafficIntent' | 'putTrafficIntent' | 'getTrafficSetup' | 'putTrafficSetup'>;
  now: () => number;
  /**
   * Also compare the alarms and health checks with what provisioning would
   * make (a dry provision). Their read calls are the operator's (the
   * functions' roles do not have them), so the deployed stacks check the
   * setup through the name servers' answers only.
   */
  provisioningReads: boolean;
}

/**
 * Are the app's DNS records (and, in the data-plane modes, the switch
 * around them) as provisioned: the name is owned by this app, a record
 * points at a configured region, and the authoritative servers answer.
 * Never throws: a read that fails is a warning (Route 53's control plane
 * may be the thing that is down, which a data-plane switch survives).
 */
export async function trafficChecks(app: AppConfig, deps: TrafficReadinessDeps): Promise<ReadinessCheck[]> {
  const region = app.regions[0]!.name;
  const id = 'traffic-setup';
  const { hostedZoneId, recordName } = app.regions[0]!.dns;
  try {
    if (app.traffic.mode === 'records') {
      const [owners, records] = await Promise.all([deps.dns.listRecords(hostedZoneId, ownerRecordName(recordName)), deps.dns.listRecords(hostedZoneId, recordName)]);
      if (!ownsRecord(owners, app.name)) {
        return [{ id, region, status: 'failing', sentence: `${recordName} is not owned by ${app.name} (no ownership record at ${ownerRecordName(recordName)}): a switch would refuse to touch it`, fix: `create the TXT record ${ownerRecordName(recordName)} with the value "heritage=failover-controller,owner=${app.name}"` }];
      }
      const active = activeRegionOf(app.regions, records);
      if (!active) return [{ id, region, status: 'failing', sentence: `no record of ${recordName} points at a configured region`, fix: 'correct the record, or regions[].dns in the config' }];
      return [{ id, region, status: 'ok', sentence: `${recordName} is owned by ${app.name} and points at ${active}` }];
    }
    const setup = await deps.store.getTrafficSetup(app.name);
    if (!setup && !app.traffic.nameServers) {
      return [{ id, region, status: 'failing', sentence: `the ${app.traffic.mode} switch of ${app.name} is not provisioned`, fix: 'failover provision --apply' }];
    }
    if (deps.provisioningReads) {
      const plan = await provision(app, deps, false);
      const changes = plan.actions.filter((a) => a.change);
      if (changes.length > 0) {
        const what = changes.map((c) => `${c.resource}: ${c.current} → ${c.desired}`).join('; ');
        return [{ id, region, status: 'failing', sentence: `the ${app.traffic.mode} switch differs from its provisioning in ${changes.length} place(s): ${what}`, fix: 'failover provision (to see it), then failover provision --apply' }];
      }
    }
    const answered = await answeredRegion(app, deps.store, deps.traffic);
    if (!answered) return [{ id, region, status: 'warning', sentence: `the authoritative name servers of ${recordName} give no majority answer`, fix: 'dig the record at each name server of the zone' }];
    return [{ id, region, status: 'ok', sentence: `the ${app.traffic.mode} switch is as provisioned; the name servers answer ${answered}` }];
  } catch (err) {
    return [{ id, region, status: 'warning', sentence: `the DNS setup of ${recordName} could not be read: ${err instanceof Error ? err.message : String(err)}`, fix: 'check Route 53 (its control plane runs in us-east-1) and the controller\'s permissions' }];
  }
}
