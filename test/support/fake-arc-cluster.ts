import nock from 'nock';
import type { ClusterEndpoint, RoutingControlState } from '../../src/ports/traffic-switch.js';

const TARGET_PREFIX = 'ToggleCustomerAPI.';
const ERROR_NAMESPACE = 'com.amazonaws.route53recoverycluster#';

/** How an endpoint that is down fails. */
export type EndpointFault =
  /** 503 EndpointTemporarilyUnavailableException: "Try another cluster endpoint" (an endpoint cycled out for maintenance). */
  | 'unavailable'
  /** The connection is refused: no HTTP answer at all. */
  | 'refused'
  /** 500 InternalServerException. */
  | 'internal-error';

/** One request an endpoint received. */
export interface FakeArcCall {
  /** The region of the endpoint asked. */
  region: string;
  /** The operation of X-Amz-Target, e.g. UpdateRoutingControlStates. */
  operation: string;
  /** `ok`, the error code answered, or ECONNREFUSED. */
  outcome: string;
  body: Record<string, unknown>;
}

class ArcError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * A small, stateful stand-in for one Route 53 ARC cluster's data plane
 * (route53-recovery-cluster, API 2019-12-02) behind nock: its regional
 * endpoints, each at its own URL, share one set of routing-control states.
 * The wire format is the installed SDK's: JSON 1.0 POSTed to the endpoint's
 * path plus `/`, X-Amz-Target `ToggleCustomerAPI.<Operation>`, errors as
 * `__type` `com.amazonaws.route53recoverycluster#<Code>` with `message`.
 * - GetRoutingControlState answers the state (and the control's name);
 *   an unknown ARN is ResourceNotFoundException (404).
 * - UpdateRoutingControlStates applies every entry or none: an empty list or
 *   a state other than On/Off is ValidationException (400), an unknown ARN
 *   ResourceNotFoundException (404). SafetyRulesToOverride is recorded but
 *   the fake models no safety rules: the error ARC answers when one blocks
 *   an update is not documented, so the fake does not make one up.
 * - A request must be signed for its endpoint's region (403
 *   InvalidSignatureException otherwise), as SigV4 requires.
 * - Faults: `takeDown` an endpoint (EndpointTemporarilyUnavailableException,
 *   a refused connection or a 500) until `bringUp`; `throttleNext` answers
 *   the next request, at whichever endpoint, 429 ThrottlingException.
 */
export class FakeArcCluster {
  readonly calls: FakeArcCall[] = [];
  private readonly states = new Map<string, RoutingControlState>();
  private readonly down = new Map<string, EndpointFault>();
  private throttles = 0;
  private interceptors: nock.Interceptor[] = [];
  private nextRequest = 1;

  constructor(private readonly endpoints: ClusterEndpoint[]) {}

  /** Create a routing control (ARC's control plane, outside the fake) in a state. */
  seed(arn: string, state: RoutingControlState): void {
    this.states.set(arn, state);
  }

  /** A control's state, read behind the API's back. */
  state(arn: string): RoutingControlState | undefined {
    return this.states.get(arn);
  }

  /** Make the endpoint in `region` fail every request, in this way, until `bringUp`. */
  takeDown(region: string, how: EndpointFault): void {
    this.down.set(region, how);
  }

  /** Let the endpoint in `region` answer again. */
  bringUp(region: string): void {
    this.down.delete(region);
  }

  /** Answer the next request that reaches a working endpoint with 429 ThrottlingException. */
  throttleNext(): void {
    this.throttles++;
  }

  /** Start answering at every endpoint. */
  install(): this {
    const fake = this;
    for (const endpoint of this.endpoints) {
      const url = new URL(endpoint.url);
      const base = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
      const interceptor = nock(url.origin).persist().post((path) => path === base);
      interceptor.reply(async function (this: nock.ReplyFnContext, _uri, body) {
        return fake.handle(endpoint, this.req.headers, body);
      });
      this.interceptors.push(interceptor);
    }
    return this;
  }

  /** Stop answering. */
  close(): void {
    for (const interceptor of this.interceptors) nock.removeInterceptor(interceptor);
    this.interceptors = [];
  }

