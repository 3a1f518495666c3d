import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Route53HealthChecks } from '../../../../src/adapters/aws/route53-health-checks.js';
import { ConflictError, PermanentError, TransientError } from '../../../../src/errors/errors.js';
import type { Clock } from '../../../../src/ports/clock.js';
import type { HealthCheckSpec } from '../../../../src/ports/traffic-switch.js';
import { useAwsNock } from '../../../support/aws-nock.js';
import { child, children, parseXml, textOf, type XmlElement } from '../../../support/tiny-xml.js';

/**
 * Route53HealthChecks over Route 53's REST-XML wire format (API 2013-04-01),
 * answers shaped as the API reference shows them: ListHealthChecks,
 * CreateHealthCheck (201 with a Location header) and GetHostedZone.
 */
const ENDPOINT = 'https://route53.amazonaws.com';
const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const XML = { 'content-type': 'text/xml', 'x-amzn-requestid': 'b25f48e8-84fd-11e6-80d9-574e0c4664cb' };
const t = useAwsNock();
/** Time stands still and the limiter never has to wait (its pacing has a test of its own below). */
const stillClock: Clock = { now: () => 0, sleep: async () => {} };
let api: Route53HealthChecks;

beforeEach(() => {
  api = new Route53HealthChecks(t.clients, { clock: stillClock, requestsPerSecond: 100 });
});

afterEach(() => {
  expect(nock.pendingMocks(), 'every interceptor was used').toEqual([]);
});

const CHILD_A = 'aaaaaaaa-1111-4111-8111-000000000001';
const CHILD_B = 'aaaaaaaa-1111-4111-8111-000000000002';
const RC_ARN = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d/routingcontrol/4e5f6a7b';

const CALCULATED_SPEC: HealthCheckSpec = { type: 'CALCULATED', childHealthChecks: [CHILD_A, CHILD_B], healthThreshold: 1, inverted: false };
const METRIC_SPEC: HealthCheckSpec = {
  type: 'CLOUDWATCH_METRIC',
  alarmRegion: 'eu-west-1',
  alarmName: 'failover-shop-us-east-1',
  insufficientDataHealthStatus: 'Healthy',
  inverted: true,
};
const RECOVERY_SPEC: HealthCheckSpec = { type: 'RECOVERY_CONTROL', routingControlArn: RC_ARN };

/** One HealthCheck element; `config` is the inside of HealthCheckConfig. */
function healthCheckXml(id: string, ref: string, config: string, extra = ''): string {
  return (
    `<HealthCheck><Id>${id}</Id><CallerReference>${ref}</CallerReference><HealthCheckConfig>${config}</HealthCheckConfig>` +
    `<HealthCheckVersion>1</HealthCheckVersion>${extra}</HealthCheck>`
  );
}

const CALCULATED_XML =
  `<Type>CALCULATED</Type><Inverted>false</Inverted><Disabled>false</Disabled><HealthThreshold>1</HealthThreshold>` +
  `<ChildHealthChecks><ChildHealthCheck>${CHILD_A}</ChildHealthCheck><ChildHealthCheck>${CHILD_B}</ChildHealthCheck></ChildHealthChecks>`;
const METRIC_XML =
  `<Type>CLOUDWATCH_METRIC</Type><Inverted>true</Inverted><Disabled>false</Disabled>` +
  `<AlarmIdentifier><Region>eu-west-1</Region><Name>failover-shop-us-east-1</Name></AlarmIdentifier>` +
  `<InsufficientDataHealthStatus>Healthy</InsufficientDataHealthStatus>`;
/** What Route 53 adds to a CLOUDWATCH_METRIC check: the alarm's configuration, which the spec does not hold. */
const ALARM_CONFIGURATION =
  `<CloudWatchAlarmConfiguration><EvaluationPeriods>2</EvaluationPeriods><Threshold>1.0</Threshold>` +
  `<ComparisonOperator>GreaterThanOrEqualToThreshold</ComparisonOperator><Period>60</Period><MetricName>EvacuateRegion</MetricName>` +
  `<Namespace>FailoverController</Namespace><Statistic>Maximum</Statistic>` +
  `<Dimensions><Dimension><Name>Application</Name><Value>shop</Value></Dimension></Dimensions></CloudWatchAlarmConfiguration>`;
