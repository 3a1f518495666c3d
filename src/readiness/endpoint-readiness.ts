import { describeResults, type RegionHealth } from '../health/region-health.js';
import type { ReadinessCheck } from './world-report.js';

/**
 * Does the standby endpoint answer: the controller's own probe rounds say,
 * so this check costs no call. A region not judged healthy is no place to
 * send traffic to. Pure.
 */
export function endpointCheck(region: string, health: RegionHealth | undefined, rise: number): ReadinessCheck {
  const id = 'standby-endpoint';
  if (!health) return { id, region, status: 'warning', sentence: `${region} has not been probed yet`, fix: 'wait for the first probe rounds' };
  const why = health.lastResults.some((r) => !r.ok) ? `: ${describeResults(health.lastResults)}` : '';
  switch (health.state) {
    case 'healthy':
      return { id, region, status: 'ok', sentence: `${region} answers its probes (healthy, ${health.consecutiveSuccesses} good rounds in a row)` };
    case 'unhealthy':
      return { id, region, status: 'failing', sentence: `${region} does not answer its probes: unhealthy after ${health.consecutiveFailures} failed rounds${why}`, fix: `find out why ${region}'s endpoint fails before sending traffic there` };
    case 'recovering':
      return { id, region, status: 'warning', sentence: `${region} is recovering: ${health.consecutiveSuccesses} of ${rise} good rounds`, fix: 'wait until it has been healthy for riseThreshold rounds' };
    case 'suspect':
      return { id, region, status: 'warning', sentence: `${region} is suspect: ${health.consecutiveFailures} failed rounds${why}`, fix: `watch ${region}'s probes` };
    case 'unknown':
      return { id, region, status: 'warning', sentence: `${region} is not judged yet`, fix: 'wait for the first probe rounds' };
  }
}
