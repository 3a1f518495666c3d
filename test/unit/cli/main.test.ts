import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { FUNCTION_NAMES, type FunctionName, functionPolicies } from '../../../src/deploy/iam-policy.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Run the CLI in-process with collected output; the API URL points nowhere it could reach. */
async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env: { FAILOVER_URL: 'http://127.0.0.1:9', ...env },
    cwd: root,
    sleep: async () => undefined,
  });
  return { code, stdout, stderr };
}

describe('failover CLI: usage', () => {
  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['status', '--bogus'], /unknown option '--bogus'/],
    [['failover', '--reason', 'x'], /required option '--to <region>' not specified/],
    [['approve', '--by', 'alice'], /missing required argument 'run-id'/],
    [['runs', '--limit', '0'], /--limit <n>' argument '0' is invalid. must be a whole number from 1 to 500/],
    [['plan', '--kind', 'sideways'], /Allowed choices are failover, failback/],
    [['status', 'extra'], /too many arguments/],
    [[], /Usage: failover/],
  ])('%j is a usage error: exit 2, and says what is wrong', async (args, message) => {
    const { code, stderr, stdout } = await cli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('--help is a success, on stdout, with the exit codes', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Exit codes: 0 success; 1 the operation failed');
    expect((await cli(['failover', '--help'])).stdout).toContain('--to <region>');
  });

  it('an unreachable API is exit 1, said in one line without a stack trace', async () => {
    const { code, stderr } = await cli(['status']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: cannot reach the API at http:\/\/127\.0\.0\.1:9: connection refused/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--json puts the error on stdout as JSON too', async () => {
    const { code, stdout } = await cli(['--json', 'status']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ error: { exitCode: 1, code: 'ECONNREFUSED', message: expect.stringContaining('cannot reach the API') } });
  });

  it('a bad --url is a usage error', async () => {
    const { code, stderr } = await cli(['status', '--url', 'ftp://x']);
    expect(code).toBe(2);
    expect(stderr).toContain('--url: must be an http(s) URL');
  });
});

describe('failover iam-policy', () => {
  const awsConfig = 'examples/failover.aws.yaml';

  it("prints each function's least-privilege policy as the stack builds it", async () => {
    const { code, stdout } = await cli(['iam-policy', '--config', awsConfig, '--stage', 'prod']);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    const functionNames = Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, `failover-controller-prod-${fn}`])) as Record<FunctionName, string>;
    const expected = functionPolicies(await loadConfig(join(root, awsConfig)), { tableName: 'failover-controller-prod-state', functionNames });
    expect(Object.keys(printed)).toEqual([...FUNCTION_NAMES]);
    for (const fn of FUNCTION_NAMES) expect(printed[fn]).toEqual({ Version: '2012-10-17', Statement: expected[fn] });
  });

  it('writes the ARNs out for a region and account', async () => {
    const { code, stdout } = await cli(['iam-policy', '--config', awsConfig, '--function', 'runbook', '--region', 'eu-west-1', '--account', '123456789012']);
    expect(code).toBe(0);
    expect(stdout).not.toContain('Fn::Sub');
    expect(stdout).not.toContain('${AWS::');
    const doc = JSON.parse(stdout) as { Statement: { Sid: string; Resource: string[] }[] };
    // The stage serverless.yml deploys by default (prod), so that the printed policy names the deployed table.
    expect(doc.Statement.find((s) => s.Sid === 'StateTable')?.Resource).toContain('arn:aws:dynamodb:eu-west-1:123456789012:table/failover-controller-prod-state');
  });

  it('takes FAILOVER_CONFIG, and refuses a bad config or half an account with exit 2', async () => {
    expect((await cli(['iam-policy'], { FAILOVER_CONFIG: awsConfig })).code).toBe(0);
    const missing = await cli(['iam-policy', '--config', 'nowhere.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere.yaml: 1 problem:\n  file not found');
    expect((await cli(['iam-policy', '--config', awsConfig, '--region', 'eu-west-1'])).code).toBe(2);
    expect((await cli(['iam-policy', '--config', awsConfig, '--region', 'eu-west-1', '--account', '12'])).stderr).toContain('--account: must be a 12-digit AWS account id');
  });
});
