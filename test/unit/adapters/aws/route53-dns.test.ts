import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { Route53Dns } from '../../../../src/adapters/aws/route53-dns.js';
import { normaliseRecordName } from '../../../../src/adapters/aws/route53-names.js';
import { ConflictError, PermanentError, TransientError } from '../../../../src/errors/errors.js';
import type { Clock } from '../../../../src/ports/clock.js';
import type { DnsRecordSet } from '../../../../src/ports/dns-provider.js';
import { ManualClock } from '../../../support/manual-clock.js';
import { child, children, parseXml, textOf } from '../../../support/tiny-xml.js';

const ENDPOINT = 'https://route53.amazonaws.com';
const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const ZONE = 'Z1D633PJN98FT9';
const RRSET = `/2013-04-01/hostedzone/${ZONE}/rrset`;
const XML_HEADERS = { 'content-type': 'text/xml', 'x-amzn-requestid': 'b25f48e8-84fd-11e6-80d9-574e0c4664cb' };

/** A ListResourceRecordSets answer as the API reference shows it. */
function listResponse(recordSets: string[], next?: { name: string; type: string; identifier?: string }): string {
  const cursor = next
    ? `<IsTruncated>true</IsTruncated>\n  <NextRecordName>${next.name}</NextRecordName>\n  <NextRecordType>${next.type}</NextRecordType>\n` +
      (next.identifier ? `  <NextRecordIdentifier>${next.identifier}</NextRecordIdentifier>\n` : '')
    : '<IsTruncated>false</IsTruncated>\n';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListResourceRecordSetsResponse xmlns="${XMLNS}">\n` +
    `  <ResourceRecordSets>\n${recordSets.join('\n')}\n  </ResourceRecordSets>\n  ${cursor}  <MaxItems>300</MaxItems>\n</ListResourceRecordSetsResponse>`
  );
}

/** A plain record set (TTL and values), optionally weighted. */
function plain(name: string, type: string, ttl: number, values: string[], extra = ''): string {
  const records = values.map((v) => `<ResourceRecord><Value>${v}</Value></ResourceRecord>`).join('');
  return `    <ResourceRecordSet><Name>${name}</Name><Type>${type}</Type>${extra}<TTL>${ttl}</TTL><ResourceRecords>${records}</ResourceRecords></ResourceRecordSet>`;
}

function errorResponse(code: string, message: string): string {
  return (
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code>` +
    `<Message>${message}</Message></Error><RequestId>ca6b6a9b-f2be-44c9-8d94-f7dfb3448d10</RequestId></ErrorResponse>`
  );
}

function changeInfo(root: string, id: string, status: 'PENDING' | 'INSYNC', comment?: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${XMLNS}"><ChangeInfo><Id>/change/${id}</Id><Status>${status}</Status>` +
    `<SubmittedAt>2026-11-24T12:00:00.000Z</SubmittedAt>${comment ? `<Comment>${comment}</Comment>` : ''}</ChangeInfo></${root}>`
  );
}

const route53 = () => nock(ENDPOINT);

let clients: AwsClients;
let dns: Route53Dns;
/** For tests that do not pace: time stands still and nothing ever has to wait. */
const stillClock: Clock = { now: () => 0, sleep: async () => {} };

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

beforeEach(() => {
  clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  dns = new Route53Dns(clients, { clock: stillClock, requestsPerSecond: 100 });
});

afterEach(() => {
  const unused = nock.pendingMocks();
  nock.cleanAll();
  clients.destroy();
  expect(unused, 'every interceptor was used').toEqual([]);
});

