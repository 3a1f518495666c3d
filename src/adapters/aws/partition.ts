import { PermanentError } from '../../errors/errors.js';

/**
 * An AWS partition: a group of regions with its own endpoints, credentials
 * and ARNs (`arn:aws:…`, `arn:aws-cn:…`, `arn:aws-us-gov:…`). One account
 * lives in one partition, so every region a deployment of this controller
 * protects is in the same one (the config's semantic checks say so).
 */
export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

/**
 * The partition of a region, from its name: `cn-*` (Beijing, Ningxia) is
 * aws-cn, `us-gov-*` is aws-us-gov, the rest of the names the config accepts
 * is aws. The isolated partitions (`us-iso-*`, `us-isob-*`, `eu-isoe-*`…)
 * have other endpoints again and are not supported: refused by name rather
 * than sent to the wrong endpoint.
 */
export function partitionOfRegion(region: string): AwsPartition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (/^[a-z]{2}-iso[a-z]?-/.test(region)) throw new PermanentError(`${region}: the isolated AWS partitions are not supported`);
  return 'aws';
}

/** The one partition of these regions (`aws` when there are none); mixed partitions are a PermanentError. */
export function partitionOfRegions(regions: readonly string[]): AwsPartition {
  const found = [...new Set(regions.map(partitionOfRegion))];
  if (found.length > 1) throw new PermanentError(`regions ${regions.join(', ')} span the AWS partitions ${found.join(', ')}; one deployment works in one partition`);
  return found[0] ?? 'aws';
}

/**
 * The DNS suffix of a partition's regional endpoints: `rds.cn-north-1.amazonaws.com.cn`
 * in China, `rds.us-gov-west-1.amazonaws.com` in GovCloud, as in every SDK's
 * partitions table (@aws-sdk/util-endpoints, partitions.json).
 */
export function dnsSuffix(partition: AwsPartition): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** A service's regional endpoint host, in the region's partition: `rds.cn-northwest-1.amazonaws.com.cn`. */
export function regionalHost(service: string, region: string): string {
  return `${service}.${region}.${dnsSuffix(partitionOfRegion(region))}`;
}

/**
 * The region a Route 53 client is created in (and requests signed for).
 * Route 53 is global within a partition, with one control plane each:
 * "Route 53 in AWS Regions other than the Beijing and Ningxia Regions:
 * specify us-east-1 as the Region. Route 53 in the Beijing and Ningxia
 * Regions: specify cn-northwest-1"
 * (https://docs.aws.amazon.com/general/latest/gr/r53.html). GovCloud's
 * Route 53 (https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/govcloud-r53.html)
 * answers at route53.us-gov.amazonaws.com, signed for us-gov-west-1. From
 * that region the SDK's endpoint rules pick the host: route53.amazonaws.com,
 * route53.amazonaws.com.cn, route53.us-gov.amazonaws.com.
 */
export function route53Region(partition: AwsPartition): string {
  return partition === 'aws-cn' ? 'cn-northwest-1' : partition === 'aws-us-gov' ? 'us-gov-west-1' : 'us-east-1';
}
