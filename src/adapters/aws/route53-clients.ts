import { Route53Client } from '@aws-sdk/client-route-53';
import { AwsClientPool, type ClientUse } from './aws-client-pool.js';

/** The Route 53 client alone (what Route53Dns needs): the probe function is composed with it. */
export class Route53Clients extends AwsClientPool {
  /** Route 53 is global; its API lives in us-east-1. `change` for ChangeResourceRecordSets (see ClientUse). */
  route53(use: ClientUse = 'read'): Route53Client {
    return this.client('route53', 'us-east-1', (config) => new Route53Client(config), use);
  }
}
