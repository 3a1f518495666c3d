import nock from 'nock';
import { FakeAurora, type FakeAuroraDelays } from './fake-aurora.js';
import { AwsQueryError, el, esc, FAKE_ACCOUNT, identifier, memberList, RDS_VERSION, RDS_XMLNS, rdsArn, required } from './fake-rds-wire.js';

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
  /** …then `modifying`, then `rebooting`, and is a standalone writer after this long in all… */
  promoteMs: number;
  /** …then `backing-up` this long when the promotion turned backups on (the replica had none); 0 by default. */
  postPromotionBackupMs?: number;
  replicaCreateMs: number;
  renameMs: number;
}

/** What an instance is set up with: where it lives, how, and its tags (what a replacement replica must copy). */
export interface FakeInstanceSettings {
  instanceClass?: string;
  subnetGroup?: string;
  securityGroups?: string[];
  parameterGroup?: string;
  optionGroup?: string;
  storageType?: string;
  iops?: number;
  monitoringInterval?: number;
  monitoringRoleArn?: string;
  performanceInsights?: boolean;
  deletionProtection?: boolean;
  tags?: Record<string, string>;
}

/** The facts of an instance besides its settings. */
export interface FakeInstanceFacts {
  encrypted?: boolean;
  kmsKeyId?: string;
  allocatedStorage?: number;
  multiAz?: boolean;
  backupRetention?: number;
  backupWindow?: string;
  maintenanceWindow?: string;
}

interface FakeInstance extends FakeInstanceFacts {
  region: string;
  id: string;
  /** The source as RDS reports it: a bare identifier (same region) or an ARN (cross-region). */
  source?: string;
  createdAt: number;
  settings: FakeInstanceSettings;
  /** Kind and start of the change in progress, if any. */
  change?: { kind: 'create' | 'promote' | 'rename' | 'backup'; at: number; until?: number; backupMs?: number };
}

/**
 * A small, stateful stand-in for Amazon RDS behind nock, in every region it
 * is given, speaking the awsQuery protocol (form-encoded POST, XML
 * answers): DB instances (DescribeDBInstances, PromoteReadReplica,
 * CreateDBInstanceReadReplica, ModifyDBInstance) and, through FakeAurora,
 * Aurora global databases. Like AWS:
 * - identifiers are unique per region and stored lower case; a
 *   cross-region source must be given as an ARN and a same-region one may
 *   be an identifier; a replica reports its source as an ARN when it is in
 *   another region;
 * - promotion, creation and renames take time on the fake's clock; a
 *   promotion first leaves the instance `available` with its source set,
 *   then `modifying`, `rebooting`, and `backing-up` when it turned backups
 *   on; PromoteReadReplica refuses a replica that is not `available`
 *   (InvalidDBInstanceState: "a read replica cannot be promoted … when it is
 *   in the backing-up status", RDS API Reference);
 * - CreateDBInstanceReadReplica takes the replica's settings from its
 *   parameters only (no subnet group: outside any VPC; no security groups:
 *   the default one; no parameter group: the engine's default), refuses a
 *   subnet group for a same-region replica (DBSubnetGroupNotAllowedFault),
 *   a cross-region replica of an encrypted source without KmsKeyId
 *   (InvalidParameterCombination: "Cannot create a cross region unencrypted
 *   read replica from encrypted source.") and a KmsKeyId for a same-region one;
 * - a region can be made unreachable (connection refused).
 */
export class FakeRds {
  readonly calls: FakeRdsCall[] = [];
  readonly aurora: FakeAurora;
  private readonly instances: FakeInstance[] = [];
  private readonly interceptors: nock.Interceptor[] = [];
  private readonly down = new Set<string>();
  private readonly lostAnswers: string[] = [];
  private nextRequest = 1;

  constructor(private readonly options: { regions: string[]; now: () => number; delays: FakeRdsDelays; auroraDelays?: Partial<FakeAuroraDelays> }) {
    this.aurora = new FakeAurora({ now: options.now, delays: options.auroraDelays, regionUp: (region) => !this.down.has(region) });
  }

