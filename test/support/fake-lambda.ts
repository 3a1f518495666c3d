import type nock from 'nock';
import { type FakeAnswer, NockFake } from './nock-fake.js';

const ACCOUNT = '123456789012';
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/?]+)\/invocations(\?.*)?$/;

/** One request the fake answered: the function and qualifier asked for, the headers, the payload's text, the status. */
export interface FakeLambdaCall {
  functionName: string;
  qualifier?: string;
  headers: Record<string, string | string[] | undefined>;
  payload: string;
  status: number;
}

/** How a function behaves: as the sim's (src/adapters/sim/sim-functions.ts) SimFunctionSeed. */
export interface FakeFunctionSeed {
  response?: Record<string, unknown>;
  qualifiers?: string[];
  expiresAfterMs?: number;
}

interface FakeFunction {
  qualifiers: string[];
  response: Record<string, unknown>;
  expiresAfterMs: number;
  failure?: string;
  invocations: number;
  effects: unknown[];
  records: Map<string, { at: number; response: unknown }>;
}

class LambdaError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small stand-in for AWS Lambda in one region behind nock, with functions
 * written the way the function port expects. The wire format is Lambda's
 * REST-JSON Invoke: `POST /2015-03-31/functions/{FunctionName}/invocations`
 * with `?Qualifier=`, X-Amz-Invocation-Type, the payload as the raw body;
 * the answer is the function's response as the raw body, 200 even when the
 * function failed, with X-Amz-Function-Error `Unhandled` and the error
 * object then; Lambda's own errors name themselves in X-Amzn-ErrorType
 * with a `{ Type, message }` body (ResourceNotFoundException, 404, for an
 * unknown function or qualifier).
 *
 * Each function honours `idempotencyKey` in its event like Powertools'
 * idempotency utility: the first invocation with a key has an effect and
 * its response is stored for `expiresAfterMs` (default one hour); a repeat
 * gets the stored response; a failed invocation stores nothing. Requests
 * must be signed for this region and `lambda`; `takeDown` refuses every
 * connection until `bringUp`.
 */
export class FakeLambda extends NockFake {
  readonly calls: FakeLambdaCall[] = [];
  private readonly functions = new Map<string, FakeFunction>();
  private nextRequest = 1;

  constructor(private readonly options: { region: string; now: () => number }) {
    super();
  }

  get endpoint(): string {
    return `https://lambda.${this.options.region}.amazonaws.com`;
  }

  /** Deploy a function (outside the API). */
  addFunction(name: string, seed: FakeFunctionSeed = {}): void {
    this.functions.set(name, {
      qualifiers: seed.qualifiers ?? [],
      response: seed.response ?? { ok: true },
      expiresAfterMs: seed.expiresAfterMs ?? 60 * 60_000,
      invocations: 0,
      effects: [],
      records: new Map(),
    });
  }

  /** The events that had an effect, in order. */
  effects(name: string): unknown[] {
    return structuredClone(this.fn(name).effects);
  }

  /** How many invocations reached the function. */
  invocations(name: string): number {
    return this.fn(name).invocations;
  }

  /** Make every invocation fail, unhandled, with `message`; `undefined` mends the function. */
  setFailure(name: string, message: string | undefined): void {
    const fn = this.fn(name);
    if (message === undefined) delete fn.failure;
    else fn.failure = message;
  }

  protected intercept(scope: nock.Scope): nock.Interceptor {
    return scope.post((path) => INVOKE_PATH.test(path));
  }

  protected answer(uri: string, headers: Record<string, string | string[] | undefined>, body: nock.Body): FakeAnswer {
    return this.handle(uri, headers, body);
  }

  private handle(
    uri: string,
    headers: Record<string, string | string[] | undefined>,
    raw: nock.Body,
  ): [number, string, Record<string, string>] {
    if (this.down) {
      throw Object.assign(new Error(`connect ECONNREFUSED lambda.${this.options.region}.amazonaws.com (simulated)`), {
        code: 'ECONNREFUSED',
      });
    }
    const url = new URL(uri, this.endpoint);
    const requested = decodeURIComponent(INVOKE_PATH.exec(url.pathname)![1]!);
    const payload = typeof raw === 'string' ? raw : JSON.stringify(raw);
    const requestId = `lambda-${this.nextRequest++}`;
    // A name, name:qualifier, or an ARN arn:aws:lambda:<region>:<account>:function:<name>[:qualifier].
    const parts = requested.split(':');
    const [name, inline] = requested.startsWith('arn:') ? [parts[6] ?? '', parts[7]] : [parts[0] ?? '', parts[1]];
    const qualifier = url.searchParams.get('Qualifier') ?? inline ?? undefined;
    const call: FakeLambdaCall = { functionName: name, headers, payload, status: 200, ...(qualifier !== undefined ? { qualifier } : {}) };
    this.calls.push(call);
    try {
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(headers['authorization'] ?? ''));
      if (scope?.[1] !== this.options.region || scope[2] !== 'lambda')
        throw new LambdaError(403, 'InvalidSignatureException', 'Credential should be scoped correctly.');
      const type = String(headers['x-amz-invocation-type'] ?? 'RequestResponse');
      if (type !== 'RequestResponse')
        throw new LambdaError(400, 'InvalidParameterValueException', `the fake answers RequestResponse only, not ${type}`);
      const fn = this.functions.get(name);
      if (!fn || (qualifier !== undefined && qualifier !== '$LATEST' && !fn.qualifiers.includes(qualifier))) {
        throw new LambdaError(
          404,
          'ResourceNotFoundException',
          `Function not found: arn:aws:lambda:${this.options.region}:${ACCOUNT}:function:${name}${qualifier ? `:${qualifier}` : ''}`,
        );
      }
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(payload) as Record<string, unknown>;
      } catch {
        throw new LambdaError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
      }
      const [body, failed] = this.run(fn, event);
      const answer: Record<string, string> = {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'x-amz-executed-version': qualifier ?? '$LATEST',
      };
      if (failed) answer['x-amz-function-error'] = 'Unhandled';
      return [200, JSON.stringify(body), answer];
    } catch (err) {
      if (!(err instanceof LambdaError)) throw err;
      call.status = err.status;
      return [
        err.status,
        JSON.stringify({ Type: 'User', message: err.message }),
        { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': err.code },
      ];
    }
  }

  /** The function itself, with its idempotency store: its response, and whether it failed. */
  private run(fn: FakeFunction, event: Record<string, unknown>): [unknown, boolean] {
    const now = this.options.now();
    fn.invocations++;
    const key =
      event['idempotencyKey'] === undefined || event['idempotencyKey'] === null ? undefined : JSON.stringify(event['idempotencyKey']);
    const stored = key === undefined ? undefined : fn.records.get(key);
    if (stored && now < stored.at + fn.expiresAfterMs) return [stored.response, false];
    if (fn.failure !== undefined) return [{ errorType: 'Error', errorMessage: fn.failure, trace: [] }, true];
    fn.effects.push(event);
    const response = { ...fn.response, effect: fn.effects.length };
    if (key !== undefined) fn.records.set(key, { at: now, response });
    return [response, false];
  }

  private fn(name: string): FakeFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new Error(`FakeLambda: no function ${name}`);
    return fn;
  }
}
