import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionNames, IAM_ACTIONS, STEP_LIBRARY_ADAPTERS } from '../../src/adapters/aws/iam-actions.js';
import { stateTableDefinition } from '../../src/adapters/aws/state-table.js';
import { loadConfig } from '../../src/config/load-config.js';
import { packagedConfig } from '../../src/config/packaged-config.js';
import { writePackagedConfig } from '../../src/deploy/packaged-config.js';
import { type FunctionName, functionActions, LOG_ACTIONS } from '../../src/deploy/iam-policy.js';
import { stackAlarms } from '../../src/deploy/stack-alarms.js';
import { stackDashboard } from '../../src/deploy/stack-dashboard.js';
import { ALL_METRICS, METRICS, stageNamespace } from '../../src/metrics/catalog.js';
import { dynamoStore, startDynalite } from '../support/dynalite.js';
import { userRepo } from '../support/user-repo.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const CONFIG = 'examples/failover.aws.yaml';
/** What the functions are packaged with and read: CONFIG validated, as JSON (deploy/serverless-vars.cjs). */
const PACKAGED_CONFIG = '.packaged-config/failover.aws.json';
/** The CloudWatch namespace of the default stage's metrics: the functions write in it, the alarms read it. */
const NAMESPACE = stageNamespace('prod');
const FUNCTIONS: Record<FunctionName, string> = { probe: 'ProbeLambdaFunction', api: 'ApiLambdaFunction', runbook: 'RunbookLambdaFunction', reader: 'ReaderLambdaFunction' };

type Json = Record<string, any>;

/**
 * `npx serverless package` (osls) as CI runs it: no AWS credentials, no
 * AWS config files, and every HTTP(S) request sent to a proxy that does not
 * exist, so that anything that needed the network would fail the packaging.
 */
