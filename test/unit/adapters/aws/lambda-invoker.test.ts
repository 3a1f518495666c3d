import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { LambdaInvoker } from '../../../../src/adapters/aws/lambda-invoker.js';
import { PermanentError, TransientError } from '../../../../src/errors/errors.js';

const REF = { region: 'eu-west-1', functionName: 'shop-flush-cache' };

interface Sent {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Answer the next Invoke in eu-west-1 with this status, raw body and headers, recording what was sent. */
function answer(status: number, body: string, headers: Record<string, string> = {}, sent: Sent[] = []): Sent[] {
  nock('https://lambda.eu-west-1.amazonaws.com')
    .post((path) => path.startsWith('/2015-03-31/functions/'))
    .reply(function (uri, requestBody) {
      sent.push({
        path: uri,
        headers: this.req.headers,
        body: typeof requestBody === 'string' ? requestBody : JSON.stringify(requestBody),
      });
      return [status, body, { 'x-amzn-requestid': 'req-1', ...headers }];
    });
  return sent;
}

/** Lambda's own error: the code in X-Amzn-ErrorType, `{ Type, message }` as the body. */
function lambdaError(status: number, code: string, message: string, sent: Sent[] = []): Sent[] {
  return answer(
    status,
    JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', message }),
    { 'content-type': 'application/json', 'x-amzn-errortype': code },
    sent,
  );
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

describe('LambdaInvoker on the wire (Lambda REST-JSON Invoke)', () => {
  const clients = (maxAttempts = 1) => new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts });

  it('POSTs the payload’s JSON bytes to the function’s invocations path, RequestResponse, with the Qualifier', async () => {
    const sent = answer(200, JSON.stringify({ flushed: 12 }), { 'content-type': 'application/json', 'x-amz-executed-version': '7' });
    const pool = clients();
    try {
      const payload = { idempotencyKey: 'run-1:flush-cache', keys: ['a'] };
      expect(await new LambdaInvoker(pool).invoke({ ...REF, qualifier: 'live' }, payload)).toEqual({ payload: { flushed: 12 } });
      expect(sent).toHaveLength(1);
      expect(sent[0]!.path).toBe('/2015-03-31/functions/shop-flush-cache/invocations?Qualifier=live');
      expect(sent[0]!.headers['x-amz-invocation-type']).toBe('RequestResponse');
      expect(sent[0]!.headers['x-amz-log-type']).toBeUndefined();
      expect(JSON.parse(sent[0]!.body)).toEqual(payload);
    } finally {
      pool.destroy();
    }
  });

  it('an ARN goes in the path, encoded; no Qualifier without one', async () => {
    const sent = answer(200, 'null', { 'content-type': 'application/json' });
    const pool = clients();
    try {
      const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:shop-flush-cache';
      expect(await new LambdaInvoker(pool).invoke({ region: 'eu-west-1', functionName: arn }, { idempotencyKey: 'k' })).toEqual({
        payload: null,
      });
      expect(sent[0]!.path).toBe(`/2015-03-31/functions/${encodeURIComponent(arn)}/invocations`);
    } finally {
      pool.destroy();
    }
  });

  it('a failed function is an answer: X-Amz-Function-Error becomes functionError, the error object the payload', async () => {
    const pool = clients();
    try {
      const invoker = new LambdaInvoker(pool);
      answer(200, JSON.stringify({ errorType: 'Error', errorMessage: 'redis refused', trace: [] }), {
        'x-amz-function-error': 'Unhandled',
      });
      expect(await invoker.invoke(REF, { idempotencyKey: 'k' })).toEqual({
        functionError: 'Unhandled',
        payload: { errorType: 'Error', errorMessage: 'redis refused', trace: [] },
      });
      answer(200, JSON.stringify({ errorType: 'ValidationError', errorMessage: 'no keys' }), { 'x-amz-function-error': 'Handled' });
      expect(await invoker.invoke(REF, { idempotencyKey: 'k' })).toMatchObject({ functionError: 'Handled' });
      // A response that is not JSON comes back as its text.
      answer(200, 'done');
      expect(await invoker.invoke(REF, { idempotencyKey: 'k' })).toEqual({ payload: 'done' });
    } finally {
      pool.destroy();
    }
  });

  it('goes out once even with SDK retries: a 5xx may come after the function ran', async () => {
    const sent = lambdaError(500, 'ServiceException', 'internal');
    answer(200, '{}', {}, sent);
    const pool = clients(3);
    try {
      await expect(new LambdaInvoker(pool).invoke(REF, { idempotencyKey: 'k' })).rejects.toThrow(TransientError);
      expect(sent).toHaveLength(1);
    } finally {
      pool.destroy();
    }
  });

  it('translates Lambda’s refusals, with its exceptions to the status rules', async () => {
    const pool = clients();
    const invoker = new LambdaInvoker(pool);
    const outcome = async (status: number, code: string) => {
      lambdaError(status, code, `${code} says no`);
      return invoker.invoke(REF, { idempotencyKey: 'k' }).catch((e: unknown) => e);
    };
    try {
      const missing = await outcome(404, 'ResourceNotFoundException');
      expect(missing).toBeInstanceOf(PermanentError);
      expect((missing as Error).message).toBe(
        'Invoke shop-flush-cache (eu-west-1): ResourceNotFoundException: ResourceNotFoundException says no (request req-1)',
      );
      expect(await outcome(429, 'TooManyRequestsException')).toBeInstanceOf(TransientError);
      // 502, yet the function's KMS key or code is broken: no retry mends it.
      expect(await outcome(502, 'KMSAccessDeniedException')).toBeInstanceOf(PermanentError);
      expect(await outcome(502, 'InvalidZipFileException')).toBeInstanceOf(PermanentError);
      // 409 while the function is being updated (state Pending): it passes.
      expect(await outcome(409, 'ResourceConflictException')).toBeInstanceOf(TransientError);
      expect(await outcome(502, 'ResourceNotReadyException')).toBeInstanceOf(TransientError);
      expect(await outcome(413, 'RequestTooLargeException')).toBeInstanceOf(PermanentError);
    } finally {
      pool.destroy();
    }
  });
});