  /** The endpoint the SDK calls for a region. */
  static endpoint(region: string): string {
    return `https://rds.${region}.amazonaws.com`;
  }

  /** Put an available writer in place. */
  addWriter(region: string, id: string, options: { settings?: FakeInstanceSettings } & FakeInstanceFacts = {}): void {
    const { settings = {}, ...facts } = options;
    this.instances.push({ backupRetention: 7, ...facts, region, id: id.toLowerCase(), createdAt: this.options.now(), settings: structuredClone(settings) });
  }

  /** Put an available replica of `source` in place (backups off, as RDS creates them). */
  addReplica(region: string, id: string, source: { region: string; id: string }, options: { settings?: FakeInstanceSettings } & FakeInstanceFacts = {}): void {
    const { settings = {}, ...facts } = options;
    this.instances.push({
      backupRetention: 0,
      ...facts,
      region,
      id: id.toLowerCase(),
      source: this.sourceAsReported(region, source.region, source.id.toLowerCase()),
      createdAt: this.options.now(),
      settings: structuredClone(settings),
    });
  }

  /** Start an automated backup (the instance's backup window): `backing-up` for `ms`. */
  startBackup(region: string, id: string, ms: number): void {
    const instance = this.require(region, id);
    instance.change = { kind: 'backup', at: this.options.now(), until: this.options.now() + ms };
  }

  /** An instance as the fake holds it (settings and facts), for assertions. */
  instance(region: string, id: string): (FakeInstanceFacts & { settings: FakeInstanceSettings; status: string; source?: string }) | undefined {
    const found = this.find(region, id);
    if (!found) return undefined;
    const { region: _r, id: _i, createdAt: _c, change: _ch, ...rest } = structuredClone(found);
    return { ...rest, status: this.status(found) };
  }

  /** The next `action` takes effect, but its answer is lost: the connection resets before it arrives (status 0 in `calls`). */
  loseNextAnswer(action: string): void {
    this.lostAnswers.push(action);
  }

  /** Make a region's endpoint refuse connections (a regional outage), or answer again. */
  setRegionDown(region: string, down: boolean): void {
    if (down) this.down.add(region);
    else this.down.delete(region);
  }

