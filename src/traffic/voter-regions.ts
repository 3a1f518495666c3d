import type { Config } from '../config/types.js';

/**
 * The regions whose votes this process casts: a deployed stack votes in its
 * own region only (its vantage is its region), so that each region's alarms
 * hear from that region's stack alone; the local process of the simulated
 * world stands for every stack at once.
 */
export function voterRegions(config: Pick<Config, 'provider' | 'vantage' | 'applications'>): string[] {
  const regions = [...new Set(config.applications.flatMap((app) => app.regions.map((r) => r.name)))];
  if (config.provider === 'sim') return regions;
  return regions.includes(config.vantage) ? [config.vantage] : [];
}
