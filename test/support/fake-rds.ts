import nock from 'nock';

const XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/';
const VERSION = '2014-10-31';
const ACCOUNT = '123456789012';

/** One request the fake answered, in order: region, action, form parameters and HTTP status. */
export interface FakeRdsCall {
  region: string;
  action: string;
  params: Record<string, string>;
  status: number;
}

/** How long the fake's changes take, in ms of its clock. */
export interface FakeRdsDelays {
  /** After PromoteReadReplica the instance still reads `available` with its source set for this long… */
  promoteAcceptMs: number;
  /** …then `modifying`, then `rebooting`, and is a standalone `available` writer after this long in all. */
  promoteMs: number;
  replicaCreateMs: number;
  renameMs: number;
}

interface FakeInstance {
  region: string;
  id: string;
  /** The source as RDS reports it: a bare identifier (same region) or an ARN (cross-region). */
  source?: string;
  createdAt: number;
  /** Kind and start of the change in progress, if any. */
  change?: { kind: 'create' | 'promote' | 'rename'; at: number };
}

class AwsQueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small, stateful stand-in for Amazon RDS DB instances behind nock, in
 * every region it is given, speaking the awsQuery protocol (form-encoded
 * POST, XML answers) for the four operations the RDS adapter uses on
 * instances: DescribeDBInstances, PromoteReadReplica,
 * CreateDBInstanceReadReplica and ModifyDBInstance (rename). Like AWS:
 * identifiers are unique per region and stored lower case; a cross-region
 * source must be given as an ARN and a same-region one may be an
 * identifier; a replica reports its source as an ARN when it is in another
 * region; promotion and creation take time on the fake's clock, and a
 * promotion first leaves the instance `available` with its source set.
 */
export class FakeRds {
  readonly calls: FakeRdsCall[] = [];
  private readonly instances: FakeInstance[] = [];
  private readonly interceptors: nock.Interceptor[] = [];
  private nextRequest = 1;

  constructor(
    private readonly options: { regions: string[]; now: () => number; delays: FakeRdsDelays },
  ) {}

  /** The endpoint the SDK calls for a region. */
  static endpoint(region: string): string {
    return `https://rds.${region}.amazonaws.com`;
  }

  /** Put an available writer in place. */
  addWriter(region: string, id: string): void {
    this.instances.push({ region, id: id.toLowerCase(), createdAt: this.options.now() });
  }

  /** Put an available replica of `source` in place. */
  addReplica(region: string, id: string, source: { region: string; id: string }): void {
    this.instances.push({ region, id: id.toLowerCase(), source: this.sourceAsReported(region, source.region, source.id.toLowerCase()), createdAt: this.options.now() });
  }

  /** Start answering requests to every region's endpoint. */
  install(): this {
    for (const region of this.options.regions) {
      const interceptor = nock(FakeRds.endpoint(region)).persist().post('/');
      interceptor.reply((_uri, body) => this.handle(region, typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString()));
      this.interceptors.push(interceptor);
    }
    return this;
  }

  /** Stop answering. */
  close(): void {
    for (const interceptor of this.interceptors.splice(0)) nock.removeInterceptor(interceptor);
  }

