/**
 * What readiness and drift cost on AWS, per application and per hour, in
 * calls: one regional stack's runbook worker (invoked every minute, as its
 * schedule does) watches a two-region application whose cloud is the AWS
 * fakes (Route 53, RDS and Auto Scaling speaking AWS's wire formats, and
 * nock for CloudWatch's GetMetricData and IAM's SimulatePrincipalPolicy),
 * for one simulated hour. Every call is counted where it lands.
 *
 * npx tsx bench/readiness-cost.ts [--minutes 60]
 */
import { parseArgs } from 'node:util';
import nock from 'nock';
import { pino } from 'pino';
import { runbooks } from '../runbooks/index.js';
import { createAwsProviders } from '../src/adapters/aws/aws-providers.js';
import { IamClients, IamPermissions } from '../src/adapters/aws/iam-permissions.js';
import { systemClock } from '../src/adapters/system-clock.js';
import { MemoryStateStore } from '../src/adapters/memory/memory-state-store.js';
import { validateConfig } from '../src/config/load-config.js';
import { Controller } from '../src/controller/controller.js';
import { simulationBatches } from '../src/deploy/iam-policy.js';
import { ownerValue } from '../src/dns/record-switch.js';
import { HttpProber } from '../src/probes/http-prober.js';
import type { StateStore } from '../src/ports/state-store.js';
import { FakeAutoScaling } from '../test/support/fake-autoscaling.js';
import { FakeRds } from '../test/support/fake-rds.js';
import { FakeRoute53 } from '../test/support/fake-route53.js';
import { ManualClock } from '../test/support/manual-clock.js';
import { type Headline, machine, measuredLine, saveHeadlines, writeSection } from './lib/report.js';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '60' } } });
const MINUTES = Number(values.minutes);
const REGIONS = ['us-east-1', 'eu-west-1'];
const STACK = 'eu-west-1';
const load = machine();

nock.disableNetConnect();
// Starts now: CloudWatch's lag datapoints are judged fresh against real time by the adapter.
const clock = new ManualClock(Math.floor(Date.now() / 60_000) * 60_000);
const config = validateConfig({
  provider: 'aws',
  vantage: STACK,
  applications: [
    {
      name: 'shop',
      regions: REGIONS.map((name) => ({
        name,
        probes: [{ url: `https://shop-${name}.example.com/health` }],
        database: { engine: 'rds', instanceId: `shop-db-${name}` },
        compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 4 },
        dns: { hostedZoneId: 'Z0AWS', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
      })),
    },
  ],
});

const route53 = new FakeRoute53({ now: () => clock.now(), propagationMs: 20_000 }).install();
route53.seed('Z0AWS', [
  { name: 'shop.example.com.', type: 'CNAME', ttl: 60, values: ['shop-us-east-1.example.com'] },
  { name: '_failover-owner.shop.example.com.', type: 'TXT', ttl: 300, values: [ownerValue('shop')] },
]);
const rds = new FakeRds({ regions: REGIONS, now: () => clock.now(), delays: { promoteAcceptMs: 5_000, promoteMs: 60_000, replicaCreateMs: 120_000, renameMs: 10_000 } }).install();
rds.addWriter('us-east-1', 'shop-db-us-east-1');
rds.addReplica('eu-west-1', 'shop-db-eu-west-1', { region: 'us-east-1', id: 'shop-db-us-east-1' });
const asg = REGIONS.map((region) => new FakeAutoScaling({ region, now: () => clock.now(), bootMs: 45_000, terminateMs: 10_000 }).install());
asg[0]!.addGroup({ name: 'shop-web-us-east-1', minSize: 4, maxSize: 4, desiredCapacity: 4 });
asg[1]!.addGroup({ name: 'shop-web-eu-west-1', minSize: 1, maxSize: 4, desiredCapacity: 1 });
let getMetricData = 0;
const minutesAgo = (n: number) => (Math.floor(clock.now() / 60_000) - n) * 60;
nock(`https://monitoring.${STACK}.amazonaws.com`)
  .persist()
  .post('/')
  .reply(200, () => {
    getMetricData++;
    return { MetricDataResults: [{ Id: 'lag0', Label: 'ReplicaLag', Timestamps: Array.from({ length: 10 }, (_, i) => minutesAgo(i + 1)), Values: Array<number>(10).fill(0.4), StatusCode: 'Complete' }] };
  }, { 'content-type': 'application/x-amz-json-1.0' });
