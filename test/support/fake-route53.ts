import nock from 'nock';
import { child, children, escapeXml, parseXml, textOf, type XmlElement } from './tiny-xml.js';

const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const API = '/2013-04-01';

/** A record set as the fake stores it; the same field names as the DnsProvider port, plus two routing kinds. */
export interface FakeRecordSet {
  name: string;
  type: string;
  ttl?: number;
  values: string[];
  setIdentifier?: string;
  weight?: number;
  region?: string;
  failover?: 'PRIMARY' | 'SECONDARY';
  multiValueAnswer?: boolean;
  healthCheckId?: string;
  alias?: { dnsName: string; hostedZoneId: string; evaluateTargetHealth: boolean };
}

/** One request the fake answered. */
export interface FakeRoute53Call {
  operation:
    | 'ListResourceRecordSets'
    | 'ChangeResourceRecordSets'
    | 'GetChange'
    | 'CreateHealthCheck'
    | 'ListHealthChecks'
    | 'GetHostedZone'
    | 'Unknown';
  at: number;
  /** The HTTP status answered; 0 when the connection was reset instead (loseNextChangeAnswer). */
  status: number;
  /** The raw request body (ChangeResourceRecordSets) or query string. */
  request: string;
  /** The SigV4 credential scope the request was signed with, e.g. `20261124/us-east-1/route53/aws4_request`. */
  scope?: string;
}

/** A health check as the fake stores it: its config as sent, with Route 53's defaults filled in. */
interface FakeHealthCheck {
  id: string;
  callerReference: string;
  config: XmlElement;
}

/** HealthCheckConfig's elements in the order of the API reference (and of the SDK's serializer). */
const HEALTH_CHECK_CONFIG_ORDER = [
  ...['Type', 'IPAddress', 'Port', 'ResourcePath', 'FullyQualifiedDomainName', 'SearchString', 'RequestInterval', 'FailureThreshold'],
  ...['MeasureLatency', 'Inverted', 'Disabled', 'HealthThreshold', 'ChildHealthChecks', 'EnableSNI', 'Regions', 'AlarmIdentifier'],
  ...['InsufficientDataHealthStatus', 'RoutingControlArn'],
];

interface FakeChange {
  id: string;
  submittedAt: number;
  comment?: string;
}

/**
 * What happens to a change batch whose answer is lost (the connection is
 * reset before the response): `applied`, Route 53 had applied it;
 * `lands-late`, it was still being processed, so listings do not show it
 * yet, and it lands before the next change batch to the zone is processed.
 */
export type LostChangeAnswer = 'applied' | 'lands-late';

/** A scripted error answer for the next request of an operation (Throttling, PriorRequestNotComplete, …). */
interface ScriptedError {
  operation: FakeRoute53Call['operation'];
  status: number;
  code: string;
  message: string;
}

class Route53Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** InvalidChangeBatch's individual messages. */
    readonly messages: string[] = [],
  ) {
    super(message);
  }
}

/**
 * A small, stateful stand-in for Route 53 behind nock (restXml protocol), for
 * the three operations the DNS adapter uses. It keeps hosted zones in memory
 * and answers in the shapes of the API reference:
 * - names are stored in lower case and returned with every character other
 *   than a-z, 0-9, `-` and `_` as a `\NNN` octal escape, as Route 53 does;
 * - ListResourceRecordSets sorts by name with labels reversed, then type,
 *   then set identifier, starts at name/type/identifier and pages with
 *   IsTruncated and NextRecordName/Type/Identifier (`pageSize` per page
 *   when no maxitems is sent; AWS: 300);
 * - ChangeResourceRecordSets applies a batch in order and atomically: a
 *   CREATE that finds the record or a DELETE that does not match it exactly
 *   fails the whole batch with InvalidChangeBatch (400) listing every
 *   problem, in today's ErrorResponse shape or the older
 *   `<InvalidChangeBatch><Messages>` one; an alias with TTL or values is
 *   InvalidInput; a change is PENDING for `propagationMs`, then INSYNC;
 * - an unknown zone is NoSuchHostedZone (404), an unknown change NoSuchChange (404);
 * - health checks: CreateHealthCheck (201, idempotent by CallerReference,
 *   HealthCheckAlreadyExists 409 for the same reference with other
 *   settings), ListHealthChecks paging with marker / NextMarker
 *   (`healthCheckPageSize` at most per page), and GetHostedZone with the
 *   zone's delegation set (`delegate`);
 * - faults: `refuseNext` answers the next request of an operation with an
 *   error (Throttling, PriorRequestNotComplete: 400 in the ErrorResponse
 *   shape), `loseNextChangeAnswer` resets the connection of a change batch
 *   that was accepted (applied at once, or landing before the next batch).
 */
