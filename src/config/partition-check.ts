import { partitionOfRegion } from '../adapters/aws/partition.js';
import type { ConfigIssue } from './config-error.js';
import type { Config } from './types.js';

/**
 * Every region of a configuration in one AWS partition (aws, aws-cn,
 * aws-us-gov): one deployment runs with one account's credentials and one
 * Route 53, and an account lives in one partition. The first region decides;
 * each region in another partition is named.
 */
export function partitionIssues(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  let first: { partition: string; path: string } | undefined;
  config.applications.forEach((app, a) => {
    app.regions.forEach((region, r) => {
      const path = `applications[${a}].regions[${r}].name`;
      let partition: string;
      try {
        partition = partitionOfRegion(region.name);
      } catch (err) {
        issues.push({ path, message: (err as Error).message });
        return;
      }
      if (!first) first = { partition, path };
      else if (partition !== first.partition) {
        issues.push({ path, message: `is in the AWS partition ${partition}, ${first.path} in ${first.partition}: every region of one deployment must be in the same partition` });
      }
    });
  });
  return issues;
}
