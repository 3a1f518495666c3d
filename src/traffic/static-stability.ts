import type { AppConfig, Config } from '../config/types.js';
import { votersOf, votesToEvacuate } from './switch-layout.js';

/** Where AWS runs Route 53's control plane (ChangeResourceRecordSets, GetChange, health-check changes). */
export const ROUTE53_CONTROL_PLANE_REGION = 'us-east-1';

/** One call a failover path makes into something the outage may take down with it, and the fix. */
export interface StabilityFinding {
  app: string;
  from: string;
  to: string;
  /** The call or dependency: `route53:ChangeResourceRecordSets`. */
  call: string;
  /** Why the outage of `from` may take it down. */
  why: string;
  fix: string;
}

/**
 * The static-stability check (AWS Fault Isolation Boundaries, "static
 * stability"; Well-Architected REL11-BP04, "Rely on the data plane and not
 * the control plane during recovery"): for each application and each
 * failover it could make, every call on the path into a region or control
 * plane the outage of the region being left may take with it.
 */
export function staticStabilityFindings(
  config: Pick<Config, 'applications' | 'notifications'>,
  only?: { app: string; from: string; to: string },
): StabilityFinding[] {
  const findings: StabilityFinding[] = [];
  for (const app of config.applications) {
    for (const from of app.regions) {
      for (const to of app.regions) {
        if (from === to || (only && (only.app !== app.name || only.from !== from.name || only.to !== to.name))) continue;
        findings.push(...pathFindings(app, from.name, to.name));
        const topic = config.notifications.snsTopicArn?.split(':')[3];
        if (topic === from.name) {
          findings.push({
            app: app.name,
            from: from.name,
            to: to.name,
            call: 'sns:Publish',
            why: `the notification topic lives in ${from.name}, the region being left: the failover's pages go nowhere`,
            fix: 'a topic in another region (each stack can publish to its own), or a webhook',
          });
        }
      }
    }
  }
  return findings;
}

function pathFindings(app: AppConfig, from: string, to: string): StabilityFinding[] {
  const at = { app: app.name, from, to };
  const { mode } = app.traffic;
  if (mode === 'records') {
    if (from !== ROUTE53_CONTROL_PLANE_REGION) return [];
    return [
      {
        ...at,
        call: 'route53:ChangeResourceRecordSets, route53:GetChange',
        why: `records mode rewrites records through Route 53's control plane, which AWS runs in ${ROUTE53_CONTROL_PLANE_REGION} alone: an outage of ${from} may take it down`,
        fix: "traffic.mode: health-checks (votes through CloudWatch in each stack's region) or routing-control (ARC's five-region cluster), provisioned with `failover provision` beforehand",
      },
    ];
  }
  const findings: StabilityFinding[] = [];
  if (mode === 'health-checks' && !canReturn(app, to, from)) {
    const voters = votersOf(app, to);
    const fix =
      voters.length === 1
        ? `none within health-checks mode with two regions: ${from}'s stack is the only voter on ${to}; use routing-control, or records mode while Route 53's control plane answers`
        : `traffic.votesToEvacuate of at least 2 (default: all ${voters.length} voters), so that a lost voter's stale vote cannot keep ${to} out`;
    findings.push({
      ...at,
      call: `cloudwatch:PutMetricData (${from})`,
      why: `${to} comes back into DNS only when ${voters.length - votesToEvacuate(app) + 1} of its ${voters.length} voters vote to keep it, and ${from}'s stack, lost with its region, is one of them`,
      fix,
    });
  }
  if (mode === 'routing-control') {
    const endpoints = app.traffic.routingControl?.clusterEndpoints ?? [];
    if (endpoints.length > 0 && endpoints.every((e) => e.region === from)) {
      findings.push({
        ...at,
        call: 'route53-recovery-cluster:UpdateRoutingControlStates',
        why: `every cluster endpoint listed is in ${from}`,
        fix: "list all five of the cluster's regional endpoints",
      });
    }
  }
  return findings;
}

/**
 * Whether `to`'s check can become healthy without `from`'s stack: always
 * when `to` is never voted out (the secondary of failover routing),
 * otherwise when enough of its other voters remain.
 */
export function canReturn(app: AppConfig, to: string, from: string): boolean {
  if (app.regions[0]!.dns.routing === 'failover' && to !== app.regions[0]!.name) return true;
  const voters = votersOf(app, to);
  return voters.filter((v) => v !== from).length >= voters.length - votesToEvacuate(app) + 1;
}

/** `shop us-east-1 → eu-west-1: route53:ChangeResourceRecordSets: why; fix: …` */
export function formatFinding(f: StabilityFinding): string {
  return `${f.app} ${f.from} → ${f.to}: ${f.call}: ${f.why}; fix: ${f.fix}`;
}