const RECOVERY_XML =
  `<Type>RECOVERY_CONTROL</Type><Inverted>false</Inverted><Disabled>false</Disabled><RoutingControlArn>${RC_ARN}</RoutingControlArn>`;
const HTTP_XML =
  `<IPAddress>192.0.2.44</IPAddress><Port>443</Port><Type>HTTPS</Type><ResourcePath>/health</ResourcePath>` +
  `<FullyQualifiedDomainName>shop.example.com</FullyQualifiedDomainName><RequestInterval>30</RequestInterval>` +
  `<FailureThreshold>3</FailureThreshold>` +
  `<MeasureLatency>false</MeasureLatency><Inverted>false</Inverted><Disabled>false</Disabled><EnableSNI>true</EnableSNI>`;

function listXml(checks: string[], page: { marker?: string; next?: string }): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListHealthChecksResponse xmlns="${XMLNS}"><HealthChecks>${checks.join('')}</HealthChecks>` +
    `<Marker>${page.marker ?? ''}</Marker><IsTruncated>${page.next !== undefined}</IsTruncated>` +
    `${page.next !== undefined ? `<NextMarker>${page.next}</NextMarker>` : ''}<MaxItems>1000</MaxItems></ListHealthChecksResponse>`
  );
}

function errorXml(code: string, message: string): string {
  return (
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code>` +
    `<Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`
  );
}

/** One CreateHealthCheck request: its document and the credential scope (region/service) it was signed for. */
interface SentCreate {
  request: XmlElement;
  scope: string | undefined;
}

