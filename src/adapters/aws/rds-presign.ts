import type { CreateDBInstanceReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import type { Clock } from '../../ports/clock.js';
import { regionalHost } from './partition.js';
import { isArn, parseRdsArn } from './rds-identifiers.js';
import { presignGetUrl } from './sigv4-presign.js';

/** How long the source region accepts the presigned request (the SDK's own choice: one hour). */
const PRESIGN_EXPIRES_SECONDS = 3600;

/** RDS's API version, part of the presigned request. */
const RDS_API_VERSION = '2014-10-31';

/**
 * Give a cross-region CreateDBInstanceReadReplica the PreSignedUrl its
 * source's partition needs, and return the command.
 *
 * RDS wants, for a read replica across regions, a SigV4-presigned
 * CreateDBInstanceReadReplica request to the source region (with
 * DestinationRegion), and "This setting applies only to AWS GovCloud (US)
 * Regions and China AWS Regions. It's ignored in other AWS Regions"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html,
 * PreSignedUrl). The SDK's middleware (@aws-sdk/middleware-sdk-rds) builds
 * that URL itself, but for the host `rds.<source region>.amazonaws.com`
 * whatever the partition, which does not exist in China
 * (`rds.cn-north-1.amazonaws.com.cn`): so exactly where the URL matters, it
 * is wrong. This adds an initialize-step middleware to the command that
 * presigns for the partition's host, before the SDK's serialize-step one,
 * which leaves a PreSignedUrl it finds alone. Same-region sources (a bare
 * identifier, or an ARN in the replica's region) get none, as RDS requires.
 */
export function withPartitionPresign(client: RDSClient, command: CreateDBInstanceReadReplicaCommand, clock: Clock): CreateDBInstanceReadReplicaCommand {
  command.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as CreateDBInstanceReadReplicaCommand['input'];
      const source = input.SourceDBInstanceIdentifier;
      const sourceRegion = source !== undefined && isArn(source) ? parseRdsArn(source)?.region : undefined;
      const destination = await client.config.region();
      if (input.PreSignedUrl || !source || !sourceRegion || sourceRegion === destination) return next(args);
      const credentials = await client.config.credentials();
      const PreSignedUrl = await presignGetUrl({
        host: regionalHost('rds', sourceRegion),
        region: sourceRegion,
        service: 'rds',
        query: {
          Action: 'CreateDBInstanceReadReplica',
          Version: RDS_API_VERSION,
          DestinationRegion: destination,
          SourceDBInstanceIdentifier: source,
          ...(input.KmsKeyId ? { KmsKeyId: input.KmsKeyId } : {}),
        },
        credentials,
        sha256: client.config.sha256,
        now: clock.now(),
        expiresInSeconds: PRESIGN_EXPIRES_SECONDS,
      });
      return next({ ...args, input: { ...input, PreSignedUrl } });
    },
    { step: 'initialize', name: 'partitionPresignedUrl' },
  );
  return command;
}