describe('Route53Dns.listRecords', () => {
  it('pages with NextRecordName/Type/Identifier across three pages and returns every record set of the name', async () => {
    route53()
      .get(RRSET)
      .query({ name: 'app.example.com.' })
      .reply(
        200,
        listResponse(
          [
            plain('app.example.com.', 'A', 60, ['192.0.2.1'], '<SetIdentifier>one</SetIdentifier><Weight>10</Weight>'),
            plain('app.example.com.', 'A', 60, ['192.0.2.2'], '<SetIdentifier>three</SetIdentifier><Weight>10</Weight>'),
          ],
          { name: 'app.example.com.', type: 'A', identifier: 'two' },
        ),
        XML_HEADERS,
      )
      .get(RRSET)
      .query({ name: 'app.example.com.', type: 'A', identifier: 'two' })
      .reply(
        200,
        listResponse([plain('app.example.com.', 'A', 60, ['192.0.2.3'], '<SetIdentifier>two</SetIdentifier><Weight>0</Weight>')], {
          name: 'app.example.com.',
          type: 'TXT',
        }),
        XML_HEADERS,
      )
      .get(RRSET)
      .query({ name: 'app.example.com.', type: 'TXT' })
      .reply(200, listResponse([plain('app.example.com.', 'TXT', 300, ['"owner=shop"'])]), XML_HEADERS);

    const records = await dns.listRecords(ZONE, 'app.example.com.');

    expect(records.map((r) => [r.type, r.setIdentifier ?? null, r.values[0]])).toEqual([
      ['A', 'one', '192.0.2.1'],
      ['A', 'three', '192.0.2.2'],
      ['A', 'two', '192.0.2.3'],
      ['TXT', null, '"owner=shop"'],
    ]);
  });

  it('stops at the first record set of another name, without asking for the next page', async () => {
    route53()
      .get(RRSET)
      .query({ name: 'app.example.com.' })
      .reply(
        200,
        listResponse([plain('app.example.com.', 'A', 60, ['192.0.2.1']), plain('www.app.example.com.', 'A', 60, ['192.0.2.9'])], {
          name: 'www.app.example.com.',
          type: 'AAAA',
        }),
        XML_HEADERS,
      );
    expect(await dns.listRecords(ZONE, 'app.example.com.')).toEqual([{ name: 'app.example.com.', type: 'A', ttl: 60, values: ['192.0.2.1'] }]);
  });

  it('stops when the next page would start at another name', async () => {
    route53()
      .get(RRSET)
      .query({ name: 'app.example.com.' })
      .reply(200, listResponse([plain('app.example.com.', 'A', 60, ['192.0.2.1'])], { name: 'b.example.com.', type: 'A' }), XML_HEADERS);
    expect(await dns.listRecords(ZONE, 'app.example.com.')).toHaveLength(1);
  });

  it('returns nothing when the listing starts past the name', async () => {
    route53()
      .get(RRSET)
      .query({ name: 'gone.example.com.' })
      .reply(200, listResponse([plain('www.example.com.', 'A', 60, ['192.0.2.1'])]), XML_HEADERS);
    expect(await dns.listRecords(ZONE, 'gone.example.com.')).toEqual([]);
  });

  it('maps simple, weighted, failover and alias record sets', async () => {
    route53()
      .get(RRSET)
      .query({ name: 'app.example.com.' })
      .reply(
        200,
        listResponse([
          plain('app.example.com.', 'A', 60, ['192.0.2.1'], '<SetIdentifier>primary</SetIdentifier><Failover>PRIMARY</Failover>').replace(
            '</ResourceRecords>',
            '</ResourceRecords><HealthCheckId>abcdef11-2222-3333-4444-555555fedcba</HealthCheckId>',
          ),
          '    <ResourceRecordSet><Name>app.example.com.</Name><Type>A</Type><SetIdentifier>secondary</SetIdentifier><Failover>SECONDARY</Failover>' +
            '<AliasTarget><HostedZoneId>Z32O12XQLNTSW2</HostedZoneId><DNSName>dualstack.standby-123.eu-west-1.elb.amazonaws.com.</DNSName>' +
            '<EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>',
          plain('app.example.com.', 'AAAA', 300, ['2001:db8::1'], '<SetIdentifier>blue</SetIdentifier><Weight>100</Weight>'),
          plain('app.example.com.', 'TXT', 300, ['"v=spf1 -all"', '"owner=shop"']),
        ]),
        XML_HEADERS,
      );

    expect(await dns.listRecords(ZONE, 'app.example.com.')).toEqual<DnsRecordSet[]>([
      { name: 'app.example.com.', type: 'A', ttl: 60, values: ['192.0.2.1'], setIdentifier: 'primary', failover: 'PRIMARY', healthCheckId: 'abcdef11-2222-3333-4444-555555fedcba' },
      {
        name: 'app.example.com.',
        type: 'A',
        values: [],
        setIdentifier: 'secondary',
        failover: 'SECONDARY',
        alias: { dnsName: 'dualstack.standby-123.eu-west-1.elb.amazonaws.com.', hostedZoneId: 'Z32O12XQLNTSW2', evaluateTargetHealth: true },
      },
      { name: 'app.example.com.', type: 'AAAA', ttl: 300, values: ['2001:db8::1'], setIdentifier: 'blue', weight: 100 },
      { name: 'app.example.com.', type: 'TXT', ttl: 300, values: ['"v=spf1 -all"', '"owner=shop"'] },
    ]);
  });

  it('returns latency, geolocation, multivalue and CIDR records with their setIdentifier and routing', async () => {
    route53()
      .get(RRSET)
      .query({ name: 'app.example.com.' })
      .reply(
        200,
        listResponse([
          plain('app.example.com.', 'A', 60, ['192.0.2.1'], '<SetIdentifier>use1</SetIdentifier><Region>us-east-1</Region>'),
          plain('app.example.com.', 'A', 60, ['192.0.2.2'], '<SetIdentifier>de</SetIdentifier><GeoLocation><CountryCode>DE</CountryCode></GeoLocation>'),
          plain('app.example.com.', 'A', 60, ['192.0.2.3'], '<SetIdentifier>mv</SetIdentifier><MultiValueAnswer>true</MultiValueAnswer>'),
          plain('app.example.com.', 'A', 60, ['192.0.2.4'], '<SetIdentifier>office</SetIdentifier>').replace(
            '</ResourceRecords>',
            '</ResourceRecords><CidrRoutingConfig><CollectionId>c8c02a84-aaaa-bbbb-e0ed-6d81fca51b0b</CollectionId><LocationName>office</LocationName></CidrRoutingConfig>',
          ),
        ]),
        XML_HEADERS,
      );

    const records = await dns.listRecords(ZONE, 'app.example.com.');
    expect(records.map((r) => [r.setIdentifier, r.routing])).toEqual([
      ['use1', { region: 'us-east-1' }],
      ['de', { geoLocation: { countryCode: 'DE' } }],
      ['mv', { multiValueAnswer: true }],
      ['office', { cidrRoutingConfig: { collectionId: 'c8c02a84-aaaa-bbbb-e0ed-6d81fca51b0b', locationName: 'office' } }],
    ]);
    expect(records.every((r) => r.weight === undefined && r.failover === undefined)).toBe(true);
  });

  it('undoes Route 53 octal escapes and case in names, and asks for the name in canonical form', async () => {
    route53()
      .get(RRSET)
      .query({ name: '*.example.com.' })
      .reply(200, listResponse([plain('\\052.example.com.', 'A', 60, ['192.0.2.1']), plain('a\\100b.example.com.', 'A', 60, ['192.0.2.2'])]), XML_HEADERS);
    expect(await dns.listRecords(ZONE, '*.Example.COM')).toEqual([{ name: '*.example.com.', type: 'A', ttl: 60, values: ['192.0.2.1'] }]);
  });

  it('returns alias targets in canonical form (lower case, trailing dot), as Route 53 itself does', async () => {
    route53()
      .get(RRSET)
      .query({ name: 'apex.example.com.' })
      .reply(
        200,
        listResponse([
          '    <ResourceRecordSet><Name>apex.example.com.</Name><Type>A</Type><AliasTarget><HostedZoneId>Z35SXDOTRQ7X7K</HostedZoneId>' +
            '<DNSName>Active-123.us-east-1.ELB.amazonaws.com</DNSName><EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>',
        ]),
        XML_HEADERS,
      );
    const [record] = await dns.listRecords(ZONE, 'apex.example.com.');
    expect(record?.alias).toEqual({ dnsName: 'active-123.us-east-1.elb.amazonaws.com.', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: false });
  });

  it('refuses to loop when a page points back at itself', async () => {
    const page = listResponse([plain('app.example.com.', 'A', 60, ['192.0.2.1'])], { name: 'app.example.com.', type: 'A' });
    route53().get(RRSET).query({ name: 'app.example.com.' }).reply(200, page, XML_HEADERS);
    route53().get(RRSET).query({ name: 'app.example.com.', type: 'A' }).reply(200, page, XML_HEADERS);
    await expect(dns.listRecords(ZONE, 'app.example.com.')).rejects.toBeInstanceOf(PermanentError);
  });

  it('translates Throttling into a TransientError', async () => {
    route53().get(RRSET).query(true).reply(400, errorResponse('Throttling', 'Rate exceeded'), XML_HEADERS);
    const err = await dns.listRecords(ZONE, 'app.example.com.').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('Throttling: Rate exceeded');
  });

  it('translates NoSuchHostedZone into a PermanentError', async () => {
    route53().get(RRSET).query(true).reply(404, errorResponse('NoSuchHostedZone', `No hosted zone found with ID: ${ZONE}`), XML_HEADERS);
    await expect(dns.listRecords(ZONE, 'app.example.com.')).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('normaliseRecordName', () => {
  it.each([
    ['App.Example.com', 'app.example.com.'],
    ['\\052.example.com.', '*.example.com.'],
    ['\\101pi.example.com.', 'api.example.com.'],
    ['a\\100b\\041.example.com.', 'a@b!.example.com.'],
    // A dot inside a label, a backslash, a space and non-ASCII stay escaped: decoding them would change the name.
    ['a\\056b.example.com.', 'a\\056b.example.com.'],
    ['a\\134b.example.com.', 'a\\134b.example.com.'],
    ['a\\040b.example.com.', 'a\\040b.example.com.'],
    ['ex\\344mple.com.', 'ex\\344mple.com.'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseRecordName(input)).toBe(expected);
  });
});

describe('Route53Dns.changeRecords', () => {
  const OLD: DnsRecordSet = { name: 'app.example.com.', type: 'A', ttl: 60, values: ['192.0.2.10'] };
  const NEW: DnsRecordSet = { name: 'app.example.com.', type: 'A', ttl: 60, values: ['198.51.100.10'] };

  it('sends one batch: DELETE of the exact old record, then CREATE of the new one, with the comment', async () => {
    let body = '';
    route53()
      .post(RRSET, (b: string) => {
        body = b;
        return true;
      })
      .reply(200, changeInfo('ChangeResourceRecordSetsResponse', 'C2682N5HXP0BZ4', 'PENDING', 'failover'), XML_HEADERS);

    const result = await dns.changeRecords(
      ZONE,
      [
        { action: 'DELETE', record: OLD },
        { action: 'CREATE', record: NEW },
      ],
      'failover-controller failover run-1: us-east-1 -> eu-west-1',
    );

    expect(result).toEqual({ changeId: '/change/C2682N5HXP0BZ4', status: 'PENDING' });
    expect(body).toContain(
      '<Change><Action>DELETE</Action><ResourceRecordSet><Name>app.example.com.</Name><Type>A</Type><TTL>60</TTL>' +
        '<ResourceRecords><ResourceRecord><Value>192.0.2.10</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>' +
        '<Change><Action>CREATE</Action><ResourceRecordSet><Name>app.example.com.</Name><Type>A</Type><TTL>60</TTL>' +
        '<ResourceRecords><ResourceRecord><Value>198.51.100.10</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>',
    );
    const root = parseXml(body);
    expect(root.name).toBe('ChangeResourceRecordSetsRequest');
    expect(root.attributes['xmlns']).toBe(XMLNS);
    const batch = child(root, 'ChangeBatch');
    expect(textOf(batch, 'Comment')).toBe('failover-controller failover run-1: us-east-1 -> eu-west-1');
    expect(children(child(batch, 'Changes'), 'Change').map((c) => textOf(c, 'Action'))).toEqual(['DELETE', 'CREATE']);
  });

  it('sends an alias as an AliasTarget without TTL or ResourceRecords, and keeps weights and set identifiers', async () => {
    let body = '';
    route53()
      .post(RRSET, (b: string) => {
        body = b;
        return true;
      })
      .reply(200, changeInfo('ChangeResourceRecordSetsResponse', 'C0000000000002', 'PENDING'), XML_HEADERS);

    await dns.changeRecords(
      ZONE,
      [
        {
          action: 'UPSERT',
          record: { name: 'apex.example.com.', type: 'A', values: [], alias: { dnsName: 'lb-1.us-east-1.elb.amazonaws.com.', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: false } },
        },
        { action: 'UPSERT', record: { name: 'w.example.com.', type: 'A', ttl: 60, values: ['192.0.2.1'], setIdentifier: 'blue', weight: 0, healthCheckId: 'hc-1' } },
      ],
      'x',
    );

    const changes = children(child(child(parseXml(body), 'ChangeBatch'), 'Changes'), 'Change').map((c) => child(c, 'ResourceRecordSet')!);
    const [alias, weighted] = changes;
    expect(alias!.children.map((c) => c.name)).toEqual(['Name', 'Type', 'AliasTarget']);
    expect(child(alias, 'AliasTarget')!.children.map((c) => [c.name, c.text])).toEqual([
      ['HostedZoneId', 'Z35SXDOTRQ7X7K'],
      ['DNSName', 'lb-1.us-east-1.elb.amazonaws.com.'],
      ['EvaluateTargetHealth', 'false'],
    ]);
    expect(weighted!.children.map((c) => [c.name, c.text || null])).toEqual([
      ['Name', 'w.example.com.'],
      ['Type', 'A'],
      ['SetIdentifier', 'blue'],
      ['Weight', '0'],
      ['TTL', '60'],
      ['ResourceRecords', null],
      ['HealthCheckId', 'hc-1'],
    ]);
  });

  it('keeps the comment within the 256 characters Route 53 accepts', async () => {
    let body = '';
    route53()
      .post(RRSET, (b: string) => {
        body = b;
        return true;
      })
      .reply(200, changeInfo('ChangeResourceRecordSetsResponse', 'C0000000000003', 'PENDING'), XML_HEADERS);
    await dns.changeRecords(ZONE, [{ action: 'UPSERT', record: NEW }], 'x'.repeat(300));
    expect(textOf(child(parseXml(body), 'ChangeBatch'), 'Comment')).toHaveLength(256);
  });

  it('refuses an empty batch without sending it, as Route 53 would refuse it', async () => {
    await expect(dns.changeRecords(ZONE, [], 'nothing')).rejects.toBeInstanceOf(PermanentError);
  });

  it('translates InvalidChangeBatch into a ConflictError', async () => {
    const message = "[Tried to delete resource record set [name='app.example.com.', type='A'] but the values provided do not match the current values]";
    route53().post(RRSET).reply(400, errorResponse('InvalidChangeBatch', message), XML_HEADERS);
    const err = await dns.changeRecords(ZONE, [{ action: 'DELETE', record: OLD }, { action: 'CREATE', record: NEW }], 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toContain('but the values provided do not match the current values');
  });

  it('translates the older <InvalidChangeBatch><Messages> shape into a ConflictError too', async () => {
    route53()
      .post(RRSET)
      .reply(
        400,
        `<?xml version="1.0" encoding="UTF-8"?>\n<InvalidChangeBatch xmlns="${XMLNS}"><Messages>` +
          `<Message>Tried to create resource record set [name='app.example.com.', type='A'] but it already exists</Message></Messages>` +
          `<RequestId>b25f48e8-84fd-11e6-80d9-574e0c4664cb</RequestId></InvalidChangeBatch>`,
        XML_HEADERS,
      );
    const err = await dns.changeRecords(ZONE, [{ action: 'CREATE', record: NEW }], 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toContain('but it already exists');
  });

  it('translates PriorRequestNotComplete into a TransientError', async () => {
    route53()
      .post(RRSET)
      .reply(400, errorResponse('PriorRequestNotComplete', 'The request was rejected because Route 53 was still processing a prior request.'), XML_HEADERS);
    await expect(dns.changeRecords(ZONE, [{ action: 'UPSERT', record: NEW }], 'x')).rejects.toBeInstanceOf(TransientError);
  });

  it('translates Throttling into a TransientError', async () => {
    route53().post(RRSET).reply(400, errorResponse('Throttling', 'Rate exceeded'), XML_HEADERS);
    await expect(dns.changeRecords(ZONE, [{ action: 'UPSERT', record: NEW }], 'x')).rejects.toBeInstanceOf(TransientError);
  });

  it('translates NoSuchHostedZone into a PermanentError', async () => {
    route53().post(RRSET).reply(404, errorResponse('NoSuchHostedZone', `No hosted zone found with ID: ${ZONE}`), XML_HEADERS);
    await expect(dns.changeRecords(ZONE, [{ action: 'UPSERT', record: NEW }], 'x')).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('Route53Dns.getChange', () => {
  it.each([
    ['with the /change/ prefix', '/change/C2682N5HXP0BZ4', 'PENDING'],
    ['without it', 'C2682N5HXP0BZ4', 'INSYNC'],
  ] as const)('reports the status of a change id %s', async (_how, id, status) => {
    route53().get('/2013-04-01/change/C2682N5HXP0BZ4').reply(200, changeInfo('GetChangeResponse', 'C2682N5HXP0BZ4', status), XML_HEADERS);
    expect(await dns.getChange(id)).toBe(status);
  });

  it('translates NoSuchChange into a PermanentError', async () => {
    route53().get('/2013-04-01/change/C0NOSUCH').reply(404, errorResponse('NoSuchChange', 'A change with the specified change ID does not exist.'), XML_HEADERS);
    await expect(dns.getChange('/change/C0NOSUCH')).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('Route53Dns rate limit', () => {
  it('sends no more than 5 requests in any second: a burst of 12 takes 2 s of clock time', async () => {
    let started = 0;
    let finished = 0;
    // Time may only move once every released request has had its answer.
    const clock: ManualClock = new ManualClock(undefined, () => started - finished - clock.pending() > 0);
    const paced = new Route53Dns(clients, { clock });
    const sentAt: number[] = [];
    route53()
      .get('/2013-04-01/change/C2682N5HXP0BZ4')
      .times(12)
      .reply(() => {
        sentAt.push(clock.now());
        return [200, changeInfo('GetChangeResponse', 'C2682N5HXP0BZ4', 'INSYNC'), XML_HEADERS];
      });

    const t0 = clock.now();
    const calls = Array.from({ length: 12 }, () => {
      started++;
      return paced.getChange('C2682N5HXP0BZ4').finally(() => finished++);
    });
    expect(await clock.advanceUntil(() => finished === 12, { stepMs: 50, maxMs: 10_000 })).toBe(true);
    await Promise.all(calls);

    expect(sentAt).toHaveLength(12);
    expect(Math.max(...sentAt) - t0).toBeGreaterThanOrEqual(2_000);
    for (const start of sentAt) {
      expect(sentAt.filter((t) => t >= start && t < start + 1_000).length).toBeLessThanOrEqual(5);
    }
    expect(sentAt.map((t) => t - t0)).toEqual([0, 0, 0, 0, 0, 1_000, 1_000, 1_000, 1_000, 1_000, 2_000, 2_000]);
  });
});
