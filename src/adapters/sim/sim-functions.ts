import { PermanentError } from '../../errors/errors.js';
import type { FunctionInvoker, FunctionRef, FunctionResult } from '../../ports/function-invoker.js';
import type { SimCloud } from './sim-cloud.js';

/** JSON, as a payload is once it went over the wire. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One simulated Lambda function and its idempotency store, JSON-safe. */
interface SimFunction {
  region: string;
  name: string;
  /** Versions and aliases besides $LATEST. */
  qualifiers: string[];
  /** What the function answers when it has an effect (with `effect`, the effect's ordinal, added). */
  response: { [key: string]: Json };
  /** How long a stored response answers for its key (Powertools' expiresAfterSeconds). */
  expiresAfterMs: number;
  /** Set: every invocation fails with this message, unhandled. */
  failure?: string;
  invocations: number;
  effects: { at: number; payload: Json }[];
  /** Powertools' persistence layer: the stored response per idempotency key (the key as JSON), with when it was stored. */
  records: { key: string; at: number; response: Json }[];
}

/** Everything a SimFunctions holds, JSON-safe. */
export interface SimFunctionsSnapshot {
  functions: SimFunction[];
}

/** How a seeded function behaves. */
export interface SimFunctionSeed {
  /** Its answer when it has an effect (default `{ ok: true }`); `effect`, the ordinal of the effect, is added to it. */
  response?: Record<string, unknown>;
  /** Versions and aliases that exist besides $LATEST (the seeded ref's own qualifier is added). */
  qualifiers?: string[];
  /** How long a stored response answers (default one hour, Powertools' default expiresAfterSeconds of 3600). */
  expiresAfterMs?: number;
}

/** Powertools' default record expiry. */
const DEFAULT_EXPIRY_MS = 60 * 60_000;

/** The account the simulated ARNs name. */
const ACCOUNT = '123456789012';

/**
 * A function name as Invoke takes it: a name, `name:qualifier`, or a
 * (partial) ARN `arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]`.
 */
function parseName(ref: FunctionRef): { name: string; qualifier?: string } {
  const parts = ref.functionName.split(':');
  const [name, inline] = ref.functionName.startsWith('arn:') ? [parts[6] ?? '', parts[7]] : [parts[0] ?? '', parts[1]];
  const qualifier = ref.qualifier ?? inline;
  return qualifier ? { name, qualifier } : { name };
}

/**
 * Simulated AWS Lambda functions written the way the port expects: each
 * honours `payload.idempotencyKey` like Powertools for AWS Lambda's
 * idempotency utility (eventKeyJmesPath `idempotencyKey`). The first
 * invocation with a key has an effect and its response is stored; a repeat
 * within the expiry (one hour by default, as Powertools) returns the stored
 * response and has no effect. An invocation that fails stores nothing
 * (Powertools deletes its record), so a retry with the same key runs again;
 * a payload without a key has an effect every time (throwOnNoIdempotencyKey
 * is false by default). A failing function answers like Lambda does: a
 * result with functionError `Unhandled` and the error object as payload,
 * not an error. Every call goes through {@link SimCloud.call} (service
 * `lambda`, operation Invoke, target `<name>[:<qualifier>]`).
 */
export class SimFunctions implements FunctionInvoker {
  private readonly functions = new Map<string, SimFunction>();

  constructor(private readonly cloud: SimCloud) {}

  /** Create a function (deployed outside this model), or reset it. */
  seed(ref: FunctionRef, options: SimFunctionSeed = {}): void {
    const { name, qualifier } = parseName(ref);
    const qualifiers = [...new Set([...(options.qualifiers ?? []), ...(qualifier ? [qualifier] : [])])];
    this.functions.set(key(ref.region, name), {
      region: ref.region,
      name,
      qualifiers,
      response: toJson(options.response ?? { ok: true }) as { [key: string]: Json },
      expiresAfterMs: options.expiresAfterMs ?? DEFAULT_EXPIRY_MS,
      invocations: 0,
      effects: [],
      records: [],
    });
  }

  async invoke(ref: FunctionRef, payload: Record<string, unknown>): Promise<FunctionResult> {
    const { name, qualifier } = parseName(ref);
    return this.cloud.call('lambda', 'Invoke', ref.region, qualifier ? `${name}:${qualifier}` : name, () => {
      const fn = this.require(ref.region, name, qualifier);
      const now = this.cloud.clock.now();
      // What the function receives: the payload's bytes, parsed.
      const event = toJson(payload);
      fn.invocations++;
      fn.records = fn.records.filter((r) => now < r.at + fn.expiresAfterMs);
      const idempotencyKey = (event as { [key: string]: Json })['idempotencyKey'];
      const recordKey = idempotencyKey === undefined || idempotencyKey === null ? undefined : JSON.stringify(idempotencyKey);
      const stored = recordKey === undefined ? undefined : fn.records.find((r) => r.key === recordKey);
      if (stored) return { payload: structuredClone(stored.response) };
      if (fn.failure !== undefined) {
        return { payload: { errorType: 'Error', errorMessage: fn.failure, trace: [] }, functionError: 'Unhandled' };
      }
      fn.effects.push({ at: now, payload: event });
      const response: Json = { ...fn.response, effect: fn.effects.length };
      if (recordKey !== undefined) fn.records.push({ key: recordKey, at: now, response });
      return { payload: structuredClone(response) };
    });
  }

  /** The payloads that had an effect, in order (tests; not an API call). */
  effects(ref: FunctionRef): unknown[] {
    return this.require(ref.region, parseName(ref).name).effects.map((e) => structuredClone(e.payload));
  }

  /** How many invocations reached the function, repeats and failures included (tests; not an API call). */
  invocations(ref: FunctionRef): number {
    return this.require(ref.region, parseName(ref).name).invocations;
  }

  /** Make every invocation fail, unhandled, with `message`; `undefined` mends the function. */
  setFailure(ref: FunctionRef, message: string | undefined): void {
    const fn = this.require(ref.region, parseName(ref).name);
    if (message === undefined) delete fn.failure;
    else fn.failure = message;
  }

  /** A deep copy of every function with its effects and stored responses. */
  snapshot(): SimFunctionsSnapshot {
    return { functions: structuredClone([...this.functions.values()]) };
  }

  /** Replace every function with those of a snapshot (none: no functions, as in snapshots from before they were simulated). */
  restore(snapshot: SimFunctionsSnapshot | undefined): void {
    this.functions.clear();
    for (const fn of structuredClone(snapshot?.functions ?? [])) this.functions.set(key(fn.region, fn.name), fn);
  }

  private require(region: string, name: string, qualifier?: string): SimFunction {
    const fn = this.functions.get(key(region, name));
    if (!fn || (qualifier !== undefined && qualifier !== '$LATEST' && !fn.qualifiers.includes(qualifier))) {
      const arn = `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
      throw new PermanentError(`Invoke: ResourceNotFoundException: Function not found: ${arn}`);
    }
    return fn;
  }
}

function key(region: string, name: string): string {
  return `${region}|${name}`;
}

/** A value as it is after a trip through JSON (undefined members dropped, dates as strings). */
function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}