export class FakeRoute53 {
  readonly calls: FakeRoute53Call[] = [];
  private readonly zones = new Map<string, FakeRecordSet[]>();
  private readonly changes = new Map<string, FakeChange>();
  private nextChange = 1;
  private nextRequest = 1;
  private interceptors: nock.Interceptor[] = [];
  private lostAnswers: LostChangeAnswer[] = [];
  private readonly scripted: ScriptedError[] = [];
  /** Accepted batches still being processed (`lands-late`), per zone. */
  private readonly landing = new Map<string, string[]>();
  /** Health checks in creation order (ListHealthChecks' order), and each zone's delegation set. */
  private readonly checks: FakeHealthCheck[] = [];
  private readonly delegations = new Map<string, string[]>();
  private nextHealthCheck = 1;

  constructor(
    private readonly options: {
      now: () => number;
      /** How long a change stays PENDING. */
      propagationMs: number;
      /** Record sets per ListResourceRecordSets page when maxitems is not sent (AWS: 300). */
      pageSize?: number;
      /** The shape of InvalidChangeBatch errors (default: today's ErrorResponse). */
      invalidChangeBatchShape?: 'error-response' | 'legacy';
      /**
       * The account's request quota, shared by every caller of this fake:
       * a request beyond this many in the last second (of `now`) is answered
       * 400 Throttling "Rate exceeded", as Route 53 answers it. Default: none.
       */
      accountRequestsPerSecond?: number;
      /** The most health checks one ListHealthChecks page holds, whatever maxitems asks (AWS: 1000). */
      healthCheckPageSize?: number;
      endpoint?: string;
    },
  ) {}

  /** The endpoint the SDK calls. */
  get endpoint(): string {
    return this.options.endpoint ?? 'https://route53.amazonaws.com';
  }

  /** Create a zone (or add to one) with these record sets, stored as Route 53 would store them. */
  seed(hostedZoneId: string, records: FakeRecordSet[] = []): void {
    const zone = this.zones.get(hostedZoneId) ?? [];
    for (const record of records) zone.push(canonical(record));
    this.zones.set(hostedZoneId, zone);
  }

  /** Create the zone if needed and give it these delegation-set name servers (GetHostedZone); without, it has four made-up ones. */
  delegate(hostedZoneId: string, nameServers: string[]): void {
    this.seed(hostedZoneId);
    this.delegations.set(hostedZoneId, [...nameServers]);
  }

  /** Add a health check behind the adapter's back (of a type this project does not create, say); `config` is HealthCheckConfig's inside. */
  seedHealthCheck(callerReference: string, config: string): string {
    const parsed = withHealthCheckDefaults(parseXml(`<HealthCheckConfig>${config}</HealthCheckConfig>`));
    const check = { id: this.healthCheckId(), callerReference, config: parsed };
    this.checks.push(check);
    return check.id;
  }

  /** The zone's record sets in list order, names escaped as Route 53 returns them. */
  records(hostedZoneId: string): FakeRecordSet[] {
    return sorted(this.zones.get(hostedZoneId) ?? []).map((r) => ({ ...r, name: renderName(r.name) }));
  }

  /** The next accepted ChangeResourceRecordSets takes effect (now, or `lands-late`), and its connection is reset instead of answered. */
  loseNextChangeAnswer(what: LostChangeAnswer = 'applied'): void {
    this.lostAnswers.push(what);
  }

