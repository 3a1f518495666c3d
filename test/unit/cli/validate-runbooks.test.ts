import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliInProcess as cli } from '../../support/cli-in-process.js';
import { userRepo } from '../../support/user-repo.js';

/** A failover that promotes the standby unplanned with no RPO gate before it: the lint must refuse it. */
const UNGATED = `import { promoteDatabase, publishWriterEpoch, runbook, scaleCompute, sequence, switchDns } from 'failover-controller/runbooks';

export const hasty = runbook(
  'hasty-failover',
  'Promote at once',
  sequence(
    publishWriterEpoch({ id: 'fence-epoch', title: 'Only the standby writes', writer: 'to', reason: 'failover' }),
    promoteDatabase({ id: 'promote', title: 'Promote the replica', side: 'to', mode: 'unplanned' }),
    scaleCompute({ id: 'scale', title: 'Scale up', side: 'to', capacity: 'active' }),
    switchDns({ id: 'dns', title: 'Move DNS', side: 'to' }),
  ),
);
`;

describe('failover validate with runbooks of the application\'s own', () => {
  it('loads them from the repository, shows each tree, and says which run uses which', async () => {
    const repo = await userRepo(join(await mkdtemp(join(tmpdir(), 'validate-runbooks-')), 'repo'));
    const { code, stdout, stderr } = await cli(['validate', 'failover.yaml'], repo.dir);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('shop runs shop-failover (failover): Fail the shop over to the standby region');
    expect(stdout).toContain('      - scale-up-standby-web-service: Scale the standby web service (ECS) to 4 tasks [capacity to, undoable]');
    expect(stdout).toContain('    - point-writes-flag-to-standby: Point the writes feature flag at the standby region\n');
    expect(stdout).toContain('shop runs failback (failback, built-in)');
    expect(stdout).toContain('shop runs drain-queues (by name)');
    const json = await cli(['--json', 'validate', 'failover.yaml'], repo.dir);
    const runbooks = JSON.parse(json.stdout).runbooks as { name: string; runs: string; tree: { kind: string } }[];
    expect(runbooks.map((r) => [r.name, r.runs])).toEqual([
      ['shop-failover', 'failover'],
      ['failback', 'failback'],
      ['drain-queues', 'by name'],
    ]);
  });

  it('refuses a runbook that promotes without an RPO gate: exit 2, the field, the step and what to add', async () => {
    const repo = await userRepo(join(await mkdtemp(join(tmpdir(), 'validate-runbooks-')), 'repo'));
    await writeFile(join(repo.dir, 'runbooks/hasty.ts'), UNGATED);
    const config = (await readFile(repo.configPath, 'utf8')).replace('module: ./runbooks/shop.ts\n      failover: shop-failover', 'module: ./runbooks/hasty.ts\n      failover: hasty-failover');
    await writeFile(repo.configPath, config);
    const { code, stdout, stderr } = await cli(['validate', 'failover.yaml'], repo.dir);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/applications\[0\]\.runbooks: .*hasty-failover.*promote.*RPO/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a runbook named like a built-in one: a run resumes by its runbook\'s name', async () => {
    const repo = await userRepo(join(await mkdtemp(join(tmpdir(), 'validate-runbooks-')), 'repo'));
    const shop = await readFile(repo.modulePath, 'utf8');
    await writeFile(repo.modulePath, shop.replace("runbook('drain-queues',", "runbook('failback',"));
    const { code, stderr } = await cli(['validate', 'failover.yaml'], repo.dir);
    expect([code, stderr]).toEqual([2, expect.stringContaining('"failback" is the name of a built-in runbook; give each runbook a name of its own')]);
  });

  it('names the field when the module is missing, or lacks the runbook the config names', async () => {
    const repo = await userRepo(join(await mkdtemp(join(tmpdir(), 'validate-runbooks-')), 'repo'));
    const config = await readFile(repo.configPath, 'utf8');
    await writeFile(repo.configPath, config.replace('module: ./runbooks/shop.ts', 'module: ./runbooks/nope.ts'));
    const missing = await cli(['validate', 'failover.yaml'], repo.dir);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/applications\[0\]\.runbooks\.module: .*nope\.ts did not load/)]);
    await writeFile(repo.configPath, config.replace('failover: shop-failover', 'failover: shop-failovr'));
    const misnamed = await cli(['validate', 'failover.yaml'], repo.dir);
    expect([misnamed.code, misnamed.stderr]).toEqual([2, expect.stringContaining('applications[0].runbooks.failover: ')]);
    expect(misnamed.stderr).toContain('exports no runbook named "shop-failovr"; it exports: shop-failover, drain-queues');
  });
});
