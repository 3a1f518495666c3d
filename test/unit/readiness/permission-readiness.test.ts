import { describe, expect, it } from 'vitest';
import { simulationBatches } from '../../../src/deploy/iam-policy.js';
import { runbookPermissions } from '../../../src/handlers/runbook.js';
import type { PermissionsApi } from '../../../src/ports/permissions.js';
import { permissionChecks } from '../../../src/readiness/permission-readiness.js';
import { shopConfig } from '../../support/shop-config.js';

const config = shopConfig({ engine: 'rds', provider: 'aws' });
const ROLE = 'arn:aws:iam::123456789012:role/failover-controller-prod-RunbookRole-Q1W2E3';

describe('the permissions readiness check', () => {
  it('simulates the runbook role’s own statements, with the stack’s account, region and names filled in', () => {
    const batches = simulationBatches(config, { tableName: 'fc-state', functionNames: { probe: '', api: '', runbook: 'fc-runbook', reader: '' } }, { partition: 'aws', accountId: '123456789012', region: 'eu-west-1', stackName: 'fc' });
    const promote = batches.find((b) => b.actions.includes('rds:PromoteReadReplica'));
    expect(promote?.resources).toContain('arn:aws:rds:eu-west-1:123456789012:db:shop-db-eu-west-1');
    expect(batches.find((b) => b.actions.includes('dynamodb:PutItem'))?.resources).toContain('arn:aws:dynamodb:eu-west-1:123456789012:table/fc-state');
    // Nothing left unfilled, and no statement with a condition the simulator would need context for (iam:PassRole).
    expect(batches.flatMap((b) => b.resources).filter((r) => r.includes('${'))).toEqual([]);
    expect(batches.flatMap((b) => b.actions)).not.toContain('iam:PassRole');
  });

  it('reads the role, partition, account and stack from the environment serverless.yml sets, and stays off without it', () => {
    const env = { RUNBOOK_ROLE_ARN: ROLE, STATE_TABLE: 'fc-state', RUNBOOK_FUNCTION: 'fc-runbook' };
    const { permissions } = runbookPermissions({ config, region: 'eu-west-1' }, env);
    expect(permissions?.roleArn).toBe(ROLE);
    expect(permissions?.batches.flatMap((b) => b.resources)).toContain('arn:aws:rds:eu-west-1:123456789012:db:shop-db-eu-west-1');
    expect(runbookPermissions({ config, region: 'eu-west-1' }, {})).toEqual({});
  });

  it('fails naming the denied calls, and warns when the simulation itself cannot run', async () => {
    const api = (denied: Awaited<ReturnType<PermissionsApi['denied']>>): PermissionsApi => ({ denied: async () => denied });
    const batches = [{ actions: ['rds:PromoteReadReplica', 'rds:DescribeDBInstances'], resources: ['arn:db'] }];
    expect(await permissionChecks('eu-west-1', { api: api([]), roleArn: ROLE, batches })).toEqual([expect.objectContaining({ status: 'ok', sentence: expect.stringContaining('all 2 calls') })]);
    const [failing] = await permissionChecks('eu-west-1', { api: api([{ action: 'rds:PromoteReadReplica', resource: 'arn:db', decision: 'explicitDeny' }]), roleArn: ROLE, batches });
    expect(failing).toMatchObject({ status: 'failing', sentence: expect.stringContaining('rds:PromoteReadReplica on arn:db (explicitDeny)') });
    const broken: PermissionsApi = { denied: () => Promise.reject(new Error('AccessDenied')) };
    expect((await permissionChecks('eu-west-1', { api: broken, roleArn: ROLE, batches }))[0]?.status).toBe('warning');
  });
});