let simulate = 0;
nock('https://iam.amazonaws.com')
  .persist()
  .post('/')
  .reply(200, () => {
    simulate++;
    return '<SimulatePrincipalPolicyResponse><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults/></SimulatePrincipalPolicyResult></SimulatePrincipalPolicyResponse>';
  }, { 'content-type': 'text/xml' });

/** The state table's calls, by method (each is one DynamoDB request, or one query's pages). */
const storeCalls = new Map<string, number>();
const raw = new MemoryStateStore();
const store = new Proxy(raw, {
  get(target, name, receiver) {
    const value = Reflect.get(target, name, receiver) as unknown;
    if (typeof value !== 'function') return value;
    return (...args: unknown[]) => {
      storeCalls.set(String(name), (storeCalls.get(String(name)) ?? 0) + 1);
      return (value as (...a: unknown[]) => unknown).apply(target, args);
    };
  },
}) as StateStore;

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
// The adapters' own waits (Route 53's rate limiter) take real time: the simulated clock moves only between invocations.
const cloud = createAwsProviders(config, { clock: systemClock, credentials });
const roleArn = 'arn:aws:iam::123456789012:role/fc-prod-RunbookRole-ABC';
const batches = simulationBatches(config, { tableName: 'fc-state', functionNames: { probe: '', api: '', runbook: 'fc-runbook', reader: '' } }, { partition: 'aws', accountId: '123456789012', region: STACK, stackName: 'fc-prod' });
const prober = new HttpProber({ clock, concurrency: 1 });
const controller = new Controller({
  config,
  clock,
  store,
  cloud: cloud,
  prober,
  log: pino({ level: 'silent' }),
  runbooks,
  placement: { region: STACK },
  permissions: { api: new IamPermissions(new IamClients({ credentials, maxAttempts: 1 }), STACK), roleArn, batches },
});
await controller.init();
// What init read (DNS once) is not the watch's: count from here.
route53.calls.length = 0;
rds.calls.length = 0;
asg.forEach((a) => (a.calls.length = 0));
storeCalls.clear();

/** The probe functions of both stacks store a round a minute (not counted: they are the probes' cost, not readiness's). */
async function probeRounds(): Promise<void> {
  const at = clock.now();
  await raw.putObservations(REGIONS.flatMap((vantage) => REGIONS.map((region) => ({ app: 'shop', region, vantage, at, ok: true, probes: [{ latencyMs: 12, status: 200 }] }))));
}
for (let minute = 0; minute < MINUTES; minute++) {
  await probeRounds();
  await controller.watchWorld();
  await clock.advance(60_000);
}
const [report] = await controller.readiness();

