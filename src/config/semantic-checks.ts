import type { ConfigIssue } from './config-error.js';
import type { Config } from './types.js';
import { apiIssues } from './api-config.js';
import { selfRoutingProblems } from '../dns/self-routing.js';
import { partitionIssues } from './partition-check.js';
import { trafficIssues } from './traffic-checks.js';

/**
 * Rules a schema cannot express: uniqueness and agreement between regions.
 * Every rule names the field to fix.
 */
export function semanticIssues(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const appNames = new Map<string, number>();
  config.applications.forEach((app, a) => {
    const at = `applications[${a}]`;
    const first = appNames.get(app.name);
    if (first !== undefined) issues.push({ path: `${at}.name`, message: `duplicates applications[${first}].name "${app.name}"` });
    else appNames.set(app.name, a);

    issues.push(...trafficIssues(app, at));
    const regionNames = new Map<string, number>();
    const primary = app.regions[0]!;
    app.regions.forEach((region, r) => {
      const rat = `${at}.regions[${r}]`;
      const seen = regionNames.get(region.name);
      if (seen !== undefined) issues.push({ path: `${rat}.name`, message: `duplicates regions[${seen}].name "${region.name}"` });
      else regionNames.set(region.name, r);

      if (region.compute.activeCapacity < region.compute.standbyCapacity) {
        issues.push({ path: `${rat}.compute.activeCapacity`, message: `must be at least standbyCapacity (${region.compute.standbyCapacity})` });
      }
      if (region.compute.standbyMinSize > region.compute.standbyCapacity) {
        issues.push({ path: `${rat}.compute.standbyMinSize`, message: `must be at most standbyCapacity (${region.compute.standbyCapacity}): Auto Scaling keeps the desired capacity within MinSize and MaxSize` });
      }
      if (region.compute.standbyMaxSize !== undefined && region.compute.standbyMaxSize < region.compute.standbyCapacity) {
        issues.push({ path: `${rat}.compute.standbyMaxSize`, message: `must be at least standbyCapacity (${region.compute.standbyCapacity}): Auto Scaling keeps the desired capacity within MinSize and MaxSize` });
      }
      if (region.database.engine !== primary.database.engine) {
        issues.push({ path: `${rat}.database.engine`, message: `must be ${primary.database.engine}, like regions[0]: one application has one database engine` });
      } else if (region.database.engine === 'aurora-global' && primary.database.engine === 'aurora-global' && region.database.globalClusterId !== primary.database.globalClusterId) {
        issues.push({ path: `${rat}.database.globalClusterId`, message: `must be ${primary.database.globalClusterId}, like regions[0]: the regions share one global cluster` });
      }
      if ((region.dns.value === undefined) === (region.dns.alias === undefined)) {
        issues.push({ path: `${rat}.dns`, message: 'needs exactly one of value and alias' });
      }
      if (region.dns.alias && region.dns.type === 'CNAME') {
        issues.push({ path: `${rat}.dns.alias`, message: 'needs type A or AAAA: Route 53 aliases are A/AAAA records' });
      }
      for (const problem of selfRoutingProblems(region.dns)) issues.push({ path: `${rat}.dns.${problem.field}`, message: problem.message });
      if (region.dns.routing !== 'simple' && region.dns.setIdentifier === undefined) {
        issues.push({ path: `${rat}.dns.setIdentifier`, message: `is required with ${region.dns.routing} routing: it names this region's record set` });
      }
      if (r > 0) {
        for (const field of ['hostedZoneId', 'recordName', 'type', 'routing'] as const) {
          if (region.dns[field] !== primary.dns[field]) {
            issues.push({ path: `${rat}.dns.${field}`, message: `must be ${primary.dns[field]}, like regions[0]: every region answers for the same record` });
          }
        }
        const target = (d: typeof region.dns) => d.value ?? d.alias?.dnsName;
        const same = app.regions.findIndex((other) => target(other.dns) === target(region.dns));
        if (same < r) {
          const field = region.dns.value !== undefined ? 'value' : 'alias';
          issues.push({ path: `${rat}.dns.${field}`, message: `duplicates regions[${same}].dns.${field}: each region needs its own ${field}` });
        }
        const sameSet = app.regions.findIndex((other) => other.dns.setIdentifier !== undefined && other.dns.setIdentifier === region.dns.setIdentifier);
        if (sameSet >= 0 && sameSet < r) issues.push({ path: `${rat}.dns.setIdentifier`, message: `duplicates regions[${sameSet}].dns.setIdentifier` });
      }
    });
  });
  issues.push(...partitionIssues(config));
  issues.push(...apiIssues(config.api));
  const simulated = Object.values(config.simulation.resources).some((list) => list.length > 0);
  if (config.provider !== 'sim' && (Object.keys(config.simulation.delays).length > 0 || simulated)) {
    issues.push({ path: 'simulation', message: 'applies only to provider: sim; remove it, or set provider: sim' });
  }
  return issues;
}