  /** Answer the next request of `operation` with this error, changing nothing (e.g. 400 Throttling "Rate exceeded"). */
  refuseNext(operation: FakeRoute53Call['operation'], status: number, code: string, message: string): void {
    this.scripted.push({ operation, status, code, message });
  }

  /** Start answering requests to the endpoint. */
  install(): this {
    // Async replies: a rejected one makes nock destroy the request with that error, as a reset connection would.
    const fake = this;
    const get = nock(this.endpoint).persist().get((path) => path.startsWith(`${API}/`)).query(true);
    get.reply(async function (this: nock.ReplyFnContext, uri) {
      return fake.handle('GET', uri, '', this.req.headers['authorization']);
    });
    const post = nock(this.endpoint).persist().post((path) => path.startsWith(`${API}/`)).query(true);
    post.reply(async function (this: nock.ReplyFnContext, uri, body) {
      return fake.handle('POST', uri, typeof body === 'string' ? body : JSON.stringify(body), this.req.headers['authorization']);
    });
    this.interceptors = [get, post];
    return this;
  }

  /** Stop answering. */
  close(): void {
    for (const interceptor of this.interceptors) nock.removeInterceptor(interceptor);
    this.interceptors = [];
  }

  private handle(method: string, uri: string, body: string, authorization?: string | string[]): [number, string, Record<string, string>] {
    // The credential scope of the SigV4 signature: `<date>/<region>/route53/aws4_request`.
    const scope = /Credential=[^/]+\/(\d{8}\/[^/]+\/[^/]+\/aws4_request)/.exec(String(authorization ?? ''))?.[1];
    const url = new URL(uri, this.endpoint);
    const parts = url.pathname.slice(API.length + 1).split('/').map(decodeURIComponent);
    const requestId = `00000000-0000-4000-8000-${String(this.nextRequest++).padStart(12, '0')}`;
    let operation: FakeRoute53Call['operation'] = 'Unknown';
    let status = 200;
    let xml: string;
    let lost: LostChangeAnswer | undefined;
    let headers: Record<string, string> = {};
    try {
      if (parts[0] === 'hostedzone' && parts[2] === 'rrset' && parts.length <= 4) operation = method === 'GET' ? 'ListResourceRecordSets' : 'ChangeResourceRecordSets';
      else if (parts[0] === 'change' && parts.length === 2 && method === 'GET') operation = 'GetChange';
      else if (parts[0] === 'healthcheck' && parts.length === 1) operation = method === 'POST' ? 'CreateHealthCheck' : 'ListHealthChecks';
      else if (parts[0] === 'hostedzone' && parts.length === 2 && method === 'GET') operation = 'GetHostedZone';
      const quota = this.options.accountRequestsPerSecond;
      if (quota !== undefined && this.calls.filter((c) => c.at > this.options.now() - 1_000).length >= quota) {
        throw new Route53Error(400, 'Throttling', 'Rate exceeded');
      }
      const refusal = this.scripted.findIndex((e) => e.operation === operation);
      if (refusal >= 0) {
        const { status: code, code: name, message } = this.scripted.splice(refusal, 1)[0]!;
        throw new Route53Error(code, name, message);
      }
      if (operation === 'ListResourceRecordSets' && method === 'GET') {
        xml = this.list(parts[1]!, url.searchParams);
      } else if (operation === 'ChangeResourceRecordSets' && method === 'POST') {
        // A batch still being processed lands before this one is looked at.
        for (const earlier of this.landing.get(parts[1]!)?.splice(0) ?? []) this.change(parts[1]!, earlier);
        const before = this.zones.get(parts[1]!)?.map((r) => ({ ...r }));
        xml = this.change(parts[1]!, body);
        lost = this.lostAnswers.shift();
        if (lost === 'lands-late' && before) {
          this.zones.set(parts[1]!, before);
          this.landing.set(parts[1]!, [...(this.landing.get(parts[1]!) ?? []), body]);
        }
      } else if (operation === 'GetChange') {
        xml = this.getChange(parts[1]!);
      } else if (operation === 'CreateHealthCheck') {
        const check = this.createHealthCheck(body);
        status = 201;
        xml = `<CreateHealthCheckResponse xmlns="${XMLNS}">${healthCheckXml(check)}</CreateHealthCheckResponse>`;
        headers = { location: `${this.endpoint}${API}/healthcheck/${check.id}` };
      } else if (operation === 'ListHealthChecks') {
        xml = this.listHealthChecks(url.searchParams);
      } else if (operation === 'GetHostedZone') {
        xml = this.getHostedZone(parts[1]!);
      } else {
        throw new Route53Error(404, 'UnknownOperationException', `${method} ${url.pathname} is not an operation of this fake`);
      }
    } catch (err) {
      if (!(err instanceof Route53Error)) throw err;
      status = err.status;
      xml =
        err.code === 'InvalidChangeBatch' && this.options.invalidChangeBatchShape === 'legacy'
          ? `<InvalidChangeBatch xmlns="${XMLNS}"><Messages>${err.messages.map((m) => `<Message>${escapeXml(m)}</Message>`).join('')}</Messages>` +
            `<RequestId>${requestId}</RequestId></InvalidChangeBatch>`
          : `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
            `<RequestId>${requestId}</RequestId></ErrorResponse>`;
    }
    if (lost) {
      this.calls.push({ operation, at: this.options.now(), status: 0, request: body, ...(scope ? { scope } : {}) });
      throw Object.assign(new Error('socket hang up: the connection was reset before the answer (simulated)'), { code: 'ECONNRESET' });
    }
    this.calls.push({ operation, at: this.options.now(), status, request: method === 'POST' ? body : url.search, ...(scope ? { scope } : {}) });
    const answered = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...(status < 300 ? headers : {}) };
    return [status, `<?xml version="1.0"?>\n${xml}`, answered];
  }

  private healthCheckId(): string {
    return `fa4e0000-0000-4000-8000-${String(this.nextHealthCheck++).padStart(12, '0')}`;
  }

  /**
   * CreateHealthCheck as the API reference describes it: the same
   * CallerReference with the same settings answers the existing check; with
   * other settings it is HealthCheckAlreadyExists (409). The type's own
   * fields are required (InvalidInput otherwise).
   */
  private createHealthCheck(body: string): FakeHealthCheck {
    let root: XmlElement;
    try {
      root = parseXml(body);
    } catch (err) {
      throw new Route53Error(400, 'MalformedInput', `Unexpected XML: ${(err as Error).message}`);
    }
    const reference = textOf(root, 'CallerReference') ?? '';
    const element = child(root, 'HealthCheckConfig');
    if (root.name !== 'CreateHealthCheckRequest' || !element) {
      throw new Route53Error(400, 'MalformedInput', 'expected CreateHealthCheckRequest with HealthCheckConfig');
    }
    if (reference.length < 1 || reference.length > 64) {
      throw new Route53Error(400, 'InvalidInput', 'Invalid request: CallerReference must be 1 to 64 characters');
    }
    const config = withHealthCheckDefaults(element);
    const type = textOf(config, 'Type');
    const missing =
      type === 'CLOUDWATCH_METRIC'
        ? !textOf(child(config, 'AlarmIdentifier'), 'Region') || !textOf(child(config, 'AlarmIdentifier'), 'Name')
        : type === 'RECOVERY_CONTROL'
          ? !textOf(config, 'RoutingControlArn')
          : type === 'CALCULATED'
            ? textOf(config, 'HealthThreshold') === undefined
            : false;
    if (missing) throw new Route53Error(400, 'InvalidInput', `Invalid request: a ${type} health check is missing its required settings`);
    const existing = this.checks.find((c) => c.callerReference === reference);
    if (existing && sameSettings(existing.config, config)) return existing;
    if (existing) {
      const message = `A health check with the CallerReference ${reference} already exists with other settings`;
      throw new Route53Error(409, 'HealthCheckAlreadyExists', message);
    }
    const check = { id: this.healthCheckId(), callerReference: reference, config };
    this.checks.push(check);
    return check;
  }

  /** ListHealthChecks: from the check named by `marker`, `maxitems` (default 100) but at most healthCheckPageSize, then NextMarker. */
  private listHealthChecks(query: URLSearchParams): string {
    const maxItems = query.has('maxitems') ? Number(query.get('maxitems')) : 100;
    if (!Number.isInteger(maxItems) || maxItems < 1) throw new Route53Error(400, 'InvalidInput', 'maxitems must be a positive integer');
    const marker = query.get('marker');
    const from = marker === null ? 0 : this.checks.findIndex((c) => c.id === marker);
    if (from < 0) throw new Route53Error(400, 'InvalidInput', `Invalid marker: ${marker}`);
    const size = Math.min(maxItems, this.options.healthCheckPageSize ?? 1_000);
    const next = this.checks[from + size];
    const page = this.checks.slice(from, from + size).map(healthCheckXml).join('');
    return (
      `<ListHealthChecksResponse xmlns="${XMLNS}"><HealthChecks>${page}</HealthChecks>` +
      `<Marker>${escapeXml(marker ?? '')}</Marker><IsTruncated>${next !== undefined}</IsTruncated>` +
      `${next ? `<NextMarker>${next.id}</NextMarker>` : ''}<MaxItems>${maxItems}</MaxItems></ListHealthChecksResponse>`
    );
  }

  private getHostedZone(hostedZoneId: string): string {
    const records = this.zone(hostedZoneId);
    const servers = (this.delegations.get(hostedZoneId) ?? [1, 2, 3, 4].map((n) => `ns-${n}.awsdns-0${n}.example`)).map(escapeXml);
    return (
      `<GetHostedZoneResponse xmlns="${XMLNS}"><HostedZone><Id>/hostedzone/${escapeXml(hostedZoneId)}</Id><Name>example.com.</Name>` +
      `<CallerReference>fake-${escapeXml(hostedZoneId)}</CallerReference><Config><PrivateZone>false</PrivateZone></Config>` +
      `<ResourceRecordSetCount>${records.length}</ResourceRecordSetCount></HostedZone>` +
      `<DelegationSet><NameServers>${servers.map((s) => `<NameServer>${s}</NameServer>`).join('')}</NameServers></DelegationSet>` +
      `</GetHostedZoneResponse>`
    );
  }

  private zone(hostedZoneId: string): FakeRecordSet[] {
    const zone = this.zones.get(hostedZoneId);
    if (!zone) throw new Route53Error(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${hostedZoneId}`);
    return zone;
  }