async function slsPackage(region: string, outDir: string, config = CONFIG): Promise<{ stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^AWS_|^SLS_|^SERVERLESS_/.test(k)) env[k] = v;
  Object.assign(env, {
    FAILOVER_CONFIG: config,
    HOME: outDir,
    AWS_CONFIG_FILE: join(outDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(outDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  });
  return run('npx', ['--no-install', 'serverless', 'package', '--region', region, '--package', join(outDir, 'package')], { cwd: ROOT, env, timeout: 150_000 });
}

/** The files of a zip archive (stored or deflated entries), by name. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + size);
    files.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
    at += 46 + nameLength + extra;
  }
  return files;
}

/** Every statement of a role's inline policies. */
function statements(role: Json): Json[] {
  return (role['Properties']['Policies'] as Json[]).flatMap((p) => p['PolicyDocument']['Statement'] as Json[]);
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

describe('serverless package (osls + serverless-esbuild), offline', () => {
  let dir: string;
  let template: Json;
  let resources: Json;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sls-package-'));
    await slsPackage('eu-west-1', dir);
    template = JSON.parse(await readFile(join(dir, 'package/cloudformation-template-update-stack.json'), 'utf8')) as Json;
    resources = template['Resources'] as Json;
  }, 180_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('declares the four functions on nodejs22.x arm64, wired to the configuration and the table', () => {
    for (const [fn, id] of Object.entries(FUNCTIONS)) {
      const props = resources[id]?.['Properties'] as Json;
      expect(props, id).toBeDefined();
      expect(props).toMatchObject({
        Handler: `src/handlers/${fn}.handler`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        FunctionName: `failover-controller-prod-${fn}`,
        Environment: {
          Variables: { FAILOVER_CONFIG: PACKAGED_CONFIG, STATE_TABLE: 'failover-controller-prod-state', RUNBOOK_FUNCTION: 'failover-controller-prod-runbook', METRICS_NAMESPACE: NAMESPACE },
        },
      });
    }
    expect(resources['ProbeLambdaFunction']['Properties']['Timeout']).toBe(60);
    expect(resources['ApiLambdaFunction']['Properties']['Timeout']).toBeLessThanOrEqual(30);
    expect(resources['RunbookLambdaFunction']['Properties']).toMatchObject({ Timeout: 900, ReservedConcurrentExecutions: 1 });
    // The API reads the world through the reader, synchronously: the reader must answer within the API's own time, and has no reserved concurrency to wait for.
    expect(resources['ApiLambdaFunction']['Properties']['Environment']['Variables']['READER_FUNCTION']).toBe('failover-controller-prod-reader');
    expect(resources['ReaderLambdaFunction']['Properties']['Timeout']).toBeLessThan(resources['ApiLambdaFunction']['Properties']['Timeout']);
    expect(resources['ReaderLambdaFunction']['Properties']['ReservedConcurrentExecutions']).toBeUndefined();
    for (const fn of Object.keys(FUNCTIONS)) {
      const group = Object.values(resources).find((r: Json) => r['Type'] === 'AWS::Logs::LogGroup' && r['Properties']['LogGroupName'] === `/aws/lambda/failover-controller-prod-${fn}`) as Json;
      expect(group?.['Properties']['RetentionInDays'], fn).toBe(30);
    }
  });

  it('schedules the probe and the runbook worker every minute, and puts the API behind IAM auth', () => {
    const rules = Object.values(resources).filter((r: Json) => r['Type'] === 'AWS::Events::Rule') as Json[];
    const scheduled = rules.map((r) => [r['Properties']['Targets'][0]['Arn']['Fn::GetAtt'][0], r['Properties']['ScheduleExpression'], r['Properties']['State']]);
    expect(scheduled.sort()).toEqual([
      ['ProbeLambdaFunction', 'rate(1 minute)', 'ENABLED'],
      ['RunbookLambdaFunction', 'rate(1 minute)', 'ENABLED'],
    ]);
    const routes = Object.values(resources).filter((r: Json) => r['Type'] === 'AWS::ApiGatewayV2::Route') as Json[];
    expect(routes.map((r) => [r['Properties']['RouteKey'], r['Properties']['AuthorizationType']])).toEqual([['$default', 'AWS_IAM']]);
  });

  it('declares the state table as in state-table.ts: on demand, point-in-time recovery, TTL, a replica per region', async () => {
    const table = resources['StateTable'] as Json;
    const expected = stateTableDefinition('failover-controller-prod-state');
    expect(table['Type']).toBe('AWS::DynamoDB::GlobalTable');
    expect(table['DeletionPolicy']).toBe('Retain');
    const props = table['Properties'] as Json;
    expect(props['TableName']).toBe(expected.TableName);
    expect(props['BillingMode']).toBe('PAY_PER_REQUEST');
    expect(props['KeySchema']).toEqual(expected.KeySchema);
    expect(props['AttributeDefinitions']).toEqual(expected.AttributeDefinitions);
    expect(props['GlobalSecondaryIndexes']).toEqual(expected.GlobalSecondaryIndexes);
    expect(props['TimeToLiveSpecification']).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    const config = await loadConfig(join(ROOT, CONFIG));
    const regions = [...new Set(config.applications.flatMap((a) => a.regions.map((r) => r.name)))].sort();
    expect((props['Replicas'] as Json[]).map((r) => r['Region']).sort()).toEqual(regions);
    for (const replica of props['Replicas'] as Json[]) expect(replica['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
    // Created by the stack of the home region (the primary) only; the others use their replica.
    expect(table['Condition']).toBe('OwnsStateTable');
    expect(template['Conditions']['OwnsStateTable']).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
  });

  it('gives each function its own role, with exactly the IAM actions the adapters call', async () => {
    const config = await loadConfig(join(ROOT, CONFIG));
    // The example uses every adapter (RDS instances and an Aurora global database), so every action must show up.
    expect(new Set(config.applications.flatMap((a) => a.regions.map((r) => r.database.engine)))).toEqual(new Set(['rds', 'aurora-global']));
    const roles = Object.entries(resources).filter(([, r]: [string, Json]) => r['Type'] === 'AWS::IAM::Role');
    expect(roles.map(([id]) => id).sort()).toEqual(['ApiRole', 'ProbeRole', 'ReaderRole', 'RunbookRole']);
    const all = new Set<string>();
    for (const [fn, id] of Object.entries(FUNCTIONS) as [FunctionName, string][]) {
      const roleId = resources[id]['Properties']['Role']['Fn::GetAtt'][0] as string;
      expect(roleId, fn).toBe(`${fn[0]!.toUpperCase()}${fn.slice(1)}Role`);
      const actions = statements(resources[roleId]).flatMap((s) => asList(s['Action']) as string[]);
      expect(new Set(actions).size, `${fn}: an action granted twice`).toBe(actions.length);
      const granted = actions.filter((a) => !(LOG_ACTIONS as readonly string[]).includes(a)).sort();
      expect(granted, fn).toEqual(functionActions(config, fn));
      expect(actions.filter((a) => (LOG_ACTIONS as readonly string[]).includes(a)).sort(), fn).toEqual([...LOG_ACTIONS].sort());
      granted.forEach((a) => all.add(a));
    }
    // No more and no fewer than the adapters call (iam-actions.ts, kept honest by test/unit/adapters/aws/iam-actions.test.ts),
    // less the step library's: granted only on resources a configuration names, and the example names none, so no role has them.
    expect([...all].sort()).toEqual(actionNames(IAM_ACTIONS.filter((s) => !STEP_LIBRARY_ADAPTERS.has(s.adapter))));
    expect([...all].filter((a) => /^(ecs|ssm|elasticache):/.test(a))).toEqual([]);
    // Least privilege where it matters most: only the worker changes the cloud, and it hands nothing on.
    // The probe's one CloudWatch action is its stack's vote of a health-checks traffic switch, in its own region.
    expect(functionActions(config, 'probe').filter((a) => (/^(rds|autoscaling|cloudwatch):/.test(a) && a !== 'cloudwatch:PutMetricData') || a === 'route53:ChangeResourceRecordSets')).toEqual([]);
    expect(functionActions(config, 'api').filter((a) => IAM_ACTIONS.find((s) => s.action === a)!.access === 'act' && !a.startsWith('dynamodb:') && a !== 'lambda:InvokeFunction')).toEqual([]);
    expect(functionActions(config, 'runbook')).not.toContain('lambda:InvokeFunction');
    // The API reads the cloud only through the reader; the reader only reads, has no table and invokes nothing.
    expect(functionActions(config, 'api').filter((a) => /^(route53|rds|autoscaling|cloudwatch|sns):/.test(a))).toEqual([]);
    expect(functionActions(config, 'reader').filter((a) => !IAM_ACTIONS.some((s) => s.action === a && s.access === 'read') || /^(dynamodb|lambda|sns):/.test(a))).toEqual([]);
    expect(functionActions(config, 'reader')).toEqual(expect.arrayContaining(['route53:ListResourceRecordSets', 'rds:DescribeDBInstances', 'autoscaling:DescribeAutoScalingGroups', 'cloudwatch:GetMetricData']));
  });

  it('scopes every statement: no wildcard action, Resource "*" only where AWS has no resource-level permission', async () => {
    const config = await loadConfig(join(ROOT, CONFIG));
    const zones = config.applications.flatMap((a) => a.regions.map((r) => r.dns.hostedZoneId));
    const unscopable = IAM_ACTIONS.filter((s) => s.resource === 'any').map((s) => s.action);
    for (const id of ['ProbeRole', 'ApiRole', 'RunbookRole', 'ReaderRole']) {
      for (const s of statements(resources[id])) {
        const actions = asList(s['Action']) as string[];
        const targets = asList(s['Resource']);
        expect(s['Effect']).toBe('Allow');
        for (const a of actions) expect(a, id).not.toMatch(/\*/);
        if (targets.includes('*')) expect(actions.every((a) => unscopable.includes(a)), `${id} ${s['Sid']}: ${actions.join(', ')} on "*"`).toBe(true);
        const text = JSON.stringify(targets);
        if (actions.some((a) => a.startsWith('dynamodb:'))) {
          expect(targets).toEqual([
            { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/failover-controller-prod-state' },
            { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/failover-controller-prod-state/index/*' },
          ]);
        }
        if (actions.includes('route53:ListResourceRecordSets')) for (const zone of zones) expect(text).toContain(`hostedzone/${zone}`);
        if (actions.includes('rds:PromoteReadReplica')) expect(text).toContain(':db:shop-db-euw1"');
        if (actions.includes('autoscaling:UpdateAutoScalingGroup')) expect(text).toContain('autoScalingGroupName/shop-web-euw1');
        if (actions.includes('lambda:InvokeFunction')) expect(text).toContain(':function:failover-controller-prod-runbook');
        // Only the API may invoke the reader.
        if (text.includes(':function:failover-controller-prod-reader')) expect(id).toBe('ApiRole');
      }
    }
  });

  it("raises alarms on the controller itself, paging through a topic in the stack's region, and has a dashboard (issue 17)", async () => {
    const config = await loadConfig(join(ROOT, CONFIG));
    const alarms = Object.entries(resources).filter(([, r]: [string, Json]) => r['Type'] === 'AWS::CloudWatch::Alarm') as [string, Json][];
    const dims = (p: Json) => Object.fromEntries((p['Dimensions'] as Json[]).map((d) => [d['Name'], d['Value']]));
    const alarm = (metric: string, d: Record<string, string>) =>
      alarms.filter(([, r]) => r['Properties']['MetricName'] === metric && JSON.stringify(dims(r['Properties'])) === JSON.stringify(d));
    // The dead man's switch of this region's probe function: no round for 3 minutes pages, and no data at all is no round.
    const [[, deadMan]] = alarm(METRICS.roundDuration.name, { vantage: 'eu-west-1' }) as [[string, Json]];
    expect(deadMan['Properties']).toMatchObject({ Namespace: NAMESPACE, Statistic: 'SampleCount', Period: 60, EvaluationPeriods: 3 });
    expect(deadMan['Properties']).toMatchObject({ Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
    // Per application: a run that failed, readiness that fails.
    for (const { name: app } of config.applications) {
      expect(alarm(METRICS.runs.name, { app, outcome: 'failed' }), app).toHaveLength(1);
      expect(alarm(METRICS.readinessFailing.name, { app }), app).toHaveLength(1);
    }
    expect(alarms).toHaveLength(1 + 2 * config.applications.length);
    for (const [id, r] of alarms) {
      const metric = ALL_METRICS.find((m) => m.name === r['Properties']['MetricName'])!;
      expect([metric.labels, ...(metric.rollups ?? [])].map((s) => [...s].sort().join()), id).toContain(Object.keys(dims(r['Properties'])).sort().join());
    }
    // The example's topic is in us-east-1, where an alarm in eu-west-1 cannot notify: the stack has its own, and names it in its outputs.
    expect(config.notifications.snsTopicArn).toMatch(/^arn:aws:sns:us-east-1:/);
    expect(resources['AlarmTopic']).toMatchObject({ Type: 'AWS::SNS::Topic', Properties: { TopicName: 'failover-controller-prod-alarms' } });
    for (const [id, r] of alarms) expect(r['Properties']['AlarmActions'], id).toEqual([{ Ref: 'AlarmTopic' }]);
    expect(deadMan['Properties']['OKActions']).toEqual([{ Ref: 'AlarmTopic' }]);
    expect(template['Outputs']['AlarmTopicArn']['Value']).toEqual({ Ref: 'AlarmTopic' });

    // The dashboard of this region, its body as CloudWatch gets it (the alarms' ARNs joined in).
    const dashboard = resources['Dashboard'] as Json;
    expect(dashboard['Properties']['DashboardName']).toBe('failover-controller-prod-eu-west-1');
    const [, parts] = dashboard['Properties']['DashboardBody']['Fn::Join'] as [string, (string | Json)[]];
    const arn = (p: Json) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${p['Fn::GetAtt'][0]}`;
    const body = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : arn(p))).join('')) as Json;
    const lines = (body['widgets'] as Json[]).flatMap((w) => (w['type'] === 'metric' ? (w['properties']['metrics'] as Json[][]) : []));
    const searches = lines.flatMap((l) => (l[0]?.['expression'] ? [l[0]['expression']] : []));
    expect(searches).toContain(`SEARCH('{${NAMESPACE},app,region,vantage} MetricName="${METRICS.probeLatency.name}"', 'p99', 60)`);
    const alarmWidget = (body['widgets'] as Json[]).find((w) => w['type'] === 'alarm')!;
    expect(alarmWidget['properties']['alarms']).toHaveLength(alarms.length);
    expect(template['Outputs']['DashboardUrl']['Value']).toContain('#dashboards:name=failover-controller-prod-eu-west-1');

    // Exactly what src/deploy generates from the configuration: serverless.yml adds nothing and drops nothing.
    const own = stackAlarms({ config, stackRegion: 'eu-west-1', namePrefix: 'failover-controller-prod', namespace: NAMESPACE });
    const board = stackDashboard({ config, stackRegion: 'eu-west-1', namePrefix: 'failover-controller-prod', namespace: NAMESPACE, alarmIds: own.alarmIds });
    const generated = { ...own.Resources, ...board.Resources };
    for (const [id, r] of Object.entries(generated)) expect(resources[id], id).toEqual(r);
  });

  it('packages one bundle per function with the configuration, and each bundle loads', async () => {
    // The configuration as validated at packaging time, defaults filled in, as JSON: the functions parse and check nothing more.
    const expected = packagedConfig(await loadConfig(join(ROOT, CONFIG)), CONFIG);
    for (const fn of Object.keys(FUNCTIONS)) {
      const files = unzip(await readFile(join(dir, `package/${fn}.zip`)));
      expect([...files.keys()].sort(), fn).toEqual([PACKAGED_CONFIG, `src/handlers/${fn}.cjs`]);
      expect(JSON.parse(files.get(PACKAGED_CONFIG)!.toString('utf8')), fn).toEqual(expected);
      const bundle = join(dir, `${fn}.cjs`);
      await writeFile(bundle, files.get(`src/handlers/${fn}.cjs`)!);
      // Loading composes nothing (that happens on the first invocation): it must not need the environment or the network.
      const { stdout } = await run(process.execPath, ['-e', `const m = require(${JSON.stringify(bundle)}); process.stdout.write(typeof m.handler)`], { cwd: dir, timeout: 30_000 });
      expect(stdout, fn).toBe('function');
    }
  });

  it('runs the packaged bundles: the API answers and reads through the reader, the probe records its rounds, the worker finds nothing to do (on dynalite, offline)', async () => {
    const dynalite = await startDynalite();
    try {
      const table = 'smoke-state';
      const store = await dynamoStore(dynalite.client, table);
      const dead = 'http://127.0.0.1:9';
      // provider: aws with every AWS endpoint on loopback: DynamoDB is dynalite, the rest refuse connections.
      // Packaged the way deploy/serverless-vars.cjs does it: validated, then written as JSON.
      const configPath = join(dir, 'smoke.yaml');
      const packagedPath = join(dir, 'smoke.json');
      const config = await readFile(join(ROOT, CONFIG), 'utf8');
      await writeFile(
        configPath,
        config
          .replace('provider: aws', `provider: aws\nendpoints: { dynamodb: '${dynalite.endpoint}', route53: '${dead}', rds: '${dead}', autoscaling: '${dead}', cloudwatch: '${dead}' }`)
          .replace(/https:\/\/[a-z0-9-]+\.example\.com\/[a-z]+/g, `${dead}/health`)
          .replace(/timeoutMs: 2000/g, 'timeoutMs: 300'),
      );
      await writePackagedConfig(packagedPath, await loadConfig(configPath), configPath);
      const env = {
        PATH: process.env['PATH'] ?? '',
        FAILOVER_CONFIG: packagedPath,
        STATE_TABLE: table,
        RUNBOOK_FUNCTION: 'failover-controller-prod-runbook',
        READER_FUNCTION: 'failover-controller-prod-reader',
        AWS_REGION: 'eu-west-1',
        METRICS_NAMESPACE: NAMESPACE,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_EC2_METADATA_DISABLED: 'true',
        LOG_LEVEL: 'silent',
      };
      const invoke = (fn: string, calls: string): Promise<Json> => invokeBundle(dir, env, fn, calls);
      const api = await invoke(
        'api',
        [
          // Lambda's Invoke API on loopback, answered by the packaged reader bundle: the API reads the world through it.
          `const reader = require(${JSON.stringify(join(dir, 'reader.cjs'))}).handler`,
          'out.invoked = []',
          "const lambda = require('node:http').createServer((req, res) => { let body = ''; req.on('data', (c) => (body += c)); req.on('end', async () => { out.invoked.push([decodeURIComponent(req.url.split('/')[3]), req.headers['x-amz-invocation-type'], JSON.parse(body).reads.map((r) => r.op)]); const answer = await reader(JSON.parse(body), ctx(25000)); res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)); }); })",
          "await new Promise((resolve) => lambda.listen(0, '127.0.0.1', resolve))",
          "process.env.AWS_ENDPOINT_URL_LAMBDA = 'http://127.0.0.1:' + lambda.address().port",
          "out.health = await handler(http('GET', '/health'), ctx(29000))",
          "out.status = await handler(http('GET', '/status'), ctx(29000))",
          // The example config uses IAM auth: the caller is the principal API Gateway verified (an on-call operator here).
          // Validation as the bundle does it (TypeBox, without Fastify's Ajv and serializer compilers): a bad body and a bad query are 400s naming the field.
          "out.badBody = await handler(http('POST', '/failover', { to: 5, reason: 'x' }), ctx(29000))",
          "out.badQuery = await handler(http('GET', '/runs', undefined, 'limit=0'), ctx(29000))",
          // A dry run: every step observed through the reader, whose AWS endpoints refuse connections.
          "out.plan = await handler(http('POST', '/drills', { mode: 'plan', app: 'shop' }), ctx(29000))",
          // The OpenAPI document, as JSON (the bundle has no YAML library).
          "out.docs = await handler(http('GET', '/docs/json'), ctx(29000))",
        ].join('; '),
      );
      expect(api['health']['statusCode']).toBe(200);
      expect(api['status']['statusCode']).toBe(200);
      expect(JSON.parse(api['status']['body'])).toMatchObject({ provider: 'aws', vantage: 'eu-west-1', applications: [{ name: 'shop' }, { name: 'ledger' }] });
      expect([api['badBody']['statusCode'], JSON.parse(api['badBody']['body']).message]).toEqual([400, expect.stringMatching(/body\.to: must be a region name/)]);
      expect([api['badQuery']['statusCode'], JSON.parse(api['badQuery']['body']).message]).toEqual([400, expect.stringMatching(/querystring\.limit/)]);
      expect(api['plan']['statusCode'], api['plan']['body']).toBe(200);
      const plan = JSON.parse(api['plan']['body']).plan as { steps: { id: string; action: string; current: string }[] };
      // The reader made the reads and answered each with its own outcome: the cloud's refused connections, the application's failed probes.
      expect(plan.steps.find((s) => s.id === 'promote-standby-database')).toMatchObject({ action: 'unknown', current: expect.stringMatching(/^unreadable: DescribeDBInstances .*ECONNREFUSED/) });
      expect(plan.steps.find((s) => s.id === 'verify-application-in-standby')).toMatchObject({ action: 'act' });
      // Synchronous invocations of the reader: the active region in DNS whenever the API refreshes (per application), and the plan's reads, batched.
      const invoked = api['invoked'] as [string, string, string[]][];
      expect(new Set(invoked.map(([fn, type]) => `${fn} ${type}`))).toEqual(new Set(['failover-controller-prod-reader RequestResponse']));
      const planInvocations = invoked.filter(([, , ops]) => !ops.every((op) => op === 'dns.listRecords'));
      expect(new Set(planInvocations.flatMap(([, , ops]) => ops))).toEqual(new Set(['dns.listRecords', 'database.describe', 'database.replicaLag', 'compute.describeGroup', 'prober.round']));
      expect(planInvocations.length).toBeLessThanOrEqual(2);
      expect(api['docs']['statusCode'], api['docs']['body']).toBe(200);
      expect(JSON.parse(api['docs']['body'])).toMatchObject({ openapi: '3.1.0', paths: { '/drills': { post: { 'x-role': 'operator' } } } });

      const since = Date.now();
      // 5.3 s of margin (longest probe timeout + 5 s): two seconds of probing, one round.
      const probe = await invoke('probe', 'out.summary = await handler({}, ctx(7300))');
      expect(probe['summary']).toMatchObject({ rounds: 1, runsHandedOff: [] });
      // What this stack's dead man's switch reads (ProbeRoundsAlarm): a value of the round duration per round, its dimensions exactly {vantage}.
      const roundDocs = (probe['emf'] as Json[]).filter((d) => METRICS.roundDuration.name in d);
      const directive = (d: Json) => (d['_aws']['CloudWatchMetrics'] as Json[])[0]!;
      const written = roundDocs.map((d) => [directive(d)['Namespace'], directive(d)['Dimensions'], d['vantage']]);
      expect(written).toEqual([[NAMESPACE, [['vantage']], 'eu-west-1']]);
      const rounds = await store.listObservations({ app: 'shop', region: 'us-east-1', since });
      expect(rounds.map((o) => [o.vantage, o.ok, o.probes[0]?.error])).toEqual([['eu-west-1', false, 'refused']]);

      const worker = await invoke('runbook', 'out.summary = await handler({ source: "aws.events" }, ctx(60000))');
      expect(worker['summary']).toEqual({ runs: [] });
    } finally {
      await dynalite.close();
    }
  }, 120_000);

  it('refuses to package a configuration that is not for AWS, naming the file and the field', async () => {
    const out = await slsPackage('eu-west-1', dir, 'examples/failover.yaml').then(
      () => 'packaged',
      (err: { stdout: string; stderr: string }) => `${err.stdout}\n${err.stderr}`,
    );
    // Said once, at the first variable osls lists, not once for each of the dozen variables the file feeds.
    expect(out.split('examples/failover.yaml: provider: must be aws to deploy on AWS Lambda, got sim')).toHaveLength(2);
    expect(out).toContain('the same problem as above');
  }, 120_000);
});

/**
 * Run `calls` against the handler of the packaged bundle `<dir>/<fn>.cjs` in a
 * node process of its own, with `env` as its whole environment; `ctx(ms)`
 * makes a Lambda context, `http(...)` an API Gateway event; `out` is returned,
 * with `emf`: the Embedded Metric Format documents the bundle printed to
 * standard output (what CloudWatch Logs turns into metrics on Lambda).
 */
async function invokeBundle(dir: string, env: Record<string, string>, fn: string, calls: string): Promise<Json> {
  const marker = '\n@@out@@';
  const script = [
    `const { handler } = require(${JSON.stringify(join(dir, `${fn}.cjs`))});`,
    "const ctx = (ms) => { const end = Date.now() + ms; return { awsRequestId: 'smoke', getRemainingTimeInMillis: () => end - Date.now() }; };",
    "const http = (method, path, body, query = '') => ({ version: '2.0', routeKey: '$default', rawPath: path, rawQueryString: query, headers: body === undefined ? { host: 'x' } : { host: 'x', 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) } : {}), isBase64Encoded: false, requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'smoke' }, stage: '$default', authorizer: { iam: { userArn: 'arn:aws:sts::123456789012:assumed-role/SRE-OnCall/smoke' } } } });",
    `(async () => { const out = {}; ${calls}; process.stdout.write(${JSON.stringify(marker)} + JSON.stringify(out)); process.exit(0); })().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`,
  ].join('\n');
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: dir, env, timeout: 60_000 });
  const at = stdout.lastIndexOf(marker);
  const emf = stdout.slice(0, at).split('\n').filter((line) => line.startsWith('{') && line.includes('"_aws"')).map((line) => JSON.parse(line) as Json);
  return { ...(JSON.parse(stdout.slice(at + marker.length)) as Json), emf };
}

describe('serverless package of an application with runbooks of its own', () => {
  let base: string;
  afterAll(async () => {
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('bundles the runbook module from the application\'s repository into the functions, and the packaged API serves it', async () => {
    base = await mkdtemp(join(tmpdir(), 'sls-user-runbooks-'));
    const repo = await userRepo(join(base, 'repo'));
    const aws = await readFile(join(ROOT, CONFIG), 'utf8');
    const withRunbooks = aws.replace('  - name: shop\n', '  - name: shop\n    runbooks: { module: ./runbooks/shop.ts, failover: shop-failover }\n');
    const configPath = join(repo.dir, 'shop-failover.yaml');
    await writeFile(configPath, withRunbooks);
    await slsPackage('eu-west-1', base, configPath);
    const files = unzip(await readFile(join(base, 'package/api.zip')));
    const packaged = JSON.parse(files.get('.packaged-config/shop-failover.json')!.toString('utf8')) as Json;
    expect(packaged['config']['applications'][0]['runbooks']).toMatchObject({ module: repo.modulePath, failover: 'shop-failover' });
    const code = files.get('src/handlers/api.cjs')!.toString('utf8');
    // The application's own steps, by their titles: the ECS step, the Lambda step and its own.
    for (const title of ['Scale the standby web service (ECS) to 4 tasks', 'Drain the order queue into the standby region (Lambda)', 'Point the writes feature flag']) expect(code).toContain(title);
    await writeFile(join(base, 'api.cjs'), code);

    // The bundle finds the module under the path the packaged configuration names (the build machine's), never on disk.
    const dynalite = await startDynalite();
    try {
      const smoke = join(repo.dir, 'smoke.yaml');
      await writeFile(smoke, withRunbooks.replace('provider: aws', `provider: aws\nendpoints: { dynamodb: '${dynalite.endpoint}' }`));
      const packagedPath = join(base, 'smoke.json');
      await writePackagedConfig(packagedPath, await loadConfig(smoke), smoke);
      await rm(repo.dir, { recursive: true });
      const env = { PATH: process.env['PATH'] ?? '', FAILOVER_CONFIG: packagedPath, STATE_TABLE: 'smoke-state', RUNBOOK_FUNCTION: 'failover-controller-prod-runbook', READER_FUNCTION: 'failover-controller-prod-reader', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', LOG_LEVEL: 'silent' };
      await dynamoStore(dynalite.client, 'smoke-state');
      const out = await invokeBundle(base, env, 'api', "out.runbooks = await handler(http('GET', '/runbooks', undefined, 'app=shop'), ctx(29000))");
      expect(out['runbooks']['statusCode'], out['runbooks']['body']).toBe(200);
      const [shop] = JSON.parse(out['runbooks']['body']).applications as Json[];
      expect(shop).toMatchObject({ app: 'shop', own: true, failover: { name: 'shop-failover' }, failback: { name: 'failback' }, named: [{ name: 'drain-queues' }] });
    } finally {
      await dynalite.close();
    }
  }, 240_000);
});