  /** Start answering requests to every region's endpoint. */
  install(): this {
    for (const region of this.options.regions) {
      const interceptor = nock(FakeRds.endpoint(region)).persist().post('/');
      interceptor.reply(async (_uri, body) => {
        // Thrown from an async reply, nock fails the request the way a refused connection does.
        if (this.down.has(region)) throw Object.assign(new Error(`connect ECONNREFUSED rds.${region}.amazonaws.com (simulated outage)`), { code: 'ECONNREFUSED' });
        return this.handle(region, typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString());
      });
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
      if (params['Version'] !== RDS_VERSION) throw new AwsQueryError(400, 'InvalidAction', `Version ${params['Version'] ?? '(none)'} is not ${RDS_VERSION}`);
      const result = this.dispatch(region, action, params);
      xml = `<${action}Response xmlns="${RDS_XMLNS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    } catch (err) {
      if (!(err instanceof AwsQueryError)) throw err;
      status = err.status;
      xml =
        `<ErrorResponse xmlns="${RDS_XMLNS}"><Error><Type>${err.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${err.code}</Code>` +
        `<Message>${esc(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    }
    const lost = status === 200 ? this.lostAnswers.indexOf(action) : -1;
    if (lost >= 0) {
      this.lostAnswers.splice(lost, 1);
      this.calls.push({ region, action, params, status: 0 });
      throw Object.assign(new Error('socket hang up: the connection was reset before the answer (simulated)'), { code: 'ECONNRESET' });
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
      case 'PromoteReadReplica':
        return this.instanceXml(this.promote(region, params));
      case 'CreateDBInstanceReadReplica':
        return this.instanceXml(this.createReplica(region, params));
      case 'ModifyDBInstance':
        return this.instanceXml(this.modify(region, params));
      default:
        return this.aurora.dispatch(region, action, params);
    }
  }

  private promote(region: string, params: Record<string, string>): FakeInstance {
    const instance = this.require(region, required(params, 'DBInstanceIdentifier'));
    if (!instance.source) throw new AwsQueryError(400, 'InvalidDBInstanceState', `DB Instance ${instance.id} is not a read replica.`);
    // A promotion already taken up is refused, even while the instance still reads `available`.
    if (this.status(instance) !== 'available' || instance.change?.kind === 'promote') throw new AwsQueryError(400, 'InvalidDBInstanceState', `DB instance ${instance.id} is not in available state.`);
    const window = params['PreferredBackupWindow'];
    if (window !== undefined && !/^\d{2}:\d{2}-\d{2}:\d{2}$/.test(window)) throw new AwsQueryError(400, 'InvalidParameterValue', `Invalid backup window: ${window}`);
    // Default: 1 (RDS API Reference, PromoteReadReplica BackupRetentionPeriod).
    const retention = params['BackupRetentionPeriod'] === undefined ? 1 : Number(params['BackupRetentionPeriod']);
    const backupMs = (instance.backupRetention ?? 0) === 0 && retention > 0 ? (this.options.delays.postPromotionBackupMs ?? 0) : 0;
    instance.backupRetention = retention;
    if (window !== undefined) instance.backupWindow = window;
    instance.change = { kind: 'promote', at: this.options.now(), backupMs };
    return instance;
  }

  private createReplica(region: string, params: Record<string, string>): FakeInstance {
    const id = identifier(params, 'DBInstanceIdentifier');
    if (this.find(region, id)) throw new AwsQueryError(400, 'DBInstanceAlreadyExists', 'DB instance already exists');
    const sourceRef = required(params, 'SourceDBInstanceIdentifier');
    // A bare identifier is looked up in the region the request went to, as AWS does: a cross-region source needs its ARN.
    const source = this.require(region, sourceRef);
    if (this.status(source) !== 'available') throw new AwsQueryError(400, 'InvalidDBInstanceState', `DB instance ${source.id} is not in available state.`);
    const crossRegion = source.region !== region;
    if (!crossRegion && params['DBSubnetGroupName'] !== undefined) {
      throw new AwsQueryError(400, 'DBSubnetGroupNotAllowedFault', 'DbSubnetGroupName should not be specified for read replicas that are created in the same region as the master');
    }
    if (!crossRegion && params['KmsKeyId'] !== undefined) {
      throw new AwsQueryError(400, 'InvalidParameterCombination', 'Your request does not require the KMS key parameter. Please remove the KMS key parameter and try your request again.');
    }
    if (crossRegion && source.encrypted && params['KmsKeyId'] === undefined) {
      throw new AwsQueryError(400, 'InvalidParameterCombination', 'Cannot create a cross region unencrypted read replica from encrypted source.');
    }
    const tags = memberList(params, 'Tags', 'Key');
    const values = memberList(params, 'Tags', 'Value');
    const settings: FakeInstanceSettings = {
      instanceClass: params['DBInstanceClass'] ?? 'db.t3.micro',
      securityGroups: memberList(params, 'VpcSecurityGroupIds').length > 0 ? memberList(params, 'VpcSecurityGroupIds') : ['default'],
      parameterGroup: params['DBParameterGroupName'] ?? 'default.postgres16',
      optionGroup: params['OptionGroupName'] ?? 'default:postgres-16',
      storageType: params['StorageType'] ?? 'gp2',
      performanceInsights: params['EnablePerformanceInsights'] === 'true',
      deletionProtection: params['DeletionProtection'] === 'true',
      tags: Object.fromEntries(tags.map((k, i) => [k, values[i] ?? ''])),
    };
    // Cross-region without a subnet group: "the new DB instance isn't created in a VPC" (in practice, the default VPC).
    if (crossRegion && params['DBSubnetGroupName'] !== undefined) settings.subnetGroup = params['DBSubnetGroupName'];
    if (params['Iops'] !== undefined) settings.iops = Number(params['Iops']);
    if (params['MonitoringInterval'] !== undefined) settings.monitoringInterval = Number(params['MonitoringInterval']);
    if (params['MonitoringRoleArn'] !== undefined) settings.monitoringRoleArn = params['MonitoringRoleArn'];
    const replica: FakeInstance = {
      region,
      id,
      source: this.sourceAsReported(region, source.region, source.id),
      createdAt: this.options.now(),
      change: { kind: 'create', at: this.options.now() },
      settings,
      backupRetention: 0,
      encrypted: source.encrypted === true,
    };
    if (source.allocatedStorage !== undefined) replica.allocatedStorage = source.allocatedStorage;
    if (source.encrypted) replica.kmsKeyId = params['KmsKeyId'] ?? source.kmsKeyId;
    this.instances.push(replica);
    return replica;
  }

  private modify(region: string, params: Record<string, string>): FakeInstance {
    const instance = this.require(region, required(params, 'DBInstanceIdentifier'));
    if (params['MultiAZ'] === 'true') {
      // Accepted while the instance serves (available, or backing up: the conversion follows the backup).
      if (!['available', 'backing-up'].includes(this.status(instance))) throw new AwsQueryError(400, 'InvalidDBInstanceState', `DB instance ${instance.id} is not in available state.`);
      instance.multiAz = true;
    }
    if (params['NewDBInstanceIdentifier'] === undefined) return instance;
    const newId = identifier(params, 'NewDBInstanceIdentifier');
    if (this.find(region, newId)) throw new AwsQueryError(400, 'DBInstanceAlreadyExists', 'DB instance already exists');
    // Without ApplyImmediately the rename waits for the maintenance window, which never comes here.
    if (params['ApplyImmediately'] !== 'true') return instance;
    const oldArn = rdsArn(instance.region, 'db', instance.id);
    const oldId = instance.id;
    instance.id = newId;
    instance.change = { kind: 'rename', at: this.options.now() };
    // Replicas follow their renamed source, under the name they report it by.
    for (const other of this.instances) {
      if (other.source === oldArn) other.source = rdsArn(instance.region, 'db', newId);
      else if (other.source === oldId && other.region === instance.region) other.source = newId;
    }
    return instance;
  }

  private sourceAsReported(replicaRegion: string, sourceRegion: string, sourceId: string): string {
    return replicaRegion === sourceRegion ? sourceId : rdsArn(sourceRegion, 'db', sourceId);
  }

  /** An instance by identifier (in `region`) or ARN (in the region the ARN names). */
  private find(region: string, ref: string): FakeInstance | undefined {
    const lower = ref.toLowerCase();
    if (lower.startsWith('arn:')) return this.instances.find((i) => rdsArn(i.region, 'db', i.id) === lower);
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
    if (change.kind === 'backup') {
      if (this.options.now() >= (change.until ?? 0)) delete instance.change;
      return;
    }
    const total = change.kind === 'promote' ? promoteMs : change.kind === 'create' ? replicaCreateMs : renameMs;
    if (elapsed < total) return;
    if (change.kind === 'promote') {
      delete instance.source;
      // The reboot is over; the first backup, if the promotion turned backups on, runs now.
      if (change.backupMs) {
        instance.change = { kind: 'backup', at: change.at + total, until: change.at + total + change.backupMs };
        this.settle(instance);
        return;
      }
    }
    delete instance.change;
  }

  private status(instance: FakeInstance): string {
    this.settle(instance);
    const change = instance.change;
    if (!change) return 'available';
    if (change.kind === 'backup') return 'backing-up';
    if (change.kind === 'create') return 'creating';
    if (change.kind === 'rename') return 'renaming';
    const elapsed = this.options.now() - change.at;
    const { promoteAcceptMs, promoteMs } = this.options.delays;
    if (elapsed < promoteAcceptMs) return 'available';
    return elapsed < promoteAcceptMs + (promoteMs - promoteAcceptMs) / 2 ? 'modifying' : 'rebooting';
  }

  private instanceXml(instance: FakeInstance): string {
    const status = this.status(instance);
    const s = instance.settings;
    const replicas = this.instances.filter((other) => other.source === instance.id || other.source === rdsArn(instance.region, 'db', instance.id));
    const statusInfos = instance.source
      ? `<StatusInfos><DBInstanceStatusInfo><StatusType>read replication</StatusType><Normal>true</Normal><Status>replicating</Status></DBInstanceStatusInfo></StatusInfos>`
      : '<StatusInfos/>';
    return (
      `<DBInstance><DBInstanceIdentifier>${instance.id}</DBInstanceIdentifier>${el('DBInstanceClass', s.instanceClass ?? 'db.t3.micro')}` +
      `<Engine>postgres</Engine><EngineVersion>16.4</EngineVersion><DBInstanceStatus>${status}</DBInstanceStatus>` +
      `<MasterUsername>app</MasterUsername>${el('AllocatedStorage', instance.allocatedStorage ?? 20)}` +
      `<InstanceCreateTime>${new Date(instance.createdAt).toISOString()}</InstanceCreateTime>` +
      `${el('BackupRetentionPeriod', instance.backupRetention ?? 0)}${el('PreferredBackupWindow', instance.backupWindow)}${el('PreferredMaintenanceWindow', instance.maintenanceWindow)}` +
      `<MultiAZ>${instance.multiAz === true}</MultiAZ><AvailabilityZone>${instance.region}a</AvailabilityZone>` +
      (s.subnetGroup ? `<DBSubnetGroup><DBSubnetGroupName>${esc(s.subnetGroup)}</DBSubnetGroupName><VpcId>vpc-${instance.region}</VpcId></DBSubnetGroup>` : '') +
      `<VpcSecurityGroups>${(s.securityGroups ?? []).map((g) => `<VpcSecurityGroupMembership><VpcSecurityGroupId>${esc(g)}</VpcSecurityGroupId><Status>active</Status></VpcSecurityGroupMembership>`).join('')}</VpcSecurityGroups>` +
      (s.parameterGroup ? `<DBParameterGroups><DBParameterGroup><DBParameterGroupName>${esc(s.parameterGroup)}</DBParameterGroupName><ParameterApplyStatus>in-sync</ParameterApplyStatus></DBParameterGroup></DBParameterGroups>` : '') +
      (s.optionGroup ? `<OptionGroupMemberships><OptionGroupMembership><OptionGroupName>${esc(s.optionGroup)}</OptionGroupName><Status>in-sync</Status></OptionGroupMembership></OptionGroupMemberships>` : '') +
      `${el('StorageType', s.storageType)}${el('Iops', s.iops)}${el('MonitoringInterval', s.monitoringInterval)}${el('MonitoringRoleArn', s.monitoringRoleArn)}` +
      `${el('PerformanceInsightsEnabled', s.performanceInsights)}${el('DeletionProtection', s.deletionProtection)}` +
      `<StorageEncrypted>${instance.encrypted === true}</StorageEncrypted>${el('KmsKeyId', instance.kmsKeyId)}` +
      `<TagList>${Object.entries(s.tags ?? {}).map(([k, v]) => `<Tag><Key>${esc(k)}</Key><Value>${esc(v)}</Value></Tag>`).join('')}</TagList>` +
      (instance.source ? `<ReadReplicaSourceDBInstanceIdentifier>${esc(instance.source)}</ReadReplicaSourceDBInstanceIdentifier>` : '') +
      `<ReadReplicaDBInstanceIdentifiers>${replicas
        .map((r) => `<ReadReplicaDBInstanceIdentifier>${r.region === instance.region ? r.id : rdsArn(r.region, 'db', r.id)}</ReadReplicaDBInstanceIdentifier>`)
        .join('')}</ReadReplicaDBInstanceIdentifiers>` +
      statusInfos +
      `<DbiResourceId>db-FAKE${instance.id.toUpperCase().replace(/[^A-Z0-9]/g, '')}</DbiResourceId>` +
      `<DBInstanceArn>${rdsArn(instance.region, 'db', instance.id)}</DBInstanceArn></DBInstance>`
    );
  }
}

export { FAKE_ACCOUNT };