  private list(hostedZoneId: string, query: URLSearchParams): string {
    const zone = this.zone(hostedZoneId);
    const name = query.get('name');
    const type = query.get('type');
    const identifier = query.get('identifier');
    if (type !== null && name === null) throw new Route53Error(400, 'InvalidInput', 'The input is not valid: a type requires a name');
    if (identifier !== null && type === null) throw new Route53Error(400, 'InvalidInput', 'The input is not valid: an identifier requires a type');
    const maxItems = query.has('maxitems') ? Number(query.get('maxitems')) : (this.options.pageSize ?? 300);
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 300) throw new Route53Error(400, 'InvalidInput', 'maxitems must be between 1 and 300');
    const all = sorted(zone);
    const start = name === null ? 0 : all.findIndex((r) => compareStart(r, parseName(name), type, identifier) >= 0);
    const from = start < 0 ? all.length : start;
    const page = all.slice(from, from + maxItems);
    const next = all[from + maxItems];
    const cursor = next
      ? `<IsTruncated>true</IsTruncated><NextRecordName>${escapeXml(renderName(next.name))}</NextRecordName><NextRecordType>${next.type}</NextRecordType>` +
        (next.setIdentifier !== undefined ? `<NextRecordIdentifier>${escapeXml(next.setIdentifier)}</NextRecordIdentifier>` : '')
      : '<IsTruncated>false</IsTruncated>';
    return (
      `<ListResourceRecordSetsResponse xmlns="${XMLNS}"><ResourceRecordSets>${page.map(recordXml).join('')}</ResourceRecordSets>` +
      `${cursor}<MaxItems>${maxItems}</MaxItems></ListResourceRecordSetsResponse>`
    );
  }

  private change(hostedZoneId: string, body: string): string {
    let root: XmlElement;
    try {
      root = parseXml(body);
    } catch (err) {
      throw new Route53Error(400, 'MalformedInput', `Unexpected XML: ${(err as Error).message}`);
    }
    const batch = child(root, 'ChangeBatch');
    if (root.name !== 'ChangeResourceRecordSetsRequest' || !batch) {
      throw new Route53Error(400, 'MalformedInput', 'ChangeBatch is not valid, expected ChangeResourceRecordSetsRequest');
    }
    const changeElements = children(child(batch, 'Changes'), 'Change');
    if (changeElements.length === 0) throw new Route53Error(400, 'InvalidInput', 'Invalid request: Missing field Changes');
    const comment = textOf(batch, 'Comment');
    const parsed = changeElements.map(parseChange);
    const zone = this.zone(hostedZoneId);
    const next = zone.map((r) => ({ ...r }));
    const problems: string[] = [];
    for (const { action, record } of parsed) {
      const at = next.findIndex((r) => sameKey(r, record));
      const which = `[name='${renderName(record.name)}', type='${record.type}'${record.setIdentifier !== undefined ? `, set-identifier='${record.setIdentifier}'` : ''}]`;
      if (action === 'CREATE') {
        if (at >= 0) problems.push(`Tried to create resource record set ${which} but it already exists`);
        else next.push(record);
      } else if (action === 'DELETE') {
        if (at < 0) problems.push(`Tried to delete resource record set ${which} but it was not found`);
        else if (!sameRecord(next[at]!, record)) problems.push(`Tried to delete resource record set ${which} but the values provided do not match the current values`);
        else next.splice(at, 1);
      } else {
        if (at >= 0) next.splice(at, 1, record);
        else next.push(record);
      }
    }
    if (problems.length > 0) throw new Route53Error(400, 'InvalidChangeBatch', `[${problems.join(', ')}]`, problems);
    this.zones.set(hostedZoneId, next);
    const id = `C${(this.nextChange++).toString(36).toUpperCase().padStart(13, '0')}`;
    const change: FakeChange = { id, submittedAt: this.options.now(), ...(comment !== undefined ? { comment } : {}) };
    this.changes.set(id, change);
    return `<ChangeResourceRecordSetsResponse xmlns="${XMLNS}">${this.changeInfoXml(change)}</ChangeResourceRecordSetsResponse>`;
  }

  private getChange(id: string): string {
    const change = this.changes.get(id);
    if (!change) throw new Route53Error(404, 'NoSuchChange', `A change with the specified change ID does not exist: ${id}`);
    return `<GetChangeResponse xmlns="${XMLNS}">${this.changeInfoXml(change)}</GetChangeResponse>`;
  }

  private changeInfoXml(change: FakeChange): string {
    const status = this.options.now() >= change.submittedAt + this.options.propagationMs ? 'INSYNC' : 'PENDING';
    return (
      `<ChangeInfo><Id>/change/${change.id}</Id><Status>${status}</Status><SubmittedAt>${new Date(change.submittedAt).toISOString()}</SubmittedAt>` +
      (change.comment !== undefined ? `<Comment>${escapeXml(change.comment)}</Comment>` : '') +
      `</ChangeInfo>`
    );
  }
}

