import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { functionPolicies, type IamStatement } from '../../../src/deploy/iam-policy.js';

const root = join(import.meta.dirname, '../../..');
const NAMES = {
  tableName: 'failover-controller-prod-state',
  functionNames: { probe: 'fc-probe', api: 'fc-api', runbook: 'fc-runbook', reader: 'fc-reader' },
};

async function policies(runbooks?: string) {
  let text = await readFile(join(root, 'examples/failover.aws.yaml'), 'utf8');
  if (runbooks) text = text.replace('  - name: shop\n', `  - name: shop\n    runbooks: ${runbooks}\n`);
  return functionPolicies(parseConfig(text, join(root, 'examples/failover.aws.yaml')), NAMES);
}

/** The resources of the statements that grant `action`, as their Fn::Sub templates. */
function grants(statements: IamStatement[], action: string): string[] {
  return statements.filter((s) => [s.Action].flat().includes(action)).flatMap((s) => [s.Resource].flat().map((r) => (typeof r === 'string' ? r : (r as { 'Fn::Sub': string })['Fn::Sub'])));
}

describe('the runbook role and the resources of an application\'s own runbooks', () => {
  it('grants the step library\'s actions on nothing when no application names resources', async () => {
    const p = await policies();
    for (const action of ['ecs:UpdateService', 'ssm:StartAutomationExecution', 'elasticache:FailoverGlobalReplicationGroup']) expect(grants(p.runbook, action)).toEqual([]);
    expect(grants(p.runbook, 'lambda:InvokeFunction').some((r) => r.includes('shop-drain'))).toBe(false);
  });

  it('grants them on exactly what runbooks.resources names, in each region of the application, and the reader only reads', async () => {
    const p = await policies(
      '{ module: ./runbooks/shop.ts, resources: { ecsServices: [shop/web], functions: [shop-drain-queues], automationDocuments: [shop-warm], globalDatastores: [ldgr-shop-sessions] } }',
    );
    expect(grants(p.runbook, 'ecs:UpdateService').sort()).toEqual([
      'arn:${AWS::Partition}:ecs:eu-west-1:${AWS::AccountId}:service/shop/web',
      'arn:${AWS::Partition}:ecs:us-east-1:${AWS::AccountId}:service/shop/web',
    ]);
    expect(grants(p.runbook, 'lambda:InvokeFunction')).toEqual(
      expect.arrayContaining(['arn:${AWS::Partition}:lambda:eu-west-1:${AWS::AccountId}:function:shop-drain-queues', 'arn:${AWS::Partition}:lambda:eu-west-1:${AWS::AccountId}:function:shop-drain-queues:*']),
    );
    expect(grants(p.runbook, 'ssm:StartAutomationExecution')).toContain('arn:${AWS::Partition}:ssm:us-east-1:${AWS::AccountId}:automation-definition/shop-warm:*');
    expect(grants(p.runbook, 'elasticache:FailoverGlobalReplicationGroup')).toEqual(['arn:${AWS::Partition}:elasticache::${AWS::AccountId}:globalreplicationgroup:ldgr-shop-sessions']);
    // The reader plans: it reads the services, and changes nothing.
    expect(grants(p.reader, 'ecs:DescribeServices')).toHaveLength(2);
    expect(grants(p.reader, 'ecs:UpdateService')).toEqual([]);
    expect(grants(p.probe, 'ecs:DescribeServices')).toEqual([]);
  });
});
