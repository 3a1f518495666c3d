import { describe, expect, it } from 'vitest';
import type { ComputeGroupState } from '../../../src/ports/compute-provider.js';
import type { DatabaseState } from '../../../src/ports/database-provider.js';
import { type DriftInput, driftFindings } from '../../../src/readiness/drift.js';
import { shopConfig } from '../../support/shop-config.js';

const app = shopConfig('rds').applications[0]!;
const db = (region: string, role: 'writer' | 'replica'): DatabaseState => ({ ref: { engine: 'rds', region, instanceId: `shop-db-${region}` }, exists: true, role, status: 'available', ...(role === 'replica' ? { replicaOf: 'us-east-1' } : {}) });
const group = (region: string, desired: number, maxSize = 4): ComputeGroupState => ({ ref: { region, groupName: `shop-web-${region}` }, minSize: desired, maxSize, desiredCapacity: desired, instances: [], suspendedProcesses: [] });
const steady: DriftInput = { app, now: 10_000_000, activeRegion: 'us-east-1', dnsRegion: 'us-east-1', databases: { 'us-east-1': db('us-east-1', 'writer'), 'eu-west-1': db('eu-west-1', 'replica') }, fences: [] };
const ids = (input: DriftInput) => driftFindings(input).map((f) => `${f.id}:${f.status}`);

describe('drift', () => {
  it('finds nothing in the layout the controller expects', () => {
    expect(driftFindings({ ...steady, groups: { 'us-east-1': group('us-east-1', 2), 'eu-west-1': group('eu-west-1', 1) } })).toEqual([]);
  });

  it('calls a second writer split brain unless its network fence holds, and says for how long it has', () => {
    const two = { ...steady, databases: { ...steady.databases, 'eu-west-1': db('eu-west-1', 'writer') } };
    expect(ids(two)).toEqual(['two-writers:failing']);
    const fenced = { ...two, fences: [{ app: 'shop', region: 'eu-west-1', state: 'fenced' as const, fencedAt: steady.now - 3_600_000 } as DriftInput['fences'][number]] };
    const [finding] = driftFindings(fenced);
    expect(finding).toMatchObject({ id: 'fenced-writer', status: 'warning', sentence: expect.stringContaining('(60 min)') });
  });

  it('flags traffic on a region whose database is not the writer, and DNS that cannot be read', () => {
    expect(ids({ ...steady, dnsRegion: 'eu-west-1' })).toEqual(['traffic-off-writer:failing']);
    // The old writer back, fenced, beside the new one: traffic on the fenced one is still traffic where no write lands.
    const back = { ...steady, dnsRegion: 'us-east-1', databases: { 'us-east-1': db('us-east-1', 'writer'), 'eu-west-1': db('eu-west-1', 'writer') } };
    const fence = { app: 'shop', region: 'us-east-1', state: 'fenced' as const, fencedAt: steady.now } as DriftInput['fences'][number];
    expect(ids({ ...back, fences: [fence] })).toEqual(['fenced-writer:warning', 'traffic-off-writer:failing']);
    const unread = { ...steady, dnsRegion: undefined, dnsError: 'no answer within 4 s' };
    expect(driftFindings(unread)[0]).toMatchObject({ id: 'dns-unreadable', status: 'warning', sentence: expect.stringContaining('no answer within 4 s') });
  });

  it('at home, flags a standby left at active capacity or with a raised MaxSize, with the command that sets it back', () => {
    const left = driftFindings({ ...steady, groups: { 'us-east-1': group('us-east-1', 2), 'eu-west-1': group('eu-west-1', 2) } });
    expect(left).toEqual([expect.objectContaining({ id: 'standby-capacity', commands: ['aws autoscaling update-auto-scaling-group --auto-scaling-group-name shop-web-eu-west-1 --min-size 1 --desired-capacity 1 --region eu-west-1'] })]);
    const capped = { ...app, regions: app.regions.map((r) => ({ ...r, compute: { ...r.compute, standbyMaxSize: 1 } })) };
    expect(ids({ ...steady, app: capped, groups: { 'us-east-1': group('us-east-1', 2), 'eu-west-1': group('eu-west-1', 1, 4) } })).toEqual(['standby-max-size:warning']);
    // After a failover the lost region keeps its capacity on purpose.
    const away = { ...steady, activeRegion: 'eu-west-1', dnsRegion: 'eu-west-1', databases: { 'us-east-1': new Error('unreachable'), 'eu-west-1': db('eu-west-1', 'writer') } };
    expect(ids({ ...away, groups: { 'us-east-1': group('us-east-1', 2), 'eu-west-1': group('eu-west-1', 2) } })).toEqual([]);
  });

  it('reminds of a stale writer set aside that still bills', () => {
    const [finding] = driftFindings({ ...steady, setAside: [{ region: 'us-east-1', identifier: 'shop-db-us-east-1-stale-1', since: steady.now - 2 * 86_400_000, runId: 'run-1' }] });
    expect(finding).toMatchObject({ id: 'set-aside', sentence: expect.stringContaining('after 2 days'), commands: [expect.stringContaining('delete-db-instance --db-instance-identifier shop-db-us-east-1-stale-1')] });
  });
});