const perHour = (n: number) => Math.round((n * 60) / MINUTES);
const byAction = (calls: { action?: string; operation?: string }[]) => {
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(c.action ?? c.operation ?? '?', (counts.get(c.action ?? c.operation ?? '?') ?? 0) + 1);
  return counts;
};
const rows: [string, string, number][] = [];
for (const [action, n] of byAction(rds.calls)) rows.push(['RDS', action, perHour(n)]);
for (const [action, n] of byAction(asg.flatMap((a) => a.calls))) rows.push(['Auto Scaling', action, perHour(n)]);
for (const [action, n] of byAction(route53.calls)) rows.push(['Route 53', action, perHour(n)]);
rows.push(['CloudWatch', 'GetMetricData', perHour(getMetricData)]);
rows.push(['IAM', 'SimulatePrincipalPolicy (per stack, shared by every application)', perHour(simulate)]);
const reads = ['listWorldReports', 'listObservations', 'getWriterEpoch', 'listNetworkFences', 'listRuns', 'readJournal', 'getTrafficSetup'];
for (const [method, n] of [...storeCalls].sort()) rows.push(['DynamoDB (state table)', `${method} (${reads.includes(method) ? 'read' : method.startsWith('put') ? 'write' : 'other'})`, perHour(n)]);
const route53PerHour = rows.filter((r) => r[0] === 'Route 53').reduce((sum, r) => sum + r[2], 0);
const awsCalls = rows.filter((r) => !r[0].startsWith('DynamoDB')).reduce((s, r) => s + r[2], 0);
const tableCalls = rows.filter((r) => r[0].startsWith('DynamoDB')).reduce((s, r) => s + r[2], 0);
// GetMetricData is billed per metric requested ($0.01 per 1,000 metrics, CloudWatch pricing, us-east-1/eu-west-1, December 2026); the
// control-plane describes and IAM's simulator cost nothing; the table's requests are priced by issue 19's cost model.
const metricDollarsPerMonth = (perHour(getMetricData) * 24 * 30 * 0.01) / 1000;

const body = [
  '## Readiness and drift: AWS calls per application per hour',
  '',
  '```sh',
  'npm run bench            # runs tsx bench/readiness-cost.ts (alone: npx tsx bench/readiness-cost.ts)',
  '```',
  '',
  `${measuredLine(load)}`,
  '',
  `One regional stack's runbook worker (${STACK}) watches one two-region application (RDS, one Auto Scaling group per region, records mode) for ${MINUTES} simulated minutes, invoked once a minute as its schedule does: drift every invocation (each region's database, DNS, the fences), readiness of failovers into its own region every 5 minutes (its database, lag, group, the DNS setup, the other stacks' liveness, its role's permissions through IAM's simulator every 30 minutes, one call per statement of its policy, for all applications at once), capacities and set-aside writers with readiness. ` +
    'The cloud is the AWS fakes of the component tests (Route 53, RDS, Auto Scaling on their wire formats) and nock for CloudWatch and IAM; every call is counted where it lands. A deployment of n regions has n stacks, each checking its own region: multiply by n.',
  '',
  '| service | call | per hour, per application, per stack |',
  '|---|---|---|',
  ...rows.map(([service, call, n]) => `| ${service} | ${call} | ${n} |`),
  `| **AWS APIs** | **total** | **${awsCalls}** |`,
  `| **state table** | **total** | **${tableCalls}** |`,
  '',
  `Priced: GetMetricData at $0.01 per 1,000 metrics is $${metricDollarsPerMonth.toFixed(4)} a month per application per stack; DescribeDBInstances, DescribeAutoScalingGroups, ListResourceRecordSets and SimulatePrincipalPolicy are not billed. ` +
    `The Route 53 reads (${route53PerHour} an hour) come out of the account's five requests a second, shared through the same limiter as the switch: ` +
    `${route53PerHour} x 100 applications x 3 stacks is ${((route53PerHour * 300) / 3600).toFixed(1)} requests a second, ${route53PerHour * 300 > 5 * 3600 ? 'above' : 'within'} that quota; one ListResourceRecordSets per zone and round instead of one per record is issue 19's to do. ` +
    `Checks at the end: ${report!.checks.map((c) => `${c.id}@${c.region} ${c.status}`).join(', ')}.`,
].join('\n');

writeSection('readiness-cost', body);
const headlines: Headline[] = [
  { benchmark: 'Readiness cost', anchor: 'readiness-and-drift-aws-calls-per-application-per-hour', figure: `${awsCalls} AWS calls and ${tableCalls} state-table requests per application per stack per hour; $${metricDollarsPerMonth.toFixed(4)}/month of GetMetricData`, target: 'reported (issue 15 sets none)', pass: true },
];
saveHeadlines('readiness-cost', headlines);
process.stdout.write(`${body}\n`);
await prober.close();
cloud.clients.destroy();
route53.close();
rds.close();
asg.forEach((a) => a.close());
nock.cleanAll();
