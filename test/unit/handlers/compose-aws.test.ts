import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeAws } from '../../../src/handlers/compose-aws.js';

const ROOT = join(import.meta.dirname, '../../..');

describe('composeAws: the handlers’ dependencies from the Lambda environment', () => {
  it('names every missing variable', async () => {
    await expect(composeAws({})).rejects.toThrow('missing environment: FAILOVER_CONFIG, STATE_TABLE, RUNBOOK_FUNCTION, AWS_REGION');
  });

  it('refuses a configuration that is not for AWS, naming the file and the field', async () => {
    const env = { FAILOVER_CONFIG: join(ROOT, 'examples/failover.yaml'), STATE_TABLE: 't', RUNBOOK_FUNCTION: 'f', AWS_REGION: 'eu-west-1' };
    await expect(composeAws(env)).rejects.toThrow(/failover\.yaml: 1 problem:\n {2}provider: must be aws on AWS Lambda, got sim/);
  });

  it('refuses to run in a region the configuration does not name', async () => {
    const env = { FAILOVER_CONFIG: join(ROOT, 'examples/failover.aws.yaml'), STATE_TABLE: 't', RUNBOOK_FUNCTION: 'f', AWS_REGION: 'ap-south-1' };
    await expect(composeAws(env)).rejects.toThrow('applications: no application has a region ap-south-1, where this stack runs (us-east-1, eu-west-1)');
  });

  it('composes from the packaged configuration, with this stack’s region as the vantage point, without calling AWS', async () => {
    const env = { FAILOVER_CONFIG: join(ROOT, 'examples/failover.aws.yaml'), STATE_TABLE: 'state', RUNBOOK_FUNCTION: 'runbook', AWS_REGION: 'eu-west-1' };
    const deps = await composeAws(env);
    expect(deps.region).toBe('eu-west-1');
    expect(deps.config.vantage).toBe('eu-west-1');
    expect(deps.config.provider).toBe('aws');
    expect(deps.config.applications.map((a) => a.name)).toEqual(['shop', 'ledger']);
    await (deps.prober as unknown as { close(): Promise<void> }).close();
  });
});
