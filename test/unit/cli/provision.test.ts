import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatProvision } from '../../../src/cli/commands/provision.js';
import { cliInProcess } from '../../support/cli-in-process.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const cli = (args: string[]) => cliInProcess(args, root);

describe('failover provision', () => {
  it('--config of a simulated world is a usage error (exit 2) that says where that world lives, without a stack trace', async () => {
    const { code, stdout, stderr } = await cli(['provision', '--config', 'examples/failover.yaml']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--config: examples\/failover\.yaml has provider sim; the simulated world lives in `npm start`/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('--config with an unknown --app is a usage error naming it', async () => {
    const { code, stderr } = await cli(['provision', '--config', 'examples/failover.aws.yaml', '--app', 'blog']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--app: no application "blog" in examples\/failover\.aws\.yaml/);
  });

  it('--config with no data-plane switch has nothing to do, and calls nothing', async () => {
    const { code, stdout } = await cli(['provision', '--config', 'examples/failover.aws.yaml']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/nothing to provision/);
  });

  it('prints each resource: unchanged, to change with now and wanted, waiting with why', () => {
    const text = formatProvision({
      applied: false,
      plans: [
        {
          app: 'shop',
          mode: 'health-checks',
          actions: [
            { kind: 'alarm', resource: 'cloudwatch:eu-west-1 a', current: 'OK', desired: 'x', change: false },
            { kind: 'health-check', resource: 'route53:shop us-east-1 region', current: 'absent', desired: 'CALCULATED', change: true },
            { kind: 'records', resource: 'route53:shop.example.com. CNAME', current: 'a', desired: 'b', change: true, waiting: 'the health checks are created first' },
          ],
        },
      ],
    }).split('\n');
    expect(text).toEqual([
      'shop (health-checks): 2 to create or change',
      '  ok      cloudwatch:eu-west-1 a',
      '  would   route53:shop us-east-1 region',
      '          now: absent',
      '          wanted: CALCULATED',
      '  waiting route53:shop.example.com. CNAME',
      '          now: a',
      '          wanted: b',
      '          waiting: the health checks are created first',
      'nothing was changed; run again with --apply to make these changes',
    ]);
  });
});