/**
 * A config as Route 53 keeps it, in the reference's element order: Inverted
 * and Disabled false, and a CLOUDWATCH_METRIC's InsufficientDataHealthStatus
 * LastKnownStatus, unless given.
 */
function withHealthCheckDefaults(config: XmlElement): XmlElement {
  const leaf = (name: string, text: string): XmlElement => ({ name, attributes: {}, children: [], text });
  const out = [...config.children];
  if (!child(config, 'Inverted')) out.push(leaf('Inverted', 'false'));
  if (!child(config, 'Disabled')) out.push(leaf('Disabled', 'false'));
  if (textOf(config, 'Type') === 'CLOUDWATCH_METRIC' && !child(config, 'InsufficientDataHealthStatus')) {
    out.push(leaf('InsufficientDataHealthStatus', 'LastKnownStatus'));
  }
  const rank = (e: XmlElement) => {
    const at = HEALTH_CHECK_CONFIG_ORDER.indexOf(e.name);
    return at < 0 ? HEALTH_CHECK_CONFIG_ORDER.length : at;
  };
  return { ...config, children: out.sort((a, b) => rank(a) - rank(b)) };
}

function elementXml(e: XmlElement): string {
  return `<${e.name}>${e.children.length > 0 ? e.children.map(elementXml).join('') : escapeXml(e.text.trim())}</${e.name}>`;
}

