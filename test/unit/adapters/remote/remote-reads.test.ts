import { describe, expect, it } from 'vitest';
import { RemoteReads } from '../../../../src/adapters/remote/remote-reads.js';
import type { ReadRequest, ReadResponse, ReadTransport } from '../../../../src/adapters/remote/read-protocol.js';
import { PermanentError, TransientError, UserInputError } from '../../../../src/errors/errors.js';
import type { DatabaseRef } from '../../../../src/ports/database-provider.js';

const DB: DatabaseRef = { engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db' };
const GROUP = { region: 'eu-west-1', groupName: 'shop-web' };
const TARGET = { url: 'https://shop.example.com/health', method: 'GET' as const, expectStatus: 200, timeoutMs: 1000 };

/** A transport that records every request and answers it with `answer`, after a JSON round trip each way (as over Lambda). */
function recording(answer: (request: ReadRequest) => ReadResponse | Promise<ReadResponse>): ReadTransport & { requests: ReadRequest[] } {
  const requests: ReadRequest[] = [];
  return {
    requests,
    async read(request) {
      const sent = JSON.parse(JSON.stringify(request)) as ReadRequest;
      requests.push(sent);
      return JSON.parse(JSON.stringify(await answer(sent))) as ReadResponse;
    },
  };
}

describe('RemoteReads: the cloud ports and the prober read through another function', () => {
  it('sends the reads started together in one request and hands each caller its own answer', async () => {
    const transport = recording(({ reads }) => ({
      results: reads.map((r) => {
        if (r.op === 'dns.listRecords') return { ok: true, value: [{ name: r.name, type: 'CNAME', values: ['a.example.com'] }] };
        if (r.op === 'database.describe') return { ok: true, value: { ref: r.ref, exists: true, role: 'replica', status: 'available' } };
        if (r.op === 'database.replicaLag') return { ok: true };
        if (r.op === 'compute.describeGroup') return { ok: true, value: { ref: r.ref, minSize: 1, maxSize: 4, desiredCapacity: 1, instances: [] } };
        if (r.op === 'fence.describe') return { ok: true, value: { ref: r.ref, exists: true, securityGroups: [], open: [] } };
        if (r.op !== 'prober.round') return { ok: false, error: { name: 'Error', message: r.op } };
        return { ok: true, value: r.targets.map((t) => ({ url: t.url, ok: true, status: 200, latencyMs: 3, at: 1 })) };
      }),
    }));
    const remote = new RemoteReads(transport, 'runs execute in the runbook worker');
    const [records, db, lag, group, round] = await Promise.all([
      remote.cloud.dns.listRecords('Z1', 'shop.example.com.'),
      remote.cloud.database.describe(DB),
      remote.cloud.database.replicaLag(DB),
      remote.cloud.compute.describeGroup(GROUP),
      remote.prober.round([TARGET]),
    ]);
    expect(transport.requests).toEqual([
      {
        source: 'failover-controller',
        reads: [
          { op: 'dns.listRecords', hostedZoneId: 'Z1', name: 'shop.example.com.' },
          { op: 'database.describe', ref: DB },
          { op: 'database.replicaLag', ref: DB },
          { op: 'compute.describeGroup', ref: GROUP },
          { op: 'prober.round', targets: [TARGET] },
        ],
      },
    ]);
    expect(records).toEqual([{ name: 'shop.example.com.', type: 'CNAME', values: ['a.example.com'] }]);
    expect(db).toMatchObject({ role: 'replica' });
    // No lag sample travels as no value, and arrives as undefined.
    expect(lag).toBeUndefined();
    expect(group).toMatchObject({ desiredCapacity: 1 });
    expect(round).toEqual([{ url: TARGET.url, ok: true, status: 200, latencyMs: 3, at: 1 }]);

    // A read started after the batch left goes in the next request.
    await remote.cloud.dns.listRecords('Z1', 'again.example.com.');
    expect(transport.requests).toHaveLength(2);
  });

  it('fails each read with the class of error it raised over there, and the others not at all', async () => {
    const transport = recording(() => ({
      results: [
        { ok: false, error: { name: 'TransientError', message: 'ListResourceRecordSets: Throttling: Rate exceeded' } },
        { ok: false, error: { name: 'PermanentError', message: 'DescribeDBInstances: DBInstanceNotFound' } },
        { ok: false, error: { name: 'UserInputError', message: 'unknown read' } },
        { ok: false, error: { name: 'TypeError', message: 'x is undefined' } },
        { ok: true, value: [] },
      ],
    }));
    const remote = new RemoteReads(transport, 'runs execute in the runbook worker');
    const outcomes = await Promise.allSettled([
      remote.cloud.dns.listRecords('Z1', 'a.'),
      remote.cloud.database.describe(DB),
      remote.cloud.compute.describeGroup(GROUP),
      remote.cloud.database.replicaLag(DB),
      remote.prober.round([]),
    ]);
    const reasons = outcomes.map((o) => (o.status === 'rejected' ? o.reason : o.value));
    expect(reasons[0]).toBeInstanceOf(TransientError);
    expect(reasons[0]).toHaveProperty('message', 'ListResourceRecordSets: Throttling: Rate exceeded');
    expect(reasons[1]).toBeInstanceOf(PermanentError);
    expect(reasons[2]).toBeInstanceOf(UserInputError);
    // Anything that is not one of the project's errors is permanent: retrying it blindly would not help.
    expect(reasons[3]).toBeInstanceOf(PermanentError);
    expect(reasons[3]).toHaveProperty('message', 'x is undefined');
    expect(reasons[4]).toEqual([]);
  });

  it('fails every read of a batch whose request failed, or whose answer does not match it', async () => {
    const down = new RemoteReads({ read: () => Promise.reject(new TransientError('Invoke reader: TooManyRequestsException: Rate exceeded')) }, 'x');
    const both = await Promise.allSettled([down.cloud.database.describe(DB), down.prober.round([TARGET])]);
    expect(both.map((o) => o.status === 'rejected' && (o.reason as Error).message)).toEqual([
      'Invoke reader: TooManyRequestsException: Rate exceeded',
      'Invoke reader: TooManyRequestsException: Rate exceeded',
    ]);
    const short = new RemoteReads(recording(() => ({ results: [] })), 'x');
    await expect(short.cloud.database.describe(DB)).rejects.toThrow('the reader answered 0 results for 1 reads');
  });

  it('refuses every change without sending anything, naming who makes changes', async () => {
    const transport = recording(() => ({ results: [] }));
    const remote = new RemoteReads(transport, 'runs execute in the runbook worker');
    const changes = [
      remote.cloud.dns.changeRecords('Z1', [], 'x'),
      remote.cloud.dns.getChange('C1'),
      remote.cloud.database.promote(DB, 'planned'),
      remote.cloud.database.createReplica(DB, DB),
      remote.cloud.database.retire(DB, 'stale'),
      remote.cloud.compute.setCapacity(GROUP, 4),
    ];
    for (const change of changes) await expect(change).rejects.toThrow(PermanentError);
    await expect(remote.cloud.database.promote(DB, 'planned')).rejects.toThrow('database.promote: this function only reads the cloud; runs execute in the runbook worker');
    expect(transport.requests).toEqual([]);
  });
});