/** Expect the next CreateHealthCheck; answer 201 with the check Route 53 would return, capturing the request. */
function expectCreate(sent: SentCreate[], id: string, answerConfig: string, extra = ''): void {
  nock(ENDPOINT)
    .post('/2013-04-01/healthcheck')
    .reply(function (this: nock.ReplyFnContext, _uri, body) {
      const request = parseXml(String(body));
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+\/[^/]+)\//.exec(String(this.req.headers['authorization']))?.[1];
      sent.push({ request, scope });
      const check = healthCheckXml(id, textOf(request, 'CallerReference') ?? '', answerConfig, extra);
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<CreateHealthCheckResponse xmlns="${XMLNS}">${check}</CreateHealthCheckResponse>`;
      return [201, xml, { ...XML, location: `${ENDPOINT}/2013-04-01/healthcheck/${id}` }];
    });
}

/** The HealthCheckConfig of a request as element name → text, in the order sent (lists as their items' texts). */
function configOf(request: XmlElement): [string, string | string[]][] {
  const config = child(request, 'HealthCheckConfig')!;
  return config.children.map((e) => [e.name, e.children.length > 0 ? e.children.map((c) => c.text) : e.text]);
}

describe('Route53HealthChecks.listHealthChecks', () => {
  const check = healthCheckXml;
  const secondPage = { marker: 'hc-3' };

  it('pages with marker and NextMarker, asks for 1000 a page, maps the three provisioned types and skips the others', async () => {
    nock(ENDPOINT)
      .get('/2013-04-01/healthcheck')
      .query({ maxitems: '1000' })
      .reply(200, listXml([check('hc-1', 'ref-calc', CALCULATED_XML), check('hc-2', 'other', HTTP_XML)], { next: 'hc-3' }), XML);
    nock(ENDPOINT)
      .get('/2013-04-01/healthcheck')
      .query({ marker: 'hc-3', maxitems: '1000' })
      .reply(200, listXml([check('hc-3', 'ref-metric', METRIC_XML, ALARM_CONFIGURATION), check('hc-4', 'rc', RECOVERY_XML)], secondPage), XML);
    expect(await api.listHealthChecks()).toEqual([
      { id: 'hc-1', callerReference: 'ref-calc', spec: CALCULATED_SPEC },
      { id: 'hc-3', callerReference: 'ref-metric', spec: METRIC_SPEC },
      { id: 'hc-4', callerReference: 'rc', spec: { type: 'RECOVERY_CONTROL', routingControlArn: RC_ARN } },
    ]);
  });

  it('a NextMarker that points at its own page is a PermanentError, not an endless loop', async () => {
    nock(ENDPOINT).get('/2013-04-01/healthcheck').query({ maxitems: '1000' }).reply(200, listXml([], { next: 'hc-9' }), XML);
    nock(ENDPOINT)
      .get('/2013-04-01/healthcheck')
      .query({ marker: 'hc-9', maxitems: '1000' })
      .reply(200, listXml([], { marker: 'hc-9', next: 'hc-9' }), XML);
    const err = await api.listHealthChecks().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/NextMarker hc-9 points at its own page/);
  });

  it('goes through the rate limiter: at 1 request a second, the second page waits a second', async () => {
    const slept: number[] = [];
    const clock: Clock = { now: () => 0, sleep: async (ms) => void slept.push(ms) };
    const paced = new Route53HealthChecks(t.clients, { clock, requestsPerSecond: 1 });
    nock(ENDPOINT).get('/2013-04-01/healthcheck').query(true).reply(200, listXml([], { next: 'hc-2' }), XML);
    nock(ENDPOINT).get('/2013-04-01/healthcheck').query(true).reply(200, listXml([], { marker: 'hc-2' }), XML);
    await paced.listHealthChecks();
    expect(slept).toEqual([1_000]);
  });
});

describe('Route53HealthChecks.createHealthCheck', () => {
  it('CALCULATED: CallerReference, then Type, Inverted, HealthThreshold and ChildHealthCheck elements, signed for us-east-1', async () => {
    const sent: SentCreate[] = [];
    expectCreate(sent, 'hc-new', CALCULATED_XML);
    const spec = CALCULATED_SPEC;
    expect(await api.createHealthCheck('shop-calc-1', spec)).toEqual({ id: 'hc-new', callerReference: 'shop-calc-1', spec });
    const { request, scope } = sent[0]!;
    expect(scope).toBe('us-east-1/route53');
    expect(request.name).toBe('CreateHealthCheckRequest');
    expect(request.attributes['xmlns']).toBe(XMLNS);
    expect(textOf(request, 'CallerReference')).toBe('shop-calc-1');
    expect(configOf(request)).toEqual([
      ['Type', 'CALCULATED'],
      ['Inverted', 'false'],
      ['HealthThreshold', '1'],
      ['ChildHealthChecks', [CHILD_A, CHILD_B]],
    ]);
    expect(children(child(child(request, 'HealthCheckConfig'), 'ChildHealthChecks'), 'ChildHealthCheck')).toHaveLength(2);
  });

  it('CLOUDWATCH_METRIC: Type, Inverted, AlarmIdentifier, InsufficientDataHealthStatus; not the answer’s alarm configuration', async () => {
    const sent: SentCreate[] = [];
    expectCreate(sent, 'hc-metric', METRIC_XML, ALARM_CONFIGURATION);
    const spec = METRIC_SPEC;
    expect(await api.createHealthCheck('shop-vote-euw1', spec)).toEqual({ id: 'hc-metric', callerReference: 'shop-vote-euw1', spec });
    expect(configOf(sent[0]!.request)).toEqual([
      ['Type', 'CLOUDWATCH_METRIC'],
      ['Inverted', 'true'],
      ['AlarmIdentifier', ['eu-west-1', 'failover-shop-us-east-1']],
      ['InsufficientDataHealthStatus', 'Healthy'],
    ]);
    const alarm = child(child(sent[0]!.request, 'HealthCheckConfig'), 'AlarmIdentifier')!;
    expect(alarm.children.map((e) => [e.name, e.text])).toEqual([
      ['Region', 'eu-west-1'],
      ['Name', 'failover-shop-us-east-1'],
    ]);
  });

  it('RECOVERY_CONTROL: Type and RoutingControlArn only', async () => {
    const sent: SentCreate[] = [];
    expectCreate(sent, 'hc-rc', RECOVERY_XML);
    const spec = RECOVERY_SPEC;
    expect(await api.createHealthCheck('shop-rc-use1', spec)).toEqual({ id: 'hc-rc', callerReference: 'shop-rc-use1', spec });
    expect(configOf(sent[0]!.request)).toEqual([
      ['Type', 'RECOVERY_CONTROL'],
      ['RoutingControlArn', RC_ARN],
    ]);
  });

  it('HealthCheckAlreadyExists (409: the reference was used with other settings) is a ConflictError', async () => {
    nock(ENDPOINT)
      .post('/2013-04-01/healthcheck')
      .reply(409, errorXml('HealthCheckAlreadyExists', 'A health check with this CallerReference exists, with other settings.'), XML);
    const err = await api.createHealthCheck('shop-rc-use1', RECOVERY_SPEC).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toMatch(/^CreateHealthCheck shop-rc-use1: HealthCheckAlreadyExists: /);
  });

  it('TooManyHealthChecks is a PermanentError; Throttling a TransientError', async () => {
    const create = () => nock(ENDPOINT).post('/2013-04-01/healthcheck');
    create().reply(400, errorXml('TooManyHealthChecks', 'The account has reached its limit of health checks'), XML);
    create().reply(400, errorXml('Throttling', 'Rate exceeded'), XML);
    expect(await api.createHealthCheck('a', RECOVERY_SPEC).catch((e: unknown) => e)).toBeInstanceOf(PermanentError);
    expect(await api.createHealthCheck('a', RECOVERY_SPEC).catch((e: unknown) => e)).toBeInstanceOf(TransientError);
  });
});

describe('Route53HealthChecks.nameServers', () => {
  const zone = (delegation: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<GetHostedZoneResponse xmlns="${XMLNS}">` +
    `<HostedZone><Id>/hostedzone/Z1D633PJN98FT9</Id><Name>example.com.</Name>` +
    `<CallerReference>2014-04-01-18:47</CallerReference><Config><Comment>shop</Comment><PrivateZone>false</PrivateZone></Config>` +
    `<ResourceRecordSetCount>17</ResourceRecordSetCount></HostedZone>${delegation}</GetHostedZoneResponse>`;

  it("GetHostedZone's DelegationSet NameServers, in order", async () => {
    const servers = ['ns-2048.awsdns-64.com', 'ns-2049.awsdns-65.net', 'ns-2050.awsdns-66.org', 'ns-2051.awsdns-67.co.uk'];
    const names = servers.map((s) => `<NameServer>${s}</NameServer>`).join('');
    const delegation = `<DelegationSet><NameServers>${names}</NameServers></DelegationSet>`;
    nock(ENDPOINT).get('/2013-04-01/hostedzone/Z1D633PJN98FT9').reply(200, zone(delegation), XML);
    expect(await api.nameServers('Z1D633PJN98FT9')).toEqual(servers);
  });

  it('NoSuchHostedZone (404) is a PermanentError naming the zone', async () => {
    nock(ENDPOINT).get('/2013-04-01/hostedzone/ZNOPE').reply(404, errorXml('NoSuchHostedZone', 'No hosted zone found with ID: ZNOPE'), XML);
    const err = await api.nameServers('ZNOPE').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/^GetHostedZone ZNOPE: NoSuchHostedZone: /);
  });

  it('a private zone (VPCs, no DelegationSet) is a PermanentError: its servers cannot be asked from outside', async () => {
    nock(ENDPOINT)
      .get('/2013-04-01/hostedzone/Z1D633PJN98FT9')
      .reply(200, zone('<VPCs><VPC><VPCRegion>us-east-1</VPCRegion><VPCId>vpc-1a2b3c4d</VPCId></VPC></VPCs>'), XML);
    const err = await api.nameServers('Z1D633PJN98FT9').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/no DelegationSet name servers/);
  });
});