/** Same settings: the same elements and values, child health checks in any order. */
function sameSettings(a: XmlElement, b: XmlElement): boolean {
  const ids = (e: XmlElement) => e.children.map((c) => c.text.trim()).sort();
  const key = (config: XmlElement) =>
    config.children.map((e) => (e.name === 'ChildHealthChecks' ? `${e.name}:${ids(e)}` : elementXml(e))).join('');
  return key(a) === key(b);
}

function healthCheckXml(check: FakeHealthCheck): string {
  return (
    `<HealthCheck><Id>${check.id}</Id><CallerReference>${escapeXml(check.callerReference)}</CallerReference>` +
    `${elementXml(check.config)}<HealthCheckVersion>1</HealthCheckVersion></HealthCheck>`
  );
}

function parseChange(element: XmlElement): { action: string; record: FakeRecordSet } {
  const action = textOf(element, 'Action') ?? '';
  const rr = child(element, 'ResourceRecordSet');
  if (!['CREATE', 'DELETE', 'UPSERT'].includes(action) || !rr) throw new Route53Error(400, 'InvalidInput', `Invalid request: bad Change (Action=${action})`);
  const num = (name: string) => (textOf(rr, name) !== undefined ? Number(textOf(rr, name)) : undefined);
  const alias = child(rr, 'AliasTarget');
  const records = child(rr, 'ResourceRecords');
  const record = strip<FakeRecordSet>({
    name: textOf(rr, 'Name') ?? '',
    type: textOf(rr, 'Type') ?? '',
    ttl: num('TTL'),
    values: children(records, 'ResourceRecord').map((r) => textOf(r, 'Value') ?? ''),
    setIdentifier: textOf(rr, 'SetIdentifier'),
    weight: num('Weight'),
    region: textOf(rr, 'Region'),
    failover: textOf(rr, 'Failover') as FakeRecordSet['failover'],
    multiValueAnswer: textOf(rr, 'MultiValueAnswer') !== undefined ? textOf(rr, 'MultiValueAnswer') === 'true' : undefined,
    healthCheckId: textOf(rr, 'HealthCheckId'),
    alias: alias
      ? { hostedZoneId: textOf(alias, 'HostedZoneId') ?? '', dnsName: textOf(alias, 'DNSName') ?? '', evaluateTargetHealth: textOf(alias, 'EvaluateTargetHealth') === 'true' }
      : undefined,
  });
  const where = `in Change with [Action=${action}, Name=${record.name}, Type=${record.type}, SetIdentifier=${record.setIdentifier ?? 'null'}]`;
  const plain = record.ttl !== undefined || records !== undefined;
  if (alias ? plain : !(record.ttl !== undefined && record.values.length > 0)) {
    throw new Route53Error(400, 'InvalidInput', `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${alias ? 'more than one' : 'none'} ${where}`);
  }
  const routed = record.weight !== undefined || record.region !== undefined || record.failover !== undefined || record.multiValueAnswer !== undefined;
  if (routed !== (record.setIdentifier !== undefined)) {
    throw new Route53Error(400, 'InvalidInput', `Invalid request: a SetIdentifier goes with exactly one routing policy (Weight, Region, Failover, MultiValueAnswer) ${where}`);
  }
  return { action, record: canonical(record) };
}

