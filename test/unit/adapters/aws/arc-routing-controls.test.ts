import nock from 'nock';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ArcRoutingControls, shuffled } from '../../../../src/adapters/aws/arc-routing-controls.js';
import type { ClientTimeouts } from '../../../../src/adapters/aws/client-timeouts.js';
import { PermanentError, TransientError } from '../../../../src/errors/errors.js';
import type { ClusterEndpoint } from '../../../../src/ports/traffic-switch.js';
import { useAwsNock } from '../../../support/aws-nock.js';

/**
 * ArcRoutingControls over the route53-recovery-cluster wire format: JSON 1.0
 * (X-Amz-Target ToggleCustomerAPI.<Operation>) POSTed to the cluster
 * endpoint's own URL (path /v1/), signed for the endpoint's region.
 */
useAwsNock();
const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

/** A cluster's five regional endpoints, as DescribeCluster lists them (and the config copies them). */
const ENDPOINTS: ClusterEndpoint[] = [
  { region: 'us-east-1', url: 'https://aaaaaaaa.route53-recovery-cluster.us-east-1.amazonaws.com/v1' },
  { region: 'us-west-2', url: 'https://bbbbbbbb.route53-recovery-cluster.us-west-2.amazonaws.com/v1' },
  { region: 'eu-west-1', url: 'https://cccccccc.route53-recovery-cluster.eu-west-1.amazonaws.com/v1' },
  { region: 'ap-northeast-1', url: 'https://dddddddd.route53-recovery-cluster.ap-northeast-1.amazonaws.com/v1' },
  { region: 'ap-southeast-2', url: 'https://eeeeeeee.route53-recovery-cluster.ap-southeast-2.amazonaws.com/v1' },
];
const [A, B, C, D, E] = ENDPOINTS as [ClusterEndpoint, ClusterEndpoint, ClusterEndpoint, ClusterEndpoint, ClusterEndpoint];
const ARN_USE1 = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d/routingcontrol/use1aaaa';
const ARN_EUW1 = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d/routingcontrol/euw1bbbb';
const SAFETY_RULE = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d/safetyrule/atleast1';

/** A random function that returns these values in turn (then 0). */
const scripted = (...values: number[]) => () => values.shift() ?? 0;
/** Always 0: the Fisher–Yates shuffle of [A, B, C, D, E] is then [B, C, D, E, A]. */
const ZERO = () => 0;

interface Sent {
  region: string;
  path: string;
  target: string;
  scope: string | undefined;
  body: Record<string, unknown>;
}

type Answer =
  | { ok: Record<string, unknown> }
  | { status: number; type: string; message: string; extra?: Record<string, unknown> }
  | { network: 'ECONNREFUSED' | 'TimeoutError' };

/** Answer the next request to `endpoint`, capturing it into `sent`. */
function arc(sent: Sent[], endpoint: ClusterEndpoint, answer: Answer): void {
  const url = new URL(endpoint.url);
  nock(url.origin)
    // The SDK appends the JSON protocol's path, `/`, to the endpoint's own: /v1/.
    .post((path) => path.startsWith(url.pathname))
    .reply(async function (this: nock.ReplyFnContext, uri, body) {
      const headers = this.req.headers;
      sent.push({
        region: endpoint.region,
        path: uri,
        target: String(headers['x-amz-target']),
        scope: /Credential=[^/]+\/\d{8}\/([^/]+\/[^/]+)\//.exec(String(headers['authorization']))?.[1],
        body: JSON.parse(String(body)) as Record<string, unknown>,
      });
      const json = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `req-${sent.length}` };
      if ('ok' in answer) return [200, JSON.stringify(answer.ok), json];
      if ('network' in answer) {
        // Thrown from an async reply, nock fails the request as the socket would: refused, or the handler's deadline.
        const err = answer.network === 'ECONNREFUSED' ? { code: 'ECONNREFUSED' } : { name: 'TimeoutError' };
        throw Object.assign(new Error(`${answer.network} ${url.host} (simulated)`), err);
      }
      const type = `com.amazonaws.route53recoverycluster#${answer.type}`;
      return [answer.status, JSON.stringify({ __type: type, message: answer.message, ...answer.extra }), json];
    });
}

const UNAVAILABLE = 'EndpointTemporarilyUnavailableException';
const unavailable: Answer = {
  status: 503,
  type: UNAVAILABLE,
  message: 'The cluster endpoint is not available. Try another cluster endpoint.',
};
let controls: ArcRoutingControls[] = [];
afterEach(() => {
  for (const c of controls) c.destroy();
  controls = [];
});
function arcOn(endpoints: ClusterEndpoint[], random: () => number, timeouts?: ClientTimeouts): ArcRoutingControls {
  const api = new ArcRoutingControls(endpoints, random, { credentials: CREDENTIALS, ...(timeouts ? { timeouts } : {}) });
  controls.push(api);
  return api;
}

