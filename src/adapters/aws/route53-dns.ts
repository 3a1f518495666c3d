import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  type RRType,
} from '@aws-sdk/client-route-53';
import { PermanentError } from '../../errors/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { DnsChange, DnsChangeStatus, DnsProvider } from '../../ports/dns-provider.js';
import type { Route53Clients } from './route53-clients.js';
import { awsCall } from './aws-errors.js';
import type { AwsPartition } from './partition.js';
import { RateLimiter } from './rate-limiter.js';
import { normaliseRecordName } from './route53-names.js';
import { fromResourceRecordSet, type Route53RecordSet, toResourceRecordSet } from './route53-records.js';

/** Options of the Route 53 adapter. */
export interface Route53DnsOptions {
  /** Paces requests (the rate limiter waits on it). */
  clock: Clock;
  /**
   * Requests per second this instance may send (fractions allowed). Route 53
   * counts requests per account, so with several controller stacks in one
   * account this is each one's share (config `route53.requestsPerSecond`,
   * see src/config/route53-config.ts). Default 5, the whole account's quota.
   */
  requestsPerSecond?: number;
  /** The partition the hosted zones are in: picks Route 53's endpoint and signing region. Default `aws`. */
  partition?: AwsPartition;
  /** A limiter shared with the other Route 53 adapters of the process (the quota is one for all); default: one of its own. */
  limiter?: RateLimiter;
}

/** Route 53 rejects a ChangeBatch Comment longer than this (InvalidInput). */
const MAX_COMMENT = 256;

/**
 * The DnsProvider port on Amazon Route 53 (SDK v3), following the API
 * reference to the letter so that it also works against AWS-compatible
 * servers:
 * - ListResourceRecordSets starts at the name and follows NextRecordName /
 *   NextRecordType / NextRecordIdentifier only while the pages are still
 *   about that name; names are compared after undoing Route 53's octal escapes.
 * - ChangeResourceRecordSets sends the batch as one atomic request;
 *   InvalidChangeBatch (a DELETE that does not match, a CREATE that finds a
 *   record) is a ConflictError.
 * - GetChange reports PENDING or INSYNC.
 * Every request of an instance goes through one rate limiter, so a busy
 * runbook does not spend its retries on Route 53's Throttling; Throttling
 * and PriorRequestNotComplete that come anyway (other stacks, the console)
 * are TransientErrors (aws-errors.ts), retried with backoff by the engine.
 */
export class Route53Dns implements DnsProvider {
  private readonly limiter: RateLimiter;
  private readonly partition: AwsPartition;

  constructor(
    private readonly clients: Route53Clients,
    options: Route53DnsOptions,
  ) {
    this.limiter = options.limiter ?? RateLimiter.perSecond(options.clock, options.requestsPerSecond ?? 5);
    this.partition = options.partition ?? 'aws';
  }

  async listRecords(hostedZoneId: string, name: string): Promise<Route53RecordSet[]> {
    const target = normaliseRecordName(name);
    const found: Route53RecordSet[] = [];
    let input: ListResourceRecordSetsCommandInput = { HostedZoneId: hostedZoneId, StartRecordName: target };
    for (;;) {
      await this.limiter.acquire();
      const page = await awsCall('ListResourceRecordSets', () => this.clients.route53('read', this.partition).send(new ListResourceRecordSetsCommand(input)));
      let movedOn = false;
      for (const rr of page.ResourceRecordSets ?? []) {
        const record = fromResourceRecordSet(rr);
        // Results are sorted by name, so the first other name means ours are all read.
        if (record.name !== target) {
          movedOn = true;
          break;
        }
        found.push(record);
      }
      if (movedOn || !page.IsTruncated || !page.NextRecordName || normaliseRecordName(page.NextRecordName) !== target) return found;
      const next: ListResourceRecordSetsCommandInput = {
        HostedZoneId: hostedZoneId,
        StartRecordName: page.NextRecordName,
        ...(page.NextRecordType ? { StartRecordType: page.NextRecordType as RRType } : {}),
        ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
      };
      if (sameCursor(next, input)) {
        throw new PermanentError(`ListResourceRecordSets: the page after ${input.StartRecordName} ${input.StartRecordType ?? ''} points at itself; refusing to loop`);
      }
      input = next;
    }
  }

  async changeRecords(hostedZoneId: string, changes: DnsChange[], comment: string): Promise<{ changeId: string; status: DnsChangeStatus }> {
    // Route 53 answers an empty batch with InvalidInput; say so plainly instead of spending a request on it.
    if (changes.length === 0) throw new PermanentError('ChangeResourceRecordSets: a change batch needs at least one change; Route 53 rejects an empty one');
    const command = new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: {
        // The comment is only a note in the change history: shorten it rather than fail a failover over it.
        Comment: comment.slice(0, MAX_COMMENT),
        Changes: changes.map((change) => ({ Action: change.action, ResourceRecordSet: toResourceRecordSet(change.record) })),
      },
    });
    await this.limiter.acquire();
    const result = await awsCall(
      'ChangeResourceRecordSets',
      () => this.clients.route53('change', this.partition).send(command).catch(rethrowLegacyInvalidChangeBatch),
      ['InvalidChangeBatch'],
    );
    const info = result.ChangeInfo;
    if (!info?.Id) throw new PermanentError('ChangeResourceRecordSets: the response has no ChangeInfo Id');
    return { changeId: info.Id, status: changeStatus('ChangeResourceRecordSets', info.Status) };
  }

  async getChange(changeId: string): Promise<DnsChangeStatus> {
    // ChangeInfo.Id comes as /change/C…; GetChange's path wants the bare id.
    const id = changeId.replace(/^\/change\//, '');
    await this.limiter.acquire();
    const result = await awsCall('GetChange', () => this.clients.route53('read', this.partition).send(new GetChangeCommand({ Id: id })));
    return changeStatus('GetChange', result.ChangeInfo?.Status);
  }
}

function sameCursor(a: ListResourceRecordSetsCommandInput, b: ListResourceRecordSetsCommandInput): boolean {
  return a.StartRecordName === b.StartRecordName && a.StartRecordType === b.StartRecordType && a.StartRecordIdentifier === b.StartRecordIdentifier;
}

/** ChangeInfo.Status has exactly two values in the API reference; anything else is a broken answer, not a state to wait on. */
function changeStatus(operation: string, status: string | undefined): DnsChangeStatus {
  if (status === 'PENDING' || status === 'INSYNC') return status;
  throw new PermanentError(`${operation}: unexpected ChangeInfo Status ${status ?? '(none)'}; expected PENDING or INSYNC`);
}

/**
 * Route 53 has answered InvalidChangeBatch in two shapes: today's standard
 * `<ErrorResponse><Error><Code>InvalidChangeBatch</Code>…`, and the older
 * `<InvalidChangeBatch><Messages><Message>…` root, which AWS's other SDKs
 * still special-case and AWS-compatible servers still send. SDK v3 does not
 * know the older one and reports it as name "Unknown" with the parsed
 * `Messages`; give it its real code so it is translated as the conflict it is.
 */
function rethrowLegacyInvalidChangeBatch(err: unknown): never {
  const e = err as { name?: string; Messages?: { Message?: string | string[] }; $metadata?: unknown } | undefined;
  if (e?.name === 'Unknown' && e.Messages !== null && typeof e.Messages === 'object') {
    const raw = e.Messages.Message;
    const messages = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : [];
    throw Object.assign(new Error(`[${messages.join(', ')}]`), { name: 'InvalidChangeBatch', $metadata: e.$metadata });
  }
  throw err;
}
