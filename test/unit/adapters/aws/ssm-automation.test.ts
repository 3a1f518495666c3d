import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { clientTokenUuid, SsmAutomation } from '../../../../src/adapters/aws/ssm-automation.js';
import { PermanentError, TransientError } from '../../../../src/errors/errors.js';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Sent {
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** Answer the next SSM request to eu-west-1 with this status and JSON, recording what was sent. */
function answer(status: number, json: Record<string, unknown>, sent: Sent[] = []): Sent[] {
  nock('https://ssm.eu-west-1.amazonaws.com')
    .post('/')
    .reply(function (_uri, body) {
      sent.push({ headers: this.req.headers, body: (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown> });
      return [status, JSON.stringify(json), { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' }];
    });
  return sent;
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

describe('the client token as SSM wants it (a UUID)', () => {
  it('passes a UUID as it is, in lower case', () => {
    expect(clientTokenUuid('0F6C1D3E-2B4A-4C5D-8E9F-A0B1C2D3E4F5')).toBe('0f6c1d3e-2b4a-4c5d-8e9f-a0b1c2d3e4f5');
  });

  it('makes any other token a name-based UUID (version 5): the same token always the same, tokens differing in case too', () => {
    const token = clientTokenUuid('run-7:drain-queue');
    expect(token).toMatch(UUID_V5);
    expect(clientTokenUuid('run-7:drain-queue')).toBe(token);
    expect(clientTokenUuid('RUN-7:Drain-Queue')).toBe(token);
    expect(clientTokenUuid('run-8:drain-queue')).not.toBe(token);
  });
});

describe('SsmAutomation on the wire (SSM JSON 1.1)', () => {
  const clients = (maxAttempts = 1) => new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts });

  it('StartAutomationExecution: target, document, version, parameters and the ClientToken as a UUID; retried by the SDK', async () => {
    const sent = answer(500, { __type: 'InternalServerError', Message: 'try again' });
    answer(200, { AutomationExecutionId: '4105a4fc-f944-11e6-9d32-0a1b2c3d495f' }, sent);
    const pool = clients(3);
    try {
      const id = await new SsmAutomation(pool).start({
        region: 'eu-west-1',
        documentName: 'Shop-DrainQueue',
        documentVersion: '3',
        parameters: { QueueName: ['orders'] },
        clientToken: 'run-7:drain-queue',
      });
      expect(id).toBe('4105a4fc-f944-11e6-9d32-0a1b2c3d495f');
    } finally {
      pool.destroy();
    }
    // The token makes the re-send start nothing new, so the SDK may repeat it: the same body twice.
    expect(sent).toHaveLength(2);
    expect(sent[0]!.headers['x-amz-target']).toBe('AmazonSSM.StartAutomationExecution');
    expect(sent[0]!.body).toEqual({
      DocumentName: 'Shop-DrainQueue',
      DocumentVersion: '3',
      Parameters: { QueueName: ['orders'] },
      ClientToken: clientTokenUuid('run-7:drain-queue'),
    });
    expect(sent[1]!.body).toEqual(sent[0]!.body);
  });

  it('GetAutomationExecution: the id asked for; status verbatim, the failure message, outputs when there are any', async () => {
    const sent = answer(200, {
      AutomationExecution: {
        AutomationExecutionId: 'e-1',
        DocumentName: 'Shop-DrainQueue',
        AutomationExecutionStatus: 'Failed',
        FailureMessage: 'Step fails when it is executing.',
        Outputs: {},
      },
    });
    answer(
      200,
      {
        AutomationExecution: { AutomationExecutionId: 'e-2', AutomationExecutionStatus: 'Success', Outputs: { 'drain.Drained': ['412'] } },
      },
      sent,
    );
    const pool = clients();
    try {
      const ssm = new SsmAutomation(pool);
      expect(await ssm.describe('eu-west-1', 'e-1')).toEqual({
        executionId: 'e-1',
        status: 'Failed',
        failureMessage: 'Step fails when it is executing.',
      });
      expect(await ssm.describe('eu-west-1', 'e-2')).toEqual({
        executionId: 'e-2',
        status: 'Success',
        outputs: { 'drain.Drained': ['412'] },
      });
    } finally {
      pool.destroy();
    }
    expect(sent[0]!.headers['x-amz-target']).toBe('AmazonSSM.GetAutomationExecution');
    expect(sent[0]!.body).toEqual({ AutomationExecutionId: 'e-1' });
  });

  it('translates SSM errors: the concurrency limit is transient (executions end), a missing document or a reused token permanent', async () => {
    const pool = clients();
    const ssm = new SsmAutomation(pool);
    const start = () => ssm.start({ region: 'eu-west-1', documentName: 'Shop-DrainQueue', clientToken: 't' }).catch((e: unknown) => e);
    try {
      answer(400, { __type: 'AutomationExecutionLimitExceededException', Message: 'limit' });
      expect(await start()).toBeInstanceOf(TransientError);
      answer(400, { __type: 'AutomationDefinitionNotFoundException', Message: 'Document with name Shop-DrainQueue does not exist.' });
      const missing = await start();
      expect(missing).toBeInstanceOf(PermanentError);
      expect((missing as Error).message).toMatch(
        /^StartAutomationExecution Shop-DrainQueue \(eu-west-1\): AutomationDefinitionNotFoundException: Document with name/,
      );
      answer(400, { __type: 'IdempotentParameterMismatch', Message: 'reused' });
      expect(await start()).toBeInstanceOf(PermanentError);
      answer(400, { __type: 'AutomationExecutionNotFoundException', Message: 'not found' });
      await expect(ssm.describe('eu-west-1', 'e-9')).rejects.toThrow(
        /^GetAutomationExecution e-9 \(eu-west-1\): AutomationExecutionNotFoundException/,
      );
    } finally {
      pool.destroy();
    }
  });
});