describe('shuffled', () => {
  it('is a Fisher–Yates shuffle driven by the random function, leaving the input alone', () => {
    const input = ['a', 'b', 'c', 'd', 'e'];
    expect(shuffled(input, ZERO)).toEqual(['b', 'c', 'd', 'e', 'a']);
    expect(shuffled(input, () => 0.999)).toEqual(input);
    // i=4: j=floor(0.5*5)=2 → a b e d c; i=3: j=floor(0.25*4)=1 → a d e b c; i=2: j=0 → e d a b c; i=1: j=floor(0.9*2)=1.
    expect(shuffled(input, scripted(0.5, 0.25, 0, 0.9))).toEqual(['e', 'd', 'a', 'b', 'c']);
    expect(input).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('ArcRoutingControls.getRoutingControlState', () => {
  it('asks the first endpoint of the shuffle, at its URL and signed for its region', async () => {
    const sent: Sent[] = [];
    arc(sent, B, { ok: { RoutingControlArn: ARN_USE1, RoutingControlState: 'On', RoutingControlName: 'use1' } });
    expect(await arcOn(ENDPOINTS, ZERO).getRoutingControlState(ARN_USE1)).toBe('On');
    expect(sent).toEqual([
      {
        region: 'us-west-2',
        path: '/v1/',
        target: 'ToggleCustomerAPI.GetRoutingControlState',
        scope: 'us-west-2/route53-recovery-cluster',
        body: { RoutingControlArn: ARN_USE1 },
      },
    ]);
  });

  it('shuffles again on every call, so calls spread over the endpoints', async () => {
    const sent: Sent[] = [];
    arc(sent, E, { ok: { RoutingControlArn: ARN_USE1, RoutingControlState: 'Off' } });
    arc(sent, C, { ok: { RoutingControlArn: ARN_USE1, RoutingControlState: 'On' } });
    // First call [E, D, A, B, C] (the arithmetic is in the shuffle test); second: only i=2 swaps, with 0, giving [C, B, A, D, E].
    const api = arcOn(ENDPOINTS, scripted(0.5, 0.25, 0, 0.9, 0.999, 0.999, 0, 0.999));
    expect(await api.getRoutingControlState(ARN_USE1)).toBe('Off');
    expect(await api.getRoutingControlState(ARN_USE1)).toBe('On');
    expect(sent.map((s) => s.region)).toEqual(['ap-southeast-2', 'eu-west-1']);
  });

  it('a state other than On or Off is a PermanentError', async () => {
    arc([], B, { ok: { RoutingControlArn: ARN_USE1, RoutingControlState: 'Maybe' } });
    await expect(arcOn(ENDPOINTS, ZERO).getRoutingControlState(ARN_USE1)).rejects.toThrow(PermanentError);
  });
});

describe('ArcRoutingControls.updateRoutingControlStates', () => {
  const entries = [
    { routingControlArn: ARN_USE1, state: 'Off' as const },
    { routingControlArn: ARN_EUW1, state: 'On' as const },
  ];
  const ENTRIES_ON_WIRE = [
    { RoutingControlArn: ARN_USE1, RoutingControlState: 'Off' },
    { RoutingControlArn: ARN_EUW1, RoutingControlState: 'On' },
  ];

  it('one UpdateRoutingControlStates, every entry, no SafetyRulesToOverride; past an unavailable and a refusing endpoint', async () => {
    const sent: Sent[] = [];
    arc(sent, B, unavailable);
    arc(sent, C, { network: 'ECONNREFUSED' });
    arc(sent, D, { ok: {} });
    await arcOn(ENDPOINTS, ZERO).updateRoutingControlStates(entries);
    expect(sent.map((s) => [s.region, s.scope, s.path, s.target])).toEqual([
      ['us-west-2', 'us-west-2/route53-recovery-cluster', '/v1/', 'ToggleCustomerAPI.UpdateRoutingControlStates'],
      ['eu-west-1', 'eu-west-1/route53-recovery-cluster', '/v1/', 'ToggleCustomerAPI.UpdateRoutingControlStates'],
      ['ap-northeast-1', 'ap-northeast-1/route53-recovery-cluster', '/v1/', 'ToggleCustomerAPI.UpdateRoutingControlStates'],
    ]);
    // The same request each time: nothing added or dropped on the way round.
    for (const s of sent) expect(s.body).toEqual({ UpdateRoutingControlStateEntries: ENTRIES_ON_WIRE });
  });

  it('break-glass: SafetyRulesToOverride only when the caller names rules, never as an empty list', async () => {
    const sent: Sent[] = [];
    arc(sent, B, { ok: {} });
    arc(sent, B, { ok: {} });
    const api = arcOn(ENDPOINTS, ZERO);
    await api.updateRoutingControlStates(entries, [SAFETY_RULE]);
    await api.updateRoutingControlStates(entries, []);
    expect(sent.map((s) => s.body)).toEqual([
      { UpdateRoutingControlStateEntries: ENTRIES_ON_WIRE, SafetyRulesToOverride: [SAFETY_RULE] },
      { UpdateRoutingControlStateEntries: ENTRIES_ON_WIRE },
    ]);
  });

  it('when every endpoint fails (unavailable, 500, deadline, refused), a TransientError naming each failure in order', async () => {
    const sent: Sent[] = [];
    arc(sent, B, unavailable);
    arc(sent, C, { status: 500, type: 'InternalServerException', message: 'There was an unexpected error during processing.' });
    arc(sent, D, { network: 'TimeoutError' });
    arc(sent, E, { network: 'ECONNREFUSED' });
    arc(sent, A, unavailable);
    const err = await arcOn(ENDPOINTS, ZERO).updateRoutingControlStates(entries).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    const message = (err as Error).message;
    expect(message).toMatch(new RegExp(`^UpdateRoutingControlStates ${ARN_USE1}=Off, ${ARN_EUW1}=On: no cluster endpoint answered: `));
    const failures = message.slice(message.indexOf('answered: ') + 'answered: '.length).split('; ');
    const where = failures.map((f) => f.slice(0, f.indexOf(': ', f.indexOf(')'))));
    expect(where).toEqual([B, C, D, E, A].map((ep) => `${ep.url} (${ep.region})`));
    const codes = failures.map((f) => f.split(': ')[1]);
    expect(codes).toEqual([UNAVAILABLE, 'InternalServerException', 'TimeoutError', 'ECONNREFUSED', UNAVAILABLE]);
    expect(sent).toHaveLength(5);
  });

  it('ConflictException and ThrottlingException are TransientErrors from the endpoint that said so; no other is asked', async () => {
    const sent: Sent[] = [];
    const extra = { resourceId: 'r', resourceType: 't' };
    arc(sent, B, { status: 409, type: 'ConflictException', message: 'There was a conflict with this request. Try again.', extra });
    arc(sent, B, { status: 429, type: 'ThrottlingException', message: 'Rate exceeded' });
    const api = arcOn(ENDPOINTS, ZERO);
    for (const code of ['ConflictException', 'ThrottlingException']) {
      const err = await api.updateRoutingControlStates(entries).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransientError);
      expect((err as Error).message).toMatch(new RegExp(`at ${B.url.replace(/[.]/g, '\\.')} \\(us-west-2\\): ${code}: `));
    }
    expect(sent.map((s) => s.region)).toEqual(['us-west-2', 'us-west-2']);
  });

  it.each([
    [400, 'ValidationException', { reason: 'fieldValidationFailed', fields: [{ name: 'RoutingControlArn', message: 'invalid' }] }],
    [403, 'AccessDeniedException', {}],
    [404, 'ResourceNotFoundException', { resourceId: ARN_USE1, resourceType: 'RoutingControl' }],
    [402, 'ServiceLimitExceededException', { limitCode: 'x', serviceCode: 'y', resourceId: 'r', resourceType: 't' }],
  ])('%s %s is a PermanentError after one request', async (status, type, extra) => {
    const sent: Sent[] = [];
    arc(sent, B, { status, type, message: `${type} (simulated)`, extra });
    const err = await arcOn(ENDPOINTS, ZERO).updateRoutingControlStates(entries).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain(`: ${type}: ${type} (simulated)`);
    expect(sent).toHaveLength(1);
  });

  it('refuses an empty update and a cluster without endpoints, sending nothing', async () => {
    await expect(arcOn(ENDPOINTS, ZERO).updateRoutingControlStates([])).rejects.toThrow(PermanentError);
    await expect(arcOn([], ZERO).updateRoutingControlStates(entries)).rejects.toThrow(/no endpoints/);
  });

  it('an endpoint that accepts the connection and never answers is left at its request deadline for the next', async () => {
    const sockets = new Set<Socket>();
    let requests = 0;
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => requests++);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    nock.enableNetConnect('127.0.0.1');
    try {
      const hanging: ClusterEndpoint = { region: 'us-west-2', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
      const sent: Sent[] = [];
      arc(sent, C, { ok: {} });
      // [A, hanging, C] shuffled with 0s: [hanging, C, A].
      await arcOn([A, hanging, C], ZERO, { connectionTimeout: 1_000, requestTimeout: 200 }).updateRoutingControlStates(entries);
      expect([requests, ...sent.map((s) => s.region)]).toEqual([1, 'eu-west-1']);
    } finally {
      nock.disableNetConnect();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
