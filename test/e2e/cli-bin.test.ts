import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Run bin/failover.js as a user would (it is executable, with a shebang), and collect its exit code and output. */
async function failover(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(root, 'bin/failover.js'), args, { cwd: root, env: { ...process.env, FAILOVER_URL: 'http://127.0.0.1:9' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('bin/failover.js', () => {
  it('validates the example config: exit 0 and a one-line summary', async () => {
    const { code, stdout, stderr } = await failover(['validate', 'examples/failover.yaml']);
    // Valid with no warning; the one thing said is the records-mode switch's dependence on us-east-1's control plane.
    expect(stderr).toMatch(/^static stability: shop us-east-1 → eu-west-1: route53:ChangeResourceRecordSets, route53:GetChange: [^\n]*\n$/);
    expect(code).toBe(0);
    expect(stdout).toBe('examples/failover.yaml: valid: provider sim, 1 application: shop (us-east-1 primary, eu-west-1)\n');
  });

  it('validates a config with a warning: exit 0, the warning with its path on stderr', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'failover-cli-'));
    const example = await readFile(join(root, 'examples/failover.yaml'), 'utf8');
    const slow = join(dir, 'slow.yaml');
    await writeFile(slow, example.replace('timeoutMs: 1000', 'timeoutMs: 2000'));
    const { code, stdout, stderr } = await failover(['validate', slow]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${slow}: valid: provider sim, 1 application: shop (us-east-1 primary, eu-west-1) (1 warning)\n`);
    expect(stderr).toMatch(/^warning: applications\[0\]\.regions\[0\]\.probes\[0\]\.timeoutMs: 2000 ms is over 80% of applications\[0\]\.policy\.probeIntervalSeconds \(2 s\).*\nstatic stability: [^\n]*\n$/);
  });

  it('refuses a bad config with exit 2, each problem with its path, and no stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'failover-cli-'));
    const example = await readFile(join(root, 'examples/failover.yaml'), 'utf8');
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, example.replace('url: http://127.0.0.1:18102/health', 'url: ftp://127.0.0.1:18102/health'));
    const { code, stdout, stderr } = await failover(['validate', bad]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: ${bad}: 1 problem:\n  applications[0].regions[1].probes[0].url: must be an http(s) URL\n`);
  });

  it('answers --version with the package version, before loading the CLI', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(await failover(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('into a closed pipe (`| head -1`): ends quietly with its exit code, no EPIPE stack trace', async () => {
    const bin = join(root, 'bin/failover.js');
    for (const [args, code] of [['--help', 0], ['validate examples/failover.yaml', 0]] as const) {
      // `true` reads nothing and exits at once: every write of the CLI meets a closed pipe.
      const { stderr } = await promisify(execFile)('bash', ['-c', `${bin} ${args} | true; echo " exit=\${PIPESTATUS[0]}" >&2`], { cwd: root });
      expect(stderr).not.toMatch(/EPIPE|node:events|at /);
      expect(stderr).toContain(`exit=${code}`);
    }
  });
});