  private handle(
    endpoint: ClusterEndpoint,
    headers: Record<string, string | string[] | undefined>,
    raw: nock.Body,
  ): [number, string, Record<string, string>] {
    const target = String(headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    const body = (typeof raw === 'string' ? (raw === '' ? {} : JSON.parse(raw)) : raw) as Record<string, unknown>;
    const call: FakeArcCall = { region: endpoint.region, operation, outcome: 'ok', body };
    this.calls.push(call);
    const json = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `arc-${this.nextRequest++}` };
    try {
      const fault = this.down.get(endpoint.region);
      if (fault === 'refused') {
        call.outcome = 'ECONNREFUSED';
        // Thrown from an async reply, nock fails the request as a refused connection would.
        throw Object.assign(new Error(`connect ECONNREFUSED ${new URL(endpoint.url).host} (simulated)`), { code: 'ECONNREFUSED' });
      }
      if (fault === 'unavailable') {
        const message = 'The cluster endpoint is not available. Try another cluster endpoint.';
        throw new ArcError(503, 'EndpointTemporarilyUnavailableException', message);
      }
      if (fault === 'internal-error') {
        throw new ArcError(500, 'InternalServerException', 'There was an unexpected error during processing.');
      }
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(headers['authorization'] ?? ''));
      if (scope?.[1] !== endpoint.region || scope[2] !== 'route53-recovery-cluster') {
        const signedFor = scope?.[1] ?? '(none)';
        throw new ArcError(403, 'InvalidSignatureException', `Credential should be scoped to a valid region, not '${signedFor}'.`);
      }
      if (this.throttles > 0) {
        this.throttles--;
        throw new ArcError(429, 'ThrottlingException', 'Rate exceeded', { retryAfterSeconds: 1 });
      }
      let answer: Record<string, unknown>;
      if (operation === 'GetRoutingControlState') answer = this.get(body);
      else if (operation === 'UpdateRoutingControlStates') answer = this.update(body);
      else throw new ArcError(400, 'ValidationException', `unknown operation ${target}`, { reason: 'unknownOperation' });
      return [200, JSON.stringify(answer), json];
    } catch (err) {
      if (!(err instanceof ArcError)) throw err;
      call.outcome = err.code;
      return [err.status, JSON.stringify({ __type: `${ERROR_NAMESPACE}${err.code}`, message: err.message, ...err.extra }), json];
    }
  }

  private get(body: Record<string, unknown>): Record<string, unknown> {
    const arn = body['RoutingControlArn'];
    if (typeof arn !== 'string') throw invalid('RoutingControlArn', 'Member must not be null');
    const state = this.known(arn);
    return { RoutingControlArn: arn, RoutingControlState: state, RoutingControlName: arn.slice(arn.lastIndexOf('/') + 1) };
  }

  private update(body: Record<string, unknown>): Record<string, unknown> {
    const entries = body['UpdateRoutingControlStateEntries'];
    if (!Array.isArray(entries) || entries.length === 0) {
      throw invalid('UpdateRoutingControlStateEntries', 'Member must have at least 1 entry');
    }
    const changes: [string, RoutingControlState][] = [];
    for (const entry of entries as Record<string, unknown>[]) {
      const arn = entry['RoutingControlArn'];
      const state = entry['RoutingControlState'];
      if (typeof arn !== 'string') throw invalid('RoutingControlArn', 'Member must not be null');
      if (state !== 'On' && state !== 'Off') throw invalid('RoutingControlState', 'Member must satisfy enum value set: [On, Off]');
      this.known(arn);
      changes.push([arn, state]);
    }
    // Validated first, applied after: one transaction.
    for (const [arn, state] of changes) this.states.set(arn, state);
    return {};
  }

  private known(arn: string): RoutingControlState {
    const state = this.states.get(arn);
    if (!state) {
      const extra = { resourceId: arn, resourceType: 'RoutingControl' };
      throw new ArcError(404, 'ResourceNotFoundException', `Routing control ${arn} not found`, extra);
    }
    return state;
  }
}

function invalid(field: string, why: string): ArcError {
  return new ArcError(400, 'ValidationException', `1 validation error detected: ${field}: ${why}`, {
    reason: 'fieldValidationFailed',
    fields: [{ name: field, message: why }],
  });
}
