import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliInProcess } from '../../support/cli-in-process.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const cli = cliInProcess;

/** The example config with the primary's probe timeout at the whole 2 s interval: valid, with one warning. */
async function slowProbeConfig(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'failover-validate-'));
  const example = await readFile(join(root, 'examples/failover.yaml'), 'utf8');
  const changed = example.replace('timeoutMs: 1000', 'timeoutMs: 2000');
  expect(changed).not.toBe(example);
  await writeFile(join(dir, 'slow.yaml'), changed);
  return dir;
}

const WARNING = 'warning: applications[0].regions[0].probes[0].timeoutMs: 2000 ms is over 80% of applications[0].policy.probeIntervalSeconds (2 s)';

describe('failover validate: warnings', () => {
  it('prints each warning with its path on stderr and still exits 0: the config is valid', async () => {
    const { code, stdout, stderr } = await cli(['validate', 'slow.yaml'], await slowProbeConfig());
    expect(code).toBe(0);
    expect(stdout).toBe('slow.yaml: valid: provider sim, 1 application: shop (us-east-1 primary, eu-west-1) (1 warning)\n');
    expect(stderr.split('\n').filter(Boolean)).toEqual([expect.stringContaining(WARNING), expect.stringMatching(/^static stability: shop us-east-1 → eu-west-1: /)]);
    expect(stderr).toMatch(/set it to at most 1600 ms/);
  });

  it('--json lists the warnings in the document, with their paths', async () => {
    const { code, stdout } = await cli(['--json', 'validate', 'slow.yaml'], await slowProbeConfig());
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ valid: true, warnings: [{ path: 'applications[0].regions[0].probes[0].timeoutMs', message: expect.stringMatching(/^2000 ms is over 80%/) }] });
  });

  it('the example config has none, and its records-mode switch is named as depending on us-east-1', async () => {
    const { code, stdout, stderr } = await cli(['--json', 'validate', 'examples/failover.yaml'], root);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ warnings: [], staticStability: [{ app: 'shop', from: 'us-east-1', to: 'eu-west-1' }] });
    expect(stderr).toBe(
      "static stability: shop us-east-1 → eu-west-1: route53:ChangeResourceRecordSets, route53:GetChange: records mode rewrites records through Route 53's control plane, " +
        'which AWS runs in us-east-1 alone: an outage of us-east-1 may take it down; fix: traffic.mode: health-checks (votes through CloudWatch in each stack\'s region) ' +
        "or routing-control (ARC's five-region cluster), provisioned with `failover provision` beforehand\n",
    );
  });
});
