import { ConflictError, FailoverError, NotFoundError, PermanentError, TransientError, UserInputError } from '../../errors/errors.js';
import type { ComputeRef } from '../../ports/compute-provider.js';
import type { DatabaseRef } from '../../ports/database-provider.js';
import type { EcsServiceRef } from '../../ports/ecs-provider.js';
import type { GlobalCacheRef } from '../../ports/global-cache-provider.js';
import type { ProbeTarget } from '../../probes/types.js';

/**
 * One read of the world, by the port method it stands for. Only methods
 * that look are here: the functions that read through another one
 * (src/adapters/remote/remote-reads.ts) never change the cloud.
 */
export type ReadCall =
  | { op: 'dns.listRecords'; hostedZoneId: string; name: string }
  | { op: 'database.describe'; ref: DatabaseRef }
  | { op: 'database.replicaLag'; ref: DatabaseRef }
  | { op: 'compute.describeGroup'; ref: ComputeRef }
  | { op: 'fence.describe'; ref: DatabaseRef }
  | { op: 'prober.round'; targets: ProbeTarget[] }
  | { op: 'prober.heartbeat'; url: string; expectRole?: 'writer' | 'replica' }
  | { op: 'traffic.routingControlState'; routingControlArn: string }
  | { op: 'ecs.describeService'; ref: EcsServiceRef }
  | { op: 'cache.describe'; ref: GlobalCacheRef };

/** The operations of {@link ReadCall}. */
export const READ_OPS: readonly ReadCall['op'][] = [
  'dns.listRecords',
  'database.describe',
  'database.replicaLag',
  'compute.describeGroup',
  'fence.describe',
  'prober.round',
  'prober.heartbeat',
  'traffic.routingControlState',
  'ecs.describeService',
  'cache.describe',
];

/** What the reader function receives: reads made at the same moment, answered together. */
export interface ReadRequest {
  source: 'failover-controller';
  reads: ReadCall[];
}

/** The outcome of one read: its value (JSON; `undefined` travels as an absent `value`), or the error it raised. */
export type ReadOutcome = { ok: true; value?: unknown } | { ok: false; error: { name: string; message: string } };

/** What the reader function answers: one outcome per read, in the order of the request. */
export interface ReadResponse {
  results: ReadOutcome[];
}

/** How a batch of reads reaches the function that makes them (a Lambda invocation on AWS; a function call in tests). */
export interface ReadTransport {
  read(request: ReadRequest): Promise<ReadResponse>;
}

/** An error as it travels back: the project's class by name, and its message. */
export function encodeError(err: unknown): { name: string; message: string } {
  return err instanceof Error ? { name: err instanceof FailoverError ? err.name : 'Error', message: err.message } : { name: 'Error', message: String(err) };
}

const ERROR_CLASSES: Record<string, new (message: string) => FailoverError> = {
  TransientError,
  PermanentError,
  ConflictError,
  UserInputError,
  NotFoundError,
};

/**
 * The error a read raised on the other side, as the same class of the
 * project (transient stays transient, so a caller may retry it); anything
 * else, a plain Error or an unknown name, is permanent.
 */
export function decodeError(error: { name: string; message: string }): FailoverError {
  return new (ERROR_CLASSES[error.name] ?? PermanentError)(error.message);
}
