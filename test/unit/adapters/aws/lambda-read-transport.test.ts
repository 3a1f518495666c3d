import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LambdaReadTransport } from '../../../../src/adapters/aws/lambda-read-transport.js';
import type { ReadRequest } from '../../../../src/adapters/remote/read-protocol.js';
import { PermanentError, TransientError } from '../../../../src/errors/errors.js';

const LAMBDA = 'https://lambda.eu-west-1.amazonaws.com';
const PATH = '/2015-03-31/functions/failover-controller-prod-reader/invocations';
const REQUEST: ReadRequest = { source: 'failover-controller', reads: [{ op: 'dns.listRecords', hostedZoneId: 'Z1', name: 'shop.example.com.' }] };
const transport = () => new LambdaReadTransport('failover-controller-prod-reader', { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('LambdaReadTransport: reads through a synchronous invocation of the reader function', () => {
  it('invokes the reader synchronously with the batch and returns its answer', async () => {
    let sent: { headers: Record<string, unknown>; body: unknown } | undefined;
    nock(LAMBDA)
      .post(PATH)
      .reply(function (_uri, body) {
        sent = { headers: this.req.headers, body };
        return [200, { results: [{ ok: true, value: [] }] }, { 'x-amz-executed-version': '$LATEST' }];
      });
    expect(await transport().read(REQUEST)).toEqual({ results: [{ ok: true, value: [] }] });
    expect(sent?.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(JSON.parse(String(sent?.body))).toEqual(REQUEST);
  });

  it('fails with the function’s own words when the reader failed as a whole', async () => {
    nock(LAMBDA)
      .post(PATH)
      .reply(200, { errorType: 'Error', errorMessage: 'missing environment: FAILOVER_CONFIG' }, { 'x-amz-function-error': 'Unhandled' });
    const err = await transport().read(REQUEST).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toBe('Invoke failover-controller-prod-reader (1 read): the function failed (Unhandled): Error: missing environment: FAILOVER_CONFIG');
  });

  it('translates Lambda’s throttling into a transient error, and a missing function into a permanent one', async () => {
    nock(LAMBDA).post(PATH).reply(429, { Type: 'User', message: 'Rate Exceeded.', Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' }, { 'x-amzn-errortype': 'TooManyRequestsException' });
    await expect(transport().read(REQUEST)).rejects.toBeInstanceOf(TransientError);
    nock(LAMBDA).post(PATH).reply(404, { Type: 'User', Message: 'Function not found' }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
    await expect(transport().read(REQUEST)).rejects.toThrow(/Invoke failover-controller-prod-reader \(1 read\): ResourceNotFoundException/);
  });
});