  private handle(region: string, body: string): [number, string, Record<string, string>] {
    const params = Object.fromEntries(new URLSearchParams(body));
    const action = params['Action'] ?? '';
    const requestId = `00000000-0000-4000-8000-${String(this.nextRequest++).padStart(12, '0')}`;
    let status = 200;
    let xml: string;
    try {
      if (params['Version'] !== VERSION) throw new AwsQueryError(400, 'InvalidAction', `Version ${params['Version'] ?? '(none)'} is not ${VERSION}`);
      const result = this.dispatch(region, action, params);
      xml = `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    } catch (err) {
      if (!(err instanceof AwsQueryError)) throw err;
      status = err.status;
      xml =
        `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${err.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${err.code}</Code>` +
        `<Message>${esc(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    }
    this.calls.push({ region, action, params, status });
    return [status, `<?xml version="1.0"?>\n${xml}`, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }];
  }

  private dispatch(region: string, action: string, params: Record<string, string>): string {
    switch (action) {
      case 'DescribeDBInstances': {
        const id = params['DBInstanceIdentifier'];
        const found = id === undefined ? this.instances.filter((i) => i.region === region) : [this.require(region, id)];
        return `<DBInstances>${found.map((i) => this.instanceXml(i)).join('')}</DBInstances>`;
      }
      case 'PromoteReadReplica': {
        const instance = this.require(region, required(params, 'DBInstanceIdentifier'));
        if (!instance.source) throw new AwsQueryError(400, 'InvalidDBInstanceState', `DB Instance ${instance.id} is not a read replica.`);
        if (this.status(instance) !== 'available') throw new AwsQueryError(400, 'InvalidDBInstanceState', `DB instance ${instance.id} is not in available state.`);
        instance.change = { kind: 'promote', at: this.options.now() };
        return this.instanceXml(instance);
      }
      case 'CreateDBInstanceReadReplica':
        return this.instanceXml(this.createReplica(region, params));
      case 'ModifyDBInstance':
        return this.instanceXml(this.modify(region, params));
      default:
        throw new AwsQueryError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  private createReplica(region: string, params: Record<string, string>): FakeInstance {
    const id = identifier(params, 'DBInstanceIdentifier');
    if (this.find(region, id)) throw new AwsQueryError(400, 'DBInstanceAlreadyExists', 'DB instance already exists');
    const sourceRef = required(params, 'SourceDBInstanceIdentifier');
    // A bare identifier is looked up in the region the request went to, as AWS does: a cross-region source needs its ARN.
    const source = this.require(region, sourceRef);
    if (this.status(source) !== 'available') throw new AwsQueryError(400, 'InvalidDBInstanceState', `DB instance ${source.id} is not in available state.`);
    const replica: FakeInstance = {
      region,
      id,
      source: this.sourceAsReported(region, source.region, source.id),
      createdAt: this.options.now(),
      change: { kind: 'create', at: this.options.now() },
    };
    this.instances.push(replica);
    return replica;
  }

  private modify(region: string, params: Record<string, string>): FakeInstance {
    const instance = this.require(region, required(params, 'DBInstanceIdentifier'));
    if (params['NewDBInstanceIdentifier'] === undefined) return instance;
    const newId = identifier(params, 'NewDBInstanceIdentifier');
    if (this.find(region, newId)) throw new AwsQueryError(400, 'DBInstanceAlreadyExists', 'DB instance already exists');
    // Without ApplyImmediately the rename waits for the maintenance window, which never comes here.
    if (params['ApplyImmediately'] !== 'true') return instance;
    const oldArn = arn(instance.region, instance.id);
    const oldId = instance.id;
    instance.id = newId;
    instance.change = { kind: 'rename', at: this.options.now() };
    // Replicas follow their renamed source, under the name they report it by.
    for (const other of this.instances) {
      if (other.source === oldArn) other.source = arn(instance.region, newId);
      else if (other.source === oldId && other.region === instance.region) other.source = newId;
    }
    return instance;
  }

  private sourceAsReported(replicaRegion: string, sourceRegion: string, sourceId: string): string {
    return replicaRegion === sourceRegion ? sourceId : arn(sourceRegion, sourceId);
  }

  /** An instance by identifier (in `region`) or ARN (in the region the ARN names). */
  private find(region: string, ref: string): FakeInstance | undefined {
    const lower = ref.toLowerCase();
    if (lower.startsWith('arn:')) return this.instances.find((i) => arn(i.region, i.id) === lower);
    return this.instances.find((i) => i.region === region && i.id === lower);
  }

  private require(region: string, ref: string): FakeInstance {
    const instance = this.find(region, ref);
    if (!instance) throw new AwsQueryError(404, 'DBInstanceNotFound', `DBInstance ${ref} not found.`);
    this.settle(instance);
    return instance;
  }

  /** Finish a change whose time has come: state follows the clock, no timers. */
  private settle(instance: FakeInstance): void {
    const change = instance.change;
    if (!change) return;
    const elapsed = this.options.now() - change.at;
    const { promoteMs, replicaCreateMs, renameMs } = this.options.delays;
    const total = change.kind === 'promote' ? promoteMs : change.kind === 'create' ? replicaCreateMs : renameMs;
    if (elapsed < total) return;
    if (change.kind === 'promote') delete instance.source;
    delete instance.change;
  }

  private status(instance: FakeInstance): string {
    this.settle(instance);
    const change = instance.change;
    if (!change) return 'available';
    if (change.kind === 'create') return 'creating';
    if (change.kind === 'rename') return 'renaming';
    const elapsed = this.options.now() - change.at;
    const { promoteAcceptMs, promoteMs } = this.options.delays;
    if (elapsed < promoteAcceptMs) return 'available';
    return elapsed < promoteAcceptMs + (promoteMs - promoteAcceptMs) / 2 ? 'modifying' : 'rebooting';
  }

  private instanceXml(instance: FakeInstance): string {
    const status = this.status(instance);
    const replicas = this.instances.filter((other) => other.source === instance.id || other.source === arn(instance.region, instance.id));
    const statusInfos = instance.source
      ? `<StatusInfos><DBInstanceStatusInfo><StatusType>read replication</StatusType><Normal>true</Normal><Status>replicating</Status></DBInstanceStatusInfo></StatusInfos>`
      : '<StatusInfos/>';
    return (
      `<DBInstance><DBInstanceIdentifier>${instance.id}</DBInstanceIdentifier><DBInstanceClass>db.t3.micro</DBInstanceClass>` +
      `<Engine>postgres</Engine><EngineVersion>16.4</EngineVersion><DBInstanceStatus>${status}</DBInstanceStatus>` +
      `<MasterUsername>app</MasterUsername><AllocatedStorage>20</AllocatedStorage>` +
      `<InstanceCreateTime>${new Date(instance.createdAt).toISOString()}</InstanceCreateTime>` +
      `<BackupRetentionPeriod>${instance.source ? 0 : 7}</BackupRetentionPeriod><MultiAZ>false</MultiAZ>` +
      `<AvailabilityZone>${instance.region}a</AvailabilityZone>` +
      (instance.source ? `<ReadReplicaSourceDBInstanceIdentifier>${esc(instance.source)}</ReadReplicaSourceDBInstanceIdentifier>` : '') +
      `<ReadReplicaDBInstanceIdentifiers>${replicas
        .map((r) => `<ReadReplicaDBInstanceIdentifier>${r.region === instance.region ? r.id : arn(r.region, r.id)}</ReadReplicaDBInstanceIdentifier>`)
        .join('')}</ReadReplicaDBInstanceIdentifiers>` +
      statusInfos +
      `<DbiResourceId>db-FAKE${instance.id.toUpperCase().replace(/[^A-Z0-9]/g, '')}</DbiResourceId>` +
      `<DBInstanceArn>${arn(instance.region, instance.id)}</DBInstanceArn></DBInstance>`
    );
  }
}

function arn(region: string, id: string): string {
  return `arn:aws:rds:${region}:${ACCOUNT}:db:${id}`;
}

function required(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw new AwsQueryError(400, 'MissingParameter', `The request must contain the parameter ${name}`);
  return value;
}

/** DB instance identifiers: 1–63 letters, digits or hyphens, a letter first, no trailing or double hyphen; stored lower case. */
function identifier(params: Record<string, string>, name: string): string {
  const value = required(params, name);
  if (!/^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}$/.test(value) || value.endsWith('-')) {
    throw new AwsQueryError(400, 'InvalidParameterValue', `The parameter ${name} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`);
  }
  return value.toLowerCase();
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
