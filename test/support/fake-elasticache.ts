import nock from 'nock';
import { escapeXml } from './tiny-xml.js';

const VERSION = '2015-02-02';
const XMLNS = `http://elasticache.amazonaws.com/doc/${VERSION}/`;
const ACCOUNT = '123456789012';

/** One request the fake answered: the region of the endpoint asked, the action, its form parameters, the status answered. */
export interface FakeElastiCacheCall {
  region: string;
  action: string;
  params: Record<string, string>;
  status: number;
}

/** A member as seeded. */
export interface FakeCacheMember {
  replicationGroupId: string;
  region: string;
  role: 'primary' | 'secondary';
}

interface FakeDatastore {
  id: string;
  status: string;
  members: FakeCacheMember[];
  failover?: { region: string; replicationGroupId: string; doneAt: number };
}

class QueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small, stateful stand-in for ElastiCache global datastores behind nock,
 * one state answered at the endpoints of several regions, speaking the
 * Query protocol (form-encoded POST `/`, Action and Version 2015-02-02, XML
 * answers in ElastiCache's namespace, awsQuery ErrorResponse):
 * - DescribeGlobalReplicationGroups: the datastores seen from the asking
 *   region (those with a member there); Members only with
 *   ShowMemberInfo=true, as AWS does; a GlobalReplicationGroupId it cannot
 *   see is GlobalReplicationGroupNotFoundFault (404).
 * - FailoverGlobalReplicationGroup: accepted while `available`; the
 *   datastore reads `modifying` for `failoverMs`, then the named member is
 *   primary and the others secondary. Not available:
 *   InvalidGlobalReplicationGroupState (400); a member that is not there,
 *   or already primary: InvalidParameterValue (400).
 * - Requests must be signed for the endpoint's region and `elasticache`;
 *   `takeDown(region)` refuses that endpoint's connections until `bringUp`.
 */
export class FakeElastiCache {
  readonly calls: FakeElastiCacheCall[] = [];
  private readonly datastores = new Map<string, FakeDatastore>();
  private readonly down = new Set<string>();
  private interceptors: nock.Interceptor[] = [];
  private nextRequest = 1;

  constructor(private readonly options: { regions: string[]; now: () => number; failoverMs: number }) {}

  /** Create a global datastore (outside the API), available, its members associated. */
  addDatastore(id: string, members: FakeCacheMember[]): void {
    this.datastores.set(id, { id, status: 'available', members: structuredClone(members) });
  }

  /** Set a datastore's status as the world would (primary-only, …). */
  setStatus(id: string, status: string): void {
    this.datastores.get(id)!.status = status;
  }

  takeDown(region: string): void {
    this.down.add(region);
  }

  bringUp(region: string): void {
    this.down.delete(region);
  }

  install(): this {
    const fake = this;
    for (const region of this.options.regions) {
      const interceptor = nock(`https://elasticache.${region}.amazonaws.com`).persist().post('/');
      interceptor.reply(async function (this: nock.ReplyFnContext, _uri, body) {
        return fake.handle(
          region,
          this.req.headers,
          typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString(),
        );
      });
      this.interceptors.push(interceptor);
    }
    return this;
  }

  close(): void {
    for (const interceptor of this.interceptors) nock.removeInterceptor(interceptor);
    this.interceptors = [];
  }

  private handle(
    region: string,
    headers: Record<string, string | string[] | undefined>,
    body: string,
  ): [number, string, Record<string, string>] {
    if (this.down.has(region))
      throw Object.assign(new Error(`connect ECONNREFUSED elasticache.${region}.amazonaws.com (simulated)`), { code: 'ECONNREFUSED' });
    const params = Object.fromEntries(new URLSearchParams(body));
    const action = params['Action'] ?? '';
    const requestId = `00000000-0000-4000-8000-${String(this.nextRequest++).padStart(12, '0')}`;
    let status = 200;
    let xml: string;
    try {
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(headers['authorization'] ?? ''));
      if (scope?.[1] !== region || scope[2] !== 'elasticache')
        throw new QueryError(403, 'SignatureDoesNotMatch', 'Credential should be scoped to a valid region.');
      if (params['Version'] !== VERSION)
        throw new QueryError(400, 'InvalidAction', `Version ${params['Version'] ?? '(none)'} is not ${VERSION}`);
      let result: string;
      if (action === 'DescribeGlobalReplicationGroups') result = this.describe(region, params);
      else if (action === 'FailoverGlobalReplicationGroup') result = this.failover(region, params);
      else throw new QueryError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
      xml =
        `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      status = err.status;
      xml =
        `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${err.code}</Code>` +
        `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    }
    this.calls.push({ region, action, params, status });
    return [status, `<?xml version="1.0"?>\n${xml}`, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }];
  }

  private describe(region: string, params: Record<string, string>): string {
    const id = params['GlobalReplicationGroupId'];
    const visible = [...this.datastores.values()].filter((d) => d.members.some((m) => m.region === region));
    const chosen = id === undefined ? visible : visible.filter((d) => d.id === id);
    if (id !== undefined && chosen.length === 0)
      throw new QueryError(404, 'GlobalReplicationGroupNotFoundFault', `GlobalReplicationGroup ${id} not found`);
    const withMembers = params['ShowMemberInfo'] === 'true';
    return `<GlobalReplicationGroups>${chosen.map((d) => this.datastoreXml(d, withMembers)).join('')}</GlobalReplicationGroups>`;
  }

  private failover(region: string, params: Record<string, string>): string {
    const id = params['GlobalReplicationGroupId'] ?? '';
    const primaryRegion = params['PrimaryRegion'];
    const primaryGroup = params['PrimaryReplicationGroupId'];
    if (!primaryRegion || !primaryGroup)
      throw new QueryError(400, 'InvalidParameterCombination', 'PrimaryRegion and PrimaryReplicationGroupId are required.');
    const datastore = this.datastores.get(id);
    if (!datastore || !datastore.members.some((m) => m.region === region))
      throw new QueryError(404, 'GlobalReplicationGroupNotFoundFault', `GlobalReplicationGroup ${id} not found`);
    this.settle(datastore);
    const status = datastore.failover ? 'modifying' : datastore.status;
    if (status !== 'available')
      throw new QueryError(400, 'InvalidGlobalReplicationGroupState', `Global replication group ${id} is not in available state.`);
    const member = datastore.members.find((m) => m.replicationGroupId === primaryGroup && m.region === primaryRegion);
    if (!member)
      throw new QueryError(400, 'InvalidParameterValue', `Replication group ${primaryGroup} in ${primaryRegion} is not a member of ${id}.`);
    if (member.role === 'primary')
      throw new QueryError(400, 'InvalidParameterValue', `Replication group ${primaryGroup} is already the primary of ${id}.`);
    datastore.failover = { region: primaryRegion, replicationGroupId: primaryGroup, doneAt: this.options.now() + this.options.failoverMs };
    return this.datastoreXml(datastore, true);
  }

  private settle(datastore: FakeDatastore): void {
    const failover = datastore.failover;
    if (!failover || this.options.now() < failover.doneAt) return;
    for (const m of datastore.members)
      m.role = m.replicationGroupId === failover.replicationGroupId && m.region === failover.region ? 'primary' : 'secondary';
    delete datastore.failover;
  }

  /** A GlobalReplicationGroup element (of the list, or FailoverGlobalReplicationGroup's result). */
  private datastoreXml(datastore: FakeDatastore, withMembers: boolean): string {
    this.settle(datastore);
    const members = datastore.members
      .map(
        (m) =>
          `<GlobalReplicationGroupMember><ReplicationGroupId>${m.replicationGroupId}</ReplicationGroupId>` +
          `<ReplicationGroupRegion>${m.region}</ReplicationGroupRegion><Role>${m.role}</Role>` +
          `<AutomaticFailover>enabled</AutomaticFailover><Status>associated</Status></GlobalReplicationGroupMember>`,
      )
      .join('');
    return (
      `<GlobalReplicationGroup><GlobalReplicationGroupId>${datastore.id}</GlobalReplicationGroupId>` +
      `<GlobalReplicationGroupDescription>shop sessions</GlobalReplicationGroupDescription>` +
      `<Status>${datastore.failover ? 'modifying' : datastore.status}</Status><CacheNodeType>cache.r7g.large</CacheNodeType>` +
      `<Engine>redis</Engine><EngineVersion>7.1.0</EngineVersion>` +
      (withMembers ? `<Members>${members}</Members>` : '') +
      `<ClusterEnabled>false</ClusterEnabled><AuthTokenEnabled>false</AuthTokenEnabled>` +
      `<TransitEncryptionEnabled>true</TransitEncryptionEnabled><AtRestEncryptionEnabled>true</AtRestEncryptionEnabled>` +
      `<ARN>arn:aws:elasticache::${ACCOUNT}:globalreplicationgroup:${datastore.id}</ARN></GlobalReplicationGroup>`
    );
  }
}
