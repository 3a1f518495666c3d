import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IamClients, IamPermissions } from '../../../../src/adapters/aws/iam-permissions.js';

const ROLE = 'arn:aws:iam::123456789012:role/fc-prod-RunbookRole-ABC123';
const DB = 'arn:aws:rds:eu-west-1:123456789012:db:shop-db-eu-west-1';

/** One member of EvaluationResults, as IAM's query API answers it (IAM API Reference, EvaluationResult). */
function result(action: string, resource: string, decision: string, perResource?: { resource: string; decision: string }[]): string {
  const specific = perResource
    ? `<ResourceSpecificResults>${perResource.map((r) => `<member><EvalResourceName>${r.resource}</EvalResourceName><EvalResourceDecision>${r.decision}</EvalResourceDecision></member>`).join('')}</ResourceSpecificResults>`
    : '';
  return `<member><EvalActionName>${action}</EvalActionName><EvalResourceName>${resource}</EvalResourceName><EvalDecision>${decision}</EvalDecision><MatchedStatements/><MissingContextValues/>${specific}</member>`;
}

function page(members: string[], marker?: string): string {
  return `<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult>${marker ? `<IsTruncated>true</IsTruncated><Marker>${marker}</Marker>` : '<IsTruncated>false</IsTruncated>'}<EvaluationResults>${members.join('')}</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>`;
}

describe('IamPermissions (iam:SimulatePrincipalPolicy)', () => {
  const sent: URLSearchParams[] = [];
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    sent.length = 0;
  });

  function answer(body: string): void {
    nock('https://iam.amazonaws.com')
      .post('/', (b: string) => {
        sent.push(new URLSearchParams(b));
        return true;
      })
      .reply(200, body, { 'content-type': 'text/xml' });
  }

  it('simulates each batch, reads every page, and returns what is not allowed, per resource where IAM says so', async () => {
    answer(page([result('rds:PromoteReadReplica', DB, 'allowed'), result('rds:ModifyDBInstance', DB, 'implicitDeny')], 'next-page'));
    answer(page([result('rds:DescribeDBInstances', '*', 'explicitDeny', [{ resource: DB, decision: 'explicitDeny' }])]));
    const iam = new IamPermissions(new IamClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 }), 'eu-west-1');
    const denied = await iam.denied(ROLE, [{ actions: ['rds:PromoteReadReplica', 'rds:ModifyDBInstance', 'rds:DescribeDBInstances'], resources: [DB] }]);
    expect(denied).toEqual([
      { action: 'rds:ModifyDBInstance', resource: DB, decision: 'implicitDeny' },
      { action: 'rds:DescribeDBInstances', resource: DB, decision: 'explicitDeny' },
    ]);
    expect(sent).toHaveLength(2);
    expect(Object.fromEntries(sent[0]!)).toMatchObject({ Action: 'SimulatePrincipalPolicy', PolicySourceArn: ROLE, 'ActionNames.member.1': 'rds:PromoteReadReplica', 'ActionNames.member.3': 'rds:DescribeDBInstances', 'ResourceArns.member.1': DB });
    // The call's region as the context of region-deny SCPs (the DB's ARN says eu-west-1).
    expect(Object.fromEntries(sent[0]!)).toMatchObject({ 'ContextEntries.member.1.ContextKeyName': 'aws:RequestedRegion', 'ContextEntries.member.1.ContextKeyValues.member.1': 'eu-west-1', 'ContextEntries.member.1.ContextKeyType': 'string' });
    expect(sent[0]!.get('Marker')).toBeNull();
    expect(sent[1]!.get('Marker')).toBe('next-page');
  });

  it('says an error of IAM as the project error, naming the operation', async () => {
    nock('https://iam.amazonaws.com')
      .post('/')
      .reply(403, '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: iam:SimulatePrincipalPolicy</Message></Error><RequestId>r</RequestId></ErrorResponse>', { 'content-type': 'text/xml' });
    const iam = new IamPermissions(new IamClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 }), 'eu-west-1');
    await expect(iam.denied(ROLE, [{ actions: ['rds:DescribeDBInstances'], resources: [DB] }])).rejects.toThrow(/SimulatePrincipalPolicy.*AccessDenied|AccessDenied.*SimulatePrincipalPolicy/);
  });
});
