import type { ConfigIssue } from './config-error.js';
import type { AppConfig } from './types.js';

/**
 * Rules of an application's `traffic` section a schema cannot express: a
 * data-plane switch needs records Route 53 can choose between by health
 * (failover routing for two regions, weighted for more), each region's set
 * identifier, no health check of the user's own on them (the switch
 * provisions its own), and, for routing controls, one control per region.
 */
export function trafficIssues(app: AppConfig, at: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { mode, routingControl, votesToEvacuate } = app.traffic;
  const regions = app.regions.map((r) => r.name);
  if (mode === 'records') {
    if (routingControl)
      issues.push({
        path: `${at}.traffic.routingControl`,
        message: 'applies only to mode routing-control; remove it, or set traffic.mode: routing-control',
      });
    if (app.traffic.nameServers)
      issues.push({
        path: `${at}.traffic.nameServers`,
        message: 'applies only to the data-plane modes (health-checks, routing-control); records mode waits for INSYNC',
      });
    if (votesToEvacuate !== undefined)
      issues.push({ path: `${at}.traffic.votesToEvacuate`, message: 'applies only to mode health-checks' });
    return issues;
  }
  if (mode === 'routing-control' && votesToEvacuate !== undefined)
    issues.push({ path: `${at}.traffic.votesToEvacuate`, message: 'applies only to mode health-checks' });
  const routing = app.regions[0]!.dns.routing;
  if (routing === 'simple') {
    issues.push({
      path: `${at}.regions[0].dns.routing`,
      message: `must be failover (two regions) or weighted with traffic.mode ${mode}: Route 53 moves traffic between one record per region by health`,
    });
  } else if (routing === 'failover' && regions.length !== 2) {
    issues.push({
      path: `${at}.regions[0].dns.routing`,
      message: `must be weighted with ${regions.length} regions: failover routing has one primary and one secondary`,
    });
  } else if (routing === 'weighted' && regions.length === 2) {
    // Two weighted records both healthy (an old stack's stale vote) would split traffic between two writers.
    issues.push({
      path: `${at}.regions[0].dns.routing`,
      message: `must be failover with two regions and traffic.mode ${mode}: with weighted records Route 53 answers both regions whenever both are healthy`,
    });
  }
  if (votesToEvacuate !== undefined && votesToEvacuate > regions.length - 1) {
    issues.push({
      path: `${at}.traffic.votesToEvacuate`,
      message: `must be at most ${regions.length - 1}: a region's voters are the stacks of the other regions`,
    });
  }
  if (mode === 'routing-control') {
    if (!routingControl)
      issues.push({
        path: `${at}.traffic.routingControl`,
        message: 'is required with mode routing-control: the cluster endpoints and a routing control per region',
      });
    else {
      for (const region of regions) {
        if (!routingControl.controls[region])
          issues.push({ path: `${at}.traffic.routingControl.controls`, message: `needs a routing control for ${region}` });
      }
      for (const named of Object.keys(routingControl.controls)) {
        if (!regions.includes(named))
          issues.push({
            path: `${at}.traffic.routingControl.controls.${named}`,
            message: `is not a region of ${app.name} (${regions.join(', ')})`,
          });
      }
    }
  } else if (routingControl) {
    issues.push({ path: `${at}.traffic.routingControl`, message: 'applies only to mode routing-control' });
  }
  return issues;
}