function recordXml(r: FakeRecordSet): string {
  const el = (name: string, value: string | number | boolean | undefined) => (value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`);
  // Element order of the API reference's ResourceRecordSet.
  return (
    `<ResourceRecordSet>${el('Name', renderName(r.name))}${el('Type', r.type)}${el('SetIdentifier', r.setIdentifier)}${el('Weight', r.weight)}` +
    `${el('Region', r.region)}${el('Failover', r.failover)}${el('MultiValueAnswer', r.multiValueAnswer)}${el('TTL', r.ttl)}` +
    (r.alias ? '' : `<ResourceRecords>${r.values.map((v) => `<ResourceRecord>${el('Value', v)}</ResourceRecord>`).join('')}</ResourceRecords>`) +
    (r.alias
      ? `<AliasTarget>${el('HostedZoneId', r.alias.hostedZoneId)}${el('DNSName', r.alias.dnsName)}${el('EvaluateTargetHealth', r.alias.evaluateTargetHealth)}</AliasTarget>`
      : '') +
    `${el('HealthCheckId', r.healthCheckId)}</ResourceRecordSet>`
  );
}

/**
 * A name's labels as Route 53 reads them: `\NNN` is an octal escape, `\X` is
 * X itself, `.` separates labels (the trailing one is optional), and letters
 * are stored in lower case.
 */
function parseName(name: string): string[] {
  const labels: string[] = [];
  let label = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === '\\' && /^[0-7]{3}$/.test(name.slice(i + 1, i + 4))) {
      label += String.fromCharCode(parseInt(name.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (c === '\\' && i + 1 < name.length) {
      label += name[++i];
    } else if (c === '.') {
      labels.push(label);
      label = '';
    } else {
      label += c;
    }
  }
  if (label !== '') labels.push(label);
  return labels.map((l) => l.replace(/[A-Z]/g, (x) => x.toLowerCase()));
}

/** Route 53's way of returning a name: a-z, 0-9, `-`, `_` as they are, every other character as `\NNN` octal, and the trailing dot. */
function renderLabels(labels: string[]): string {
  return `${labels.map((l) => l.replace(/[^a-z0-9_-]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)).join('.')}.`;
}

function renderName(name: string): string {
  return renderLabels(parseName(name));
}

/** The stored form: the name rendered, alias DNS name in lower case with its dot; no undefined keys. */
function canonical(record: FakeRecordSet): FakeRecordSet {
  const alias = record.alias ? { ...record.alias, dnsName: renderName(record.alias.dnsName) } : undefined;
  return strip({ ...record, name: renderName(record.name), values: record.alias ? [] : [...record.values], alias });
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Sort key of a name: labels reversed, e.g. com.example.www. */
function nameKey(name: string): string {
  return `${parseName(name)
    .reverse()
    .map((l) => renderLabels([l]).slice(0, -1))
    .join('.')}.`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sorted(records: FakeRecordSet[]): FakeRecordSet[] {
  return [...records].sort((a, b) => cmp(nameKey(a.name), nameKey(b.name)) || cmp(a.type, b.type) || cmp(a.setIdentifier ?? '', b.setIdentifier ?? ''));
}

/** Where a record stands against the start of a listing: name first, then type, then identifier, each only when given. */
function compareStart(r: FakeRecordSet, startLabels: string[], type: string | null, identifier: string | null): number {
  const byName = cmp(nameKey(r.name), nameKey(renderLabels(startLabels)));
  if (byName !== 0 || type === null) return byName;
  const byType = cmp(r.type, type);
  if (byType !== 0 || identifier === null) return byType;
  return cmp(r.setIdentifier ?? '', identifier);
}

/** Route 53 identifies a record set by name, type and set identifier. */
function sameKey(a: FakeRecordSet, b: FakeRecordSet): boolean {
  return a.name === b.name && a.type === b.type && a.setIdentifier === b.setIdentifier;
}

/** A DELETE must match every field of the record set; values in any order. */
function sameRecord(a: FakeRecordSet, b: FakeRecordSet): boolean {
  const values = (r: FakeRecordSet) => JSON.stringify([...r.values].sort());
  const alias = (r: FakeRecordSet) => JSON.stringify(r.alias ? [r.alias.hostedZoneId, r.alias.dnsName, r.alias.evaluateTargetHealth] : null);
  return (
    sameKey(a, b) &&
    a.ttl === b.ttl &&
    values(a) === values(b) &&
    a.weight === b.weight &&
    a.region === b.region &&
    a.failover === b.failover &&
    a.multiValueAnswer === b.multiValueAnswer &&
    a.healthCheckId === b.healthCheckId &&
    alias(a) === alias(b)
  );
}
