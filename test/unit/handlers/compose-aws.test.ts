import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmfMetrics } from '../../../src/adapters/metrics/emf-metrics.js';
import { LambdaRunDispatcher } from '../../../src/adapters/aws/lambda-dispatcher.js';
import { Route53Dns } from '../../../src/adapters/aws/route53-dns.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { writePackagedConfig } from '../../../src/deploy/packaged-config.js';
import { PermanentError } from '../../../src/errors/errors.js';
import { apiParts } from '../../../src/handlers/api.js';
import { composeAws } from '../../../src/handlers/compose-aws.js';
import { probeParts } from '../../../src/handlers/probe.js';
import { composeReader, createReaderHandler } from '../../../src/handlers/reader.js';
import { runbookParts } from '../../../src/handlers/runbook.js';
import { HttpProber } from '../../../src/probes/http-prober.js';

const ROOT = join(import.meta.dirname, '../../..');

describe('composeAws: the handlers’ dependencies from the Lambda environment', () => {
  let dir: string;
  /** What `serverless package` makes of a failover.yaml: the JSON the functions read. */
  const packaged = async (yaml: string): Promise<string> => {
    const path = join(dir, `${basename(yaml)}.json`);
    await writePackagedConfig(path, await loadConfig(join(ROOT, yaml)), yaml);
    return path;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'compose-aws-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names every missing variable', async () => {
    await expect(composeAws(apiParts, {})).rejects.toThrow('missing environment: FAILOVER_CONFIG, STATE_TABLE, RUNBOOK_FUNCTION, AWS_REGION');
  });

  it('refuses a configuration that is not for AWS, naming the file and the field', async () => {
    const env = { FAILOVER_CONFIG: await packaged('examples/failover.yaml'), STATE_TABLE: 't', RUNBOOK_FUNCTION: 'f', AWS_REGION: 'eu-west-1' };
    await expect(composeAws(apiParts, env)).rejects.toThrow(/failover\.yaml: 1 problem:\n {2}provider: must be aws on AWS Lambda, got sim/);
  });

  it('refuses a failover.yaml that did not go through packaging, saying what it reads instead', async () => {
    const env = { FAILOVER_CONFIG: join(ROOT, 'examples/failover.aws.yaml'), STATE_TABLE: 't', RUNBOOK_FUNCTION: 'f', AWS_REGION: 'eu-west-1' };
    await expect(composeAws(apiParts, env)).rejects.toThrow(/failover\.aws\.yaml: 1 problem:\n {2}not a configuration written by `serverless package`/);
  });

  it('refuses to run in a region the configuration does not name', async () => {
    const env = { FAILOVER_CONFIG: await packaged('examples/failover.aws.yaml'), STATE_TABLE: 't', RUNBOOK_FUNCTION: 'f', AWS_REGION: 'ap-south-1' };
    await expect(composeAws(apiParts, env)).rejects.toThrow(
      'examples/failover.aws.yaml: 1 problem:\n  applications: no application has a region ap-south-1, where this stack runs (us-east-1, eu-west-1)',
    );
  });

  it('composes from the packaged configuration, with this stack’s region as the vantage point, without calling AWS', async () => {
    const env = { FAILOVER_CONFIG: await packaged('examples/failover.aws.yaml'), STATE_TABLE: 'state', RUNBOOK_FUNCTION: 'runbook', AWS_REGION: 'eu-west-1' };
    const deps = await composeAws(runbookParts, env);
    expect(deps.region).toBe('eu-west-1');
    expect(deps.config).toEqual({ ...(await loadConfig(join(ROOT, 'examples/failover.aws.yaml'))), vantage: 'eu-west-1' });
    expect(deps.config.provider).toBe('aws');
    expect(deps.config.applications.map((a) => a.name)).toEqual(['shop', 'ledger']);
    // Each invocation gets a fresh sink of CloudWatch EMF, flushed as it ends.
    expect(deps.metrics?.()).toBeInstanceOf(EmfMetrics);
    expect(deps.metrics?.()).not.toBe(deps.metrics?.());
    await (deps.prober as unknown as { close(): Promise<void> }).close();
  });

  it('composes the probe with Route 53 alone: its database and compute ports refuse every call', async () => {
    const env = { FAILOVER_CONFIG: await packaged('examples/failover.aws.yaml'), STATE_TABLE: 'state', RUNBOOK_FUNCTION: 'runbook', AWS_REGION: 'eu-west-1' };
    const deps = await composeAws(probeParts, env);
    expect(deps.cloud.dns).toBeInstanceOf(Route53Dns);
    expect(deps.prober).toBeInstanceOf(HttpProber);
    expect(deps.dispatcher).toBeInstanceOf(LambdaRunDispatcher);
    const ref = deps.config.applications[0]!.regions[1]!.database;
    await expect(deps.cloud.database.describe(ref)).rejects.toThrow(PermanentError);
    await expect(deps.cloud.database.replicaLag(ref)).rejects.toThrow('database.replicaLag: the probe function does not call RDS; runs execute in the runbook worker');
    await expect(deps.cloud.compute.setCapacity({ region: 'eu-west-1', groupName: 'g' }, 1)).rejects.toThrow('compute.setCapacity: the probe function does not call Auto Scaling');
    await (deps.prober as unknown as { close(): Promise<void> }).close();
  });

  it('composes the worker with every cloud port and the prober; it hands nothing on', async () => {
    const env = { FAILOVER_CONFIG: await packaged('examples/failover.aws.yaml'), STATE_TABLE: 'state', RUNBOOK_FUNCTION: 'runbook', AWS_REGION: 'eu-west-1' };
    const worker = await composeAws(runbookParts, env);
    expect(worker.dispatcher).not.toBeInstanceOf(LambdaRunDispatcher);
    await expect(worker.dispatcher.dispatch({ id: 'r1' } as never)).rejects.toThrow('the runbook worker executes runs; it never hands them to another function');
    expect(worker.cloud.dns).toBeInstanceOf(Route53Dns);
    expect(worker.cloud.database.constructor.name).toBe('RdsDatabase');
    expect(worker.cloud.compute.constructor.name).toBe('AutoScalingCompute');
    expect(worker.prober).toBeInstanceOf(HttpProber);
    await (worker.prober as unknown as { close(): Promise<void> }).close();
  });

  it('composes the API to read through the reader function (READER_FUNCTION) and change nothing in the cloud; it hands runs on', async () => {
    const env = { FAILOVER_CONFIG: await packaged('examples/failover.aws.yaml'), STATE_TABLE: 'state', RUNBOOK_FUNCTION: 'runbook', AWS_REGION: 'eu-west-1' };
    await expect(composeAws(apiParts, env)).rejects.toThrow('missing environment: READER_FUNCTION (serverless.yml sets them for the api function)');
    const api = await composeAws(apiParts, { ...env, READER_FUNCTION: 'reader' });
    // The API records no metrics: its bundle carries no EMF writer.
    expect(api.metrics).toBeUndefined();
    expect(api.dispatcher).toBeInstanceOf(LambdaRunDispatcher);
    expect(api.cloud.dns).not.toBeInstanceOf(Route53Dns);
    expect(api.prober).not.toBeInstanceOf(HttpProber);
    const group = { region: 'eu-west-1', groupName: 'shop-web-euw1' };
    await expect(api.cloud.compute.setCapacity(group, 4)).rejects.toThrow('compute.setCapacity: this function only reads the cloud; runs execute in the runbook worker');
  });

  it('composes the reader from FAILOVER_CONFIG and AWS_REGION alone, with every cloud port and the prober', async () => {
    await expect(composeReader({})).rejects.toThrow('missing environment: FAILOVER_CONFIG, AWS_REGION (serverless.yml sets them for every function)');
    const reader = await composeReader({ FAILOVER_CONFIG: await packaged('examples/failover.aws.yaml'), AWS_REGION: 'eu-west-1' });
    expect(reader.config.vantage).toBe('eu-west-1');
    expect(reader.world.cloud.dns).toBeInstanceOf(Route53Dns);
    expect(reader.world.cloud.database.constructor.name).toBe('RdsDatabase');
    expect(reader.world.prober).toBeInstanceOf(HttpProber);
    // A read of something the configuration does not name is refused before any call to AWS.
    const answer = await createReaderHandler(reader)(
      { source: 'failover-controller', reads: [{ op: 'compute.describeGroup', ref: { region: 'eu-west-1', groupName: 'someone-elses' } }] },
      { awsRequestId: 'r', getRemainingTimeInMillis: () => 25_000 },
    );
    expect(answer.results).toEqual([{ ok: false, error: { name: 'PermanentError', message: expect.stringContaining("Auto Scaling group eu-west-1/someone-elses: not in this stack's configuration") } }]);
    await (reader.world.prober as unknown as { close(): Promise<void> }).close();
  });
});
