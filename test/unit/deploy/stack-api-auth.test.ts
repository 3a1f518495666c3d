import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackValues } from '../../../src/deploy/stack-values.js';

const ROOT = join(import.meta.dirname, '../../..');
const functionNames = { probe: 'p', api: 'a', runbook: 'r', reader: 'rd' } as never;

/** serverless.yml picks the API route's authorizer from api.auth (custom.apiAuth): the app and API Gateway must agree on who checks callers. */
describe('the API auth of a stack', () => {
  it('is IAM for the AWS example, which maps IAM principals to roles', async () => {
    const values = await stackValues({ configPath: join(ROOT, 'examples/failover.aws.yaml'), stackRegion: 'eu-west-1', tableName: 't', functionNames });
    expect(values.apiAuth).toBe('iam');
    expect(values.config.api.iamPrincipals.map((p) => p.roles)).toEqual([['operator', 'approver'], ['operator']]);
  });

  it('is token (no API Gateway authorizer) for a config without an api section', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stack-auth-'));
    const text = (await readFile(join(ROOT, 'examples/failover.aws.yaml'), 'utf8')).replace(/\napi:\n(  .*\n)+/, '\n');
    expect(text).not.toContain('iamPrincipals');
    await writeFile(join(dir, 'failover.yaml'), text);
    const values = await stackValues({ configPath: join(dir, 'failover.yaml'), stackRegion: 'eu-west-1', tableName: 't', functionNames });
    expect(values.apiAuth).toBe('token');
  });

  it('serverless.yml takes the route from the mode: no authorizer with token, AWS_IAM with iam', async () => {
    const yml = await readFile(join(ROOT, 'serverless.yml'), 'utf8');
    expect(yml).toContain('apiAuth: ${file(./deploy/serverless-vars.cjs):apiAuth}');
    expect(yml).toContain('events: ${self:custom.apiEvents.${self:custom.apiAuth}}');
    expect(yml).toMatch(/apiEvents:\n {4}token:\n {6}- httpApi:\n {10}method: '\*'\n {10}path: '\*'\n {4}iam:\n {6}- httpApi:\n {10}method: '\*'\n {10}path: '\*'\n {10}authorizer:\n {12}type: aws_iam\n/);
  });
});
