import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPersistentSimProviders, readCallLog } from '../../src/adapters/sim/persistent-sim.js';
import { freeStablePort } from '../support/free-port.js';
import { endedRun, killAllGroups, killGroup, type LocalSetup, localApi, npmStart, stopGroup, waitForOutput } from '../support/npm-start.js';
import { fastLocalConfig, userRepo } from '../support/user-repo.js';

// A test that fails half way must not leave an npm start behind.
afterAll(killAllGroups);

const DRAIN = { region: 'eu-west-1', functionName: 'shop-drain-queues' };

/**
 * The application's own runbook, in a repository of its own outside the
 * project (examples/user-runbooks: an ECS step, a Lambda step and a step
 * of the application's own), run by `npm start` itself: the automatic
 * failover of a lost region runs it to the end. The process is killed with
 * SIGKILL right after the Lambda invocation took effect, before the journal
 * heard of it; started again, the run resumes, invokes again with the same
 * idempotency key, and the function's effect happens once.
 */
describe('a runbook of the application\'s own, under npm start', () => {
  it('runs to the end, survives a SIGKILL after its Lambda call took effect, and resumes with no second effect', async () => {
    const base = await mkdtemp(join(tmpdir(), 'user-runbook-'));
    const repo = await userRepo(join(base, 'repo'));
    await fastLocalConfig(repo, [await freeStablePort(), await freeStablePort()]);
    const stateDir = join(base, 'state');
    const flags = join(base, 'flags.json');
    const apiPort = await freeStablePort();
    const env = { FAILOVER_STATE_DIR: stateDir, FAILOVER_CONFIG: repo.configPath, PORT: String(apiPort), SHOP_FLAGS_FILE: flags };
    const setup: LocalSetup = { stateDir, configPath: repo.configPath, apiPort, env };

    const frozen = npmStart([], { ...env, FAILOVER_SIM_FREEZE_AT: `call:Invoke:${DRAIN.functionName}` });
    await waitForOutput(frozen, /listening on/);
    const { body: listed } = await localApi<{ applications: { failover: { name: string }; named: { name: string }[] }[] }>(setup, 'GET', '/runbooks');
    expect(listed.applications[0]).toMatchObject({ failover: { name: 'shop-failover' }, named: [{ name: 'drain-queues' }] });
    expect((await localApi(setup, 'POST', '/sim/regions/us-east-1/outage')).status).toBe(200);
    await waitForOutput(frozen, /frozen at call:Invoke/);
    await killGroup(frozen);
    const invokes = () => readCallLog(join(stateDir, 'sim')).filter((c) => c.operation === 'Invoke' && c.outcome === 'ok');
    expect(invokes()).toHaveLength(1);

    const again = npmStart([], env);
    try {
      await waitForOutput(again, /listening on/);
      const run = await endedRun(setup, again);
      expect(run).toMatchObject({ kind: 'failover', runbook: 'shop-failover', status: 'succeeded', from: 'us-east-1', to: 'eu-west-1' });
      expect(run.steps.filter((s) => s.status !== 'succeeded' && s.status !== 'skipped')).toEqual([]);
      const { body } = await localApi<{ journal: { type: string; stepId?: string }[] }>(setup, 'GET', `/runs/${run.id}`);
      // Its act was in flight when the process died: issued again on resume, with the same key.
      expect(body.journal.filter((e) => e.type === 'act-started' && e.stepId === 'drain-order-queue')).toHaveLength(2);
    } finally {
      await stopGroup(again);
    }

    const calls = readCallLog(join(stateDir, 'sim'));
    expect(invokes()).toHaveLength(2);
    expect(calls.filter((c) => c.operation === 'UpdateService' && c.outcome === 'ok').map((c) => c.target)).toEqual([expect.stringContaining('web')]);
    const sim = createPersistentSimProviders({ clock: { now: () => Date.now(), sleep: async () => undefined }, dir: join(stateDir, 'sim'), seed: () => undefined });
    // The function honoured the key: one effect for two invocations.
    expect(sim.functions.invocations(DRAIN)).toBe(2);
    expect(sim.functions.effects(DRAIN)).toHaveLength(1);
    expect((await sim.ecs.describeService({ region: 'eu-west-1', cluster: 'shop', service: 'web' })).desiredCount).toBe(4);
    // The application's own step did its part.
    expect(JSON.parse(await readFile(flags, 'utf8'))).toEqual({ writes: 'eu-west-1' });
  }, 120_000);
});
