import { Route53Client } from '@aws-sdk/client-route-53';
import { AwsClientPool, type ClientUse } from './aws-client-pool.js';
import { type AwsPartition, route53Region } from './partition.js';

/** The Route 53 client alone (what Route53Dns needs): the probe function is composed with it. */
export class Route53Clients extends AwsClientPool {
  /**
   * Route 53 is global within a partition, with its API in one region of it
   * (us-east-1; cn-northwest-1 in China; us-gov-west-1 in GovCloud: see
   * route53Region). `change` for ChangeResourceRecordSets (see ClientUse).
   */
  route53(use: ClientUse = 'read', partition: AwsPartition = 'aws'): Route53Client {
    return this.client('route53', route53Region(partition), (config) => new Route53Client(config), use);
  }
}
