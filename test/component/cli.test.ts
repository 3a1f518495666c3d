import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TEST_TOKENS } from '../support/auth.js';
import { type Harness, startHarness } from '../support/harness.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';
import { freePort } from '../support/free-port.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cwd = await mkdtemp(join(tmpdir(), 'failover-cli-'));

/** Output of one CLI invocation. */
interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A CLI invocation in flight: its output so far, and its end. */
interface RunningCli {
  stdout: () => string;
  stderr: () => string;
  done: Promise<CliResult>;
  finished: () => boolean;
}

describe('the failover CLI against the API over loopback (simulated time)', () => {
  let h: Harness;
  let api: FastifyInstance;
  let url: string;
  /** CLI invocations sleeping on the ManualClock between polls, with the waiters for the next such sleep. */
  let sleeping = 0;
  let sleepWaiters: (() => void)[] = [];

  beforeEach(async () => {
    h = await startHarness();
    api = await h.api();
    await api.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;
    h.controller.start();
    await h.clock.advance(30_000);
  });
  afterEach(async () => {
    await api.close();
    await h.close();
  });

  /** Start the CLI in-process: the API of this test, a token (admin unless said), the harness's clock for its polls. */
  function start(args: string[], env: Record<string, string | undefined> = {}, options: { tty?: boolean } = {}): RunningCli {
    let stdout = '';
    let stderr = '';
    let ended = false;
    const done = main(args, {
      stdout: { write: (s: string) => ((stdout += s), true) },
      stderr: { write: (s: string) => ((stderr += s), true), isTTY: options.tty === true, columns: 120 },
      env: { FAILOVER_URL: url, FAILOVER_TOKEN: TEST_TOKENS.admin, FAILOVER_STATE_DIR: join(cwd, 'no-state'), ...env },
      cwd,
      now: () => h.clock.now(),
      sleep: async (ms) => {
        sleeping++;
        for (const wake of sleepWaiters.splice(0)) wake();
        try {
          await h.clock.sleep(ms);
        } finally {
          sleeping--;
        }
      },
    }).then((code) => {
      ended = true;
      return { code, stdout, stderr };
    });
    return { stdout: () => stdout, stderr: () => stderr, done, finished: () => ended };
  }

  const cli = (args: string[], env?: Record<string, string | undefined>) => start(args, env).done;

  /** The next moment the CLI waits on the clock (it has finished its request and printed). */
  const cliAsleep = () => (sleeping > 0 ? Promise.resolve() : new Promise<void>((resolve) => sleepWaiters.push(resolve)));

  /**
   * Move simulated time only while the CLI sleeps between polls, so every
   * poll sees the run as the controller left it, until `until` holds (or the CLI ends).
   */
  async function drive(running: RunningCli, until: () => boolean = () => false, maxMs = 10 * 60_000): Promise<void> {
    const end = h.clock.now() + maxMs;
    while (!running.finished() && !until() && h.clock.now() < end) {
      await Promise.race([cliAsleep(), running.done]);
      if (running.finished() || until()) break;
      await h.clock.advance(500);
    }
  }

  it('status: one line per region with its state, role and sentence; the policy reason; no run', async () => {
    const { code, stdout, stderr } = await cli(['status']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('shop: active region us-east-1 (primary)');
    expect(lines[1]).toMatch(/^ {2}us-east-1 {2}active {3}healthy {2}us-east-1 \(active\) is healthy since/);
    expect(lines[2]).toMatch(/^ {2}eu-west-1 {2}standby {2}healthy {2}eu-west-1 \(standby\) is healthy since/);
    expect(stdout).toContain('  policy: hold: us-east-1 (active) is healthy');
    expect(stdout).toContain('  run: none in progress');
  });

  it('status --watch: the status again every few seconds, redrawn in place on a terminal; not with --json', async () => {
    const running = start(['status', '--watch', '5', '--count', '3']);
    await drive(running);
    const { code, stdout } = await running.done;
    expect(code).toBe(0);
    expect(stdout.match(/^shop: active region us-east-1/gm)).toHaveLength(3);
    expect(stdout.match(/\(every 5 s; Ctrl-C to stop\)/g)).toHaveLength(3);
    expect(stdout).not.toContain('\u001b[2J');
    const tty = await (async () => {
      let out = '';
      const code = await main(['status', '--watch', '--count', '2'], {
        stdout: { write: (s: string) => ((out += s), true), isTTY: true },
        stderr: { write: () => true },
        env: { FAILOVER_URL: url, FAILOVER_TOKEN: TEST_TOKENS.viewer },
        cwd,
        sleep: async () => undefined,
      });
      return { code, out };
    })();
    expect(tty.code).toBe(0);
    expect(tty.out.split('\u001b[H\u001b[2J')).toHaveLength(3);
    expect(await cli(['--json', 'status', '--watch'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--watch: not with --json') });
    expect(await cli(['status', '--watch', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('seconds from 1 to 3600') });
  });

  it('status --json is the API answer, parseable; --app filters and names an unknown app (exit 2)', async () => {
    const { code, stdout } = await cli(['status', '--json', '--app', 'shop']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ provider: 'sim', applications: [{ name: 'shop', activeRegion: 'us-east-1' }] });
    const unknown = await cli(['status', '--app', 'cart']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--app: unknown application "cart"; known: shop');
  });

  it('plan: the steps with their resources now and wanted, and nothing changed', async () => {
    const { code, stdout } = await cli(['plan']);
    expect(code).toBe(0);
    expect(stdout).toContain('plan: failover of shop us-east-1 -> eu-west-1 (runbook regional-failover); nothing was changed');
    expect(stdout).toContain('5. promote-standby-database [would act]\n   rds:shop-db-eu-west-1 (eu-west-1)\n   now:    replica of us-east-1 (available)\n   wanted: writer (available, or backing up after its promotion)');
    expect(await runsOldestFirst(h)).toEqual([]);
    const json = await cli(['--json', 'drill', '--mode', 'plan']);
    expect(JSON.parse(json.stdout).plan.steps).toHaveLength(8);
    const bad = await cli(['plan', '--kind', 'failback']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/kind: failback returns shop to its primary region us-east-1, which is already the active region: there is nothing to fail back.*\(400\)/);
  });

  it('failover --wait: a line per step transition, then success (exit 0), and the world moved', async () => {
    const running = start(['failover', '--to', 'eu-west-1', '--reason', 'cli drill', '--wait']);
    await drive(running);
    const { code, stdout, stderr } = await running.done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^run run-\S+ started: failover of shop us-east-1 -> eu-west-1$/);
    expect(lines).toContain('  promote-standby-database: running');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}promote-standby-database: succeeded in \d+\.\d s/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}verify-application-in-standby: (succeeded|already done)/));
    expect(lines.at(-1)).toMatch(/^run run-\S+ succeeded after \d+\.\d s: shop now runs in eu-west-1$/);
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
    // The run, step by step, and in the list.
    const runId = /^run (run-\S+) started/.exec(lines[0]!)![1]!;
    const detail = await cli(['runs', runId]);
    expect(detail.code).toBe(0);
    expect(detail.stdout).toMatch(new RegExp(`^run ${runId}: failover of shop us-east-1 -> eu-west-1, manual by test-admin: cli drill\nsucceeded; started .*, took \\d+\\.\\d s\n`));
    expect(detail.stdout).toMatch(/\n {2}succeeded +promote-standby-database +\d+\.\d s {2}writer \(available\)\n/);
    expect(detail.stdout).toMatch(/\n {2}already done {2}check-data-loss-within-rpo +\d+\.\d s {2}no approval needed: /);
    const list = await cli(['runs', '--limit', '5']);
    expect(list.stdout.split('\n')[1]).toMatch(new RegExp(`^${runId} +failover +us-east-1 -> eu-west-1 +manual +succeeded`));
  });

  it('failover --wait --json prints nothing but the finished run', async () => {
    const running = start(['--json', 'failover', '--to', 'eu-west-1', '--reason', 'scripted', '--wait']);
    await drive(running);
    const { code, stdout } = await running.done;
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ run: { status: 'succeeded', to: 'eu-west-1', reason: 'scripted' } });
  });

  it('shows a progress bar on a terminal: steps done of total, the current step, elapsed', async () => {
    const running = start(['failover', '--to', 'eu-west-1', '--reason', 'tty', '--wait'], {}, { tty: true });
    await drive(running);
    const { code, stdout, stderr } = await running.done;
    expect(code).toBe(0);
    // The current step, with what it last saw while it polls.
    expect(stderr).toMatch(/\d\/8 steps \| promote-standby-database(: [^|]+)? \| \d+\.\d s/);
    expect(stderr).toMatch(/\d\/8 steps \| \S+: [^|]+; wanted: [^|]+ \| \d+\.\d s/);
    expect(stderr).toContain('8/8 steps | succeeded |');
    // No step lines on stdout: the bar shows them.
    expect(stdout).not.toContain('promote-standby-database: running');
    expect(stdout.trim().split('\n').at(-1)).toMatch(/succeeded after/);
  });

  it('drill --mode game-day --wait: what the drill does as it goes, then each phase timed against the RTO (exit 0)', async () => {
    const running = start(['drill', '--mode', 'game-day', '--wait']);
    await drive(running);
    const { code, stdout, stderr } = await running.done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const drillId = /^drill (\S+) started: game day of shop, .* us-east-1, to eu-west-1, then back\n/.exec(stdout)?.[1];
    expect(drillId).toBeDefined();
    expect(stdout).toMatch(/\n {2}\d\d:\d\d:\d\dZ \S.*\n/);
    expect(stdout).toContain(`drill ${drillId} of shop: succeeded; us-east-1 -> eu-west-1 and back\n`);
    expect(stdout).toMatch(/\n {2}failover +old writer fenced, database promotion +\d+\.\d s +\d+\.\d% of RTO +done\n/);
    expect(stdout).toMatch(/\n {2}failback +/);
    expect(stdout).toMatch(/\nrecovery took \d+\.\d s against an RTO of 5 min 00 s: met\n/);
    expect(stdout).toMatch(/\nruns: run-\S+ \(failover, succeeded\), run-\S+ \(failback, succeeded\)\n/);
    expect((await worldLayout(h)).dnsRegion).toBe('us-east-1');
    // The same drill, shown again as JSON: the drill with its report.
    const shown = await cli(['--json', 'drill', '--id', drillId!]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ drill: { id: drillId, status: 'succeeded' }, report: { drillId, phases: expect.any(Array) } });
  });

  it('sim outage and heal, decisions and audit: the region breaks and heals, each change of mind is a line, each change asked for is audited', async () => {
    const broken = await cli(['sim', 'outage', 'us-east-1', '--mode', 'http503']);
    expect(broken).toEqual({ code: 0, stdout: 'us-east-1: outage (http503); heal it with: failover sim heal us-east-1\n', stderr: '' });
    await h.clock.advance(20_000);
    expect((await cli(['status', '--json'])).stdout).toContain('"unhealthy"');
    const healed = await cli(['sim', 'heal', 'us-east-1']);
    expect(healed).toMatchObject({ code: 0, stdout: 'us-east-1: healed\n' });
    const unknown = await cli(['sim', 'outage', 'mars-1']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('unknown region "mars-1"')]);
    const decisions = await cli(['decisions', '--limit', '5']);
    expect(decisions.code).toBe(0);
    expect(decisions.stdout.split('\n')[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}shop {2}(hold|failover)/);
    expect(decisions.stdout).toMatch(/hold \(\d+ rounds, until [^)]+\): us-east-1 \(active\) is healthy/);
    expect(JSON.parse((await cli(['--json', 'decisions', '--limit', '1'])).stdout).decisions).toHaveLength(1);
    const audit = await cli(['audit', '--limit', '3']);
    expect(audit.stdout.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/ {2}test-admin {2}POST \/sim\/regions\/mars-1\/outage {2}400/),
      expect.stringMatching(/ {2}test-admin {2}POST \/sim\/regions\/us-east-1\/heal {2}200$/),
      expect.stringMatching(/ {2}test-admin {2}POST \/sim\/regions\/us-east-1\/outage {2}200 {2}\{"mode":"http503"\}$/),
    ]);
    const bad = await cli(['audit', '--limit', '0']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("'--limit <n>' argument '0' is invalid")]);
  });

  it('drill abort: a game day in progress is aborted (its fault healed); an unknown drill is exit 2', async () => {
    const started = await cli(['--json', 'drill', '--mode', 'game-day']);
    const drillId = (JSON.parse(started.stdout) as { drill: { id: string } }).drill.id;
    await h.clock.advance(2_000);
    const aborted = await cli(['drill', 'abort', drillId, '--reason', 'pager went off']);
    expect(aborted.code).toBe(0);
    expect(aborted.stdout).toContain(`drill ${drillId} of shop`);
    await h.clock.advance(60_000);
    expect(JSON.parse((await cli(['--json', 'drill', '--id', drillId])).stdout)).toMatchObject({ drill: { status: 'aborted' } });
    const unknown = await cli(['drill', 'abort', 'nope']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('no drill with id nope')]);
  });

  it('a run that fails (a permanent cloud fault) is exit 1 with the reason', async () => {
    h.world.providers.cloud.injectFault({ operation: 'PromoteReadReplica', kind: 'permanent' });
    const running = start(['failover', '--to', 'eu-west-1', '--reason', 'doomed', '--wait', '--no-progress'], {}, { tty: true });
    await drive(running);
    const { code, stdout, stderr } = await running.done;
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).toContain('  promote-standby-database: failed');
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^run run-\S+ failed after \d+\.\d s: failed at promote-standby-database: PromoteReadReplica: AccessDenied \(injected fault\)/);
  });

  it('a second failover while a run holds the application is exit 1, naming the run to follow', async () => {
    const first = await cli(['--json', 'failover', '--to', 'eu-west-1', '--reason', 'first']);
    expect(first.code).toBe(0);
    const runId = JSON.parse(first.stdout).run.id as string;
    const second = await cli(['failover', '--to', 'eu-west-1', '--reason', 'second']);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`error: application shop already has run ${runId} in progress (409); follow it with: failover runs ${runId}\n`);
    const json = await cli(['--json', 'failback', '--reason', 'x']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { exitCode: 1, status: 409, runId } });
  });

  it('a run waiting at the RPO gate: the CLI says so with the approve command; approve lets it finish (exit 0)', async () => {
    h.world.providers.database.setReplicationLag(90);
    const running = start(['failover', '--to', 'eu-west-1', '--reason', 'lagging', '--wait']);
    await drive(running, () => running.stdout().includes('waiting for approval'));
    expect(running.finished()).toBe(false);
    const runId = /^run (run-\S+) started/.exec(running.stdout())![1]!;
    expect(running.stdout()).toContain(`run ${runId} is waiting for approval at check-data-loss-within-rpo (until `);
    expect(running.stdout()).toMatch(/estimated data loss up to 90 s of writes .*RPO 60 s: above the RPO/);
    expect(running.stdout()).toContain(`  to approve: failover approve ${runId} --comment "why"`);
    expect(h.world.providers.cloud.succeeded('PromoteReadReplica')).toEqual([]);

    // The approver role is needed: an operator-only token is refused with exit 2.
    const refused = await cli(['approve', runId, '--by', 'bob'], { FAILOVER_TOKEN: TEST_TOKENS.operator });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/\(403\): .*approver/);

    // Who approved is the token's caller; --by is only noted beside it.
    const approved = await cli(['approve', runId, '--by', 'alice', '--comment', 'accepting 90 s']);
    expect(approved).toMatchObject({ code: 0, stdout: `run ${runId}: approved by test-admin; follow it with: failover runs ${runId}\n` });
    await drive(running);
    const { code, stdout } = await running.done;
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').at(-1)).toMatch(/succeeded after .*: shop now runs in eu-west-1/);
    expect((await h.store.getRun(runId))!.approvals).toMatchObject([{ decision: 'approved', by: 'test-admin', statedBy: 'alice', comment: 'accepting 90 s' }]);
    // Nothing waits any more: a second answer is refused (409, exit 1); --by may be left out.
    expect((await cli(['approve', runId])).code).toBe(1);
  });

  it('approve --reject ends the waiting run as failed (exit 1 for the waiting CLI), nothing promoted', async () => {
    h.world.providers.database.setReplicationLag(90);
    const running = start(['failover', '--to', 'eu-west-1', '--reason', 'lagging', '--wait']);
    await drive(running, () => running.stdout().includes('waiting for approval'));
    const runId = /^run (run-\S+) started/.exec(running.stdout())![1]!;
    expect((await cli(['approve', runId, '--reject', '--comment', 'too much loss'])).code).toBe(0);
    await drive(running);
    const { code, stdout } = await running.done;
    expect(code).toBe(1);
    expect(stdout).toMatch(/failed after .*rejected by test-admin: too much loss/);
    expect(h.world.providers.cloud.succeeded('PromoteReadReplica')).toEqual([]);
  });

  it('cancel --rollback stops the run and follows it: a promotion cannot be undone, so the rollback is incomplete, said by both CLIs (exit 1)', async () => {
    const running = start(['failover', '--to', 'eu-west-1', '--reason', 'oops', '--wait']);
    await drive(running, () => running.stdout().includes('scale-up-standby-compute: running'));
    const runId = /^run (run-\S+) started/.exec(running.stdout())![1]!;
    const cancelling = start(['cancel', runId, '--by', 'carol', '--rollback', '--comment', 'wrong region']);
    await drive(cancelling);
    const cancelled = await cancelling.done;
    expect(cancelled.code).toBe(1);
    const lines = cancelled.stdout.trim().split('\n');
    expect(lines[0]).toBe(`run ${runId}: cancel requested: the run stops at its next step boundary, then roll back (by test-admin)`);
    const outcome = lines.slice(lines.findIndex((l) => l.startsWith(`run ${runId} was cancelled`)));
    expect(outcome[0]).toMatch(new RegExp(`^run ${runId} was cancelled after .* by test-admin, but its rollback is incomplete: wrong region$`));
    expect(outcome).toContain('    not undone: promote-standby-database: promote-standby-database cannot be undone');
    expect(outcome).toContain('    undone: scale-up-standby-compute');
    // Performed checks read as "already done", never "skipped".
    expect(cancelled.stdout).toContain('  check-data-loss-within-rpo: already done: no approval needed: ');
    expect(cancelled.stdout).not.toContain('skipped');
    expect((await h.store.getRun(runId))!.rollback).toMatchObject({ outcome: 'partial', undone: ['scale-up-standby-compute'] });
    await drive(running);
    const { code, stdout } = await running.done;
    expect(code).toBe(1);
    expect(stdout).toContain(`run ${runId} was cancelled after`);
    expect(stdout).toContain('  ROLLBACK INCOMPLETE: 3 step(s) not undone; what they did stands');
    expect((await h.store.getRun(runId))!.cancelRequested).toMatchObject({ by: 'test-admin', statedBy: 'carol' });
    expect((await worldLayout(h)).dnsRegion).toBe('us-east-1');
    // An ended run cannot be cancelled: 409, exit 1; an unknown one: 404, exit 2.
    expect((await cli(['cancel', runId, '--by', 'carol'])).code).toBe(1);
    const unknown = await cli(['cancel', 'run-nope', '--by', 'carol']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: no run with id run-nope (404)\n');
  });

  it('cancel --rollback at an approval gate: everything undone is exit 0; a compensation that fails is exit 1, named with its error', async () => {
    // Lag above the RPO: the run (forced past the pre-flight gate) waits for approval, only the scale-up done.
    h.world.providers.database.setReplicationLag(90);
    const first = start(['failover', '--to', 'eu-west-1', '--reason', 'lagging', '--force', '--wait']);
    await drive(first, () => first.stdout().includes('waiting for approval') && first.stdout().includes('scale-up-standby-compute: succeeded'));
    const firstId = /^run (run-\S+) started/.exec(first.stdout())![1]!;
    const clean = start(['cancel', firstId, '--rollback']);
    await drive(clean);
    const undone = await clean.done;
    expect(undone.code).toBe(0);
    expect(undone.stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`^run ${firstId} was cancelled after .* by test-admin, and rolled back$`));
    await drive(first);
    expect((await first.done).code).toBe(1);

    const second = start(['failover', '--to', 'eu-west-1', '--reason', 'lagging again', '--force', '--wait']);
    await drive(second, () => second.stdout().includes('waiting for approval') && second.stdout().includes('scale-up-standby-compute: succeeded'));
    const secondId = /^run (run-\S+) started/.exec(second.stdout())![1]!;
    h.world.providers.cloud.injectFault({ operation: 'UpdateAutoScalingGroup', kind: 'permanent' });
    const stuck = start(['--json', 'cancel', secondId, '--rollback', '--comment', 'stop']);
    await drive(stuck);
    const failed = await stuck.done;
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      runId: secondId,
      run: { status: 'cancelled', rollback: { outcome: 'failed', undone: [], notUndone: [{ step: 'scale-up-standby-compute', error: expect.stringContaining('AccessDenied') }] } },
    });
    await drive(second);
    const followed = await second.done;
    expect(followed.code).toBe(1);
    expect(followed.stdout).toContain('but its rollback is a failure: stop\n  ROLLBACK FAILED: 1 step(s) not undone; what they did stands\n    not undone: scale-up-standby-compute: UpdateAutoScalingGroup: AccessDenied (injected fault)');
    h.world.providers.cloud.clearFault();

    // --no-wait only asks, as before.
    const third = start(['failover', '--to', 'eu-west-1', '--reason', 'once more', '--force', '--wait']);
    await drive(third, () => third.stdout().includes('waiting for approval'));
    const thirdId = /^run (run-\S+) started/.exec(third.stdout())![1]!;
    expect(await cli(['cancel', thirdId, '--rollback', '--no-wait'])).toMatchObject({
      code: 0,
      stdout: `run ${thirdId}: cancel requested: the run stops at its next step boundary, then roll back (by test-admin); follow it with: failover runs ${thirdId}\n`,
    });
    await drive(third);
    expect((await third.done).code).toBe(1);
  });

  it('a wrong token is exit 2 with the API message and what to do; a viewer may read but not fail over', async () => {
    const wrong = await cli(['status'], { FAILOVER_TOKEN: 'not-a-token-anyone-issued' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^error: the API refused the request \(401\): .*; the token given by FAILOVER_TOKEN is not one the API knows\n$/);
    const none = await cli(['status'], { FAILOVER_TOKEN: undefined });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no token was sent: pass --token or set FAILOVER_TOKEN');
    expect((await cli(['status'], { FAILOVER_TOKEN: TEST_TOKENS.viewer })).code).toBe(0);
    const viewer = await cli(['failover', '--to', 'eu-west-1', '--reason', 'x'], { FAILOVER_TOKEN: TEST_TOKENS.viewer });
    expect(viewer.code).toBe(2);
    expect(viewer.stderr).toMatch(/\(403\): .*operator/);
    expect(await runsOldestFirst(h)).toEqual([]);
  });

  it('on loopback without FAILOVER_TOKEN, reads the token local mode wrote into FAILOVER_STATE_DIR', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'failover-state-'));
    await writeFile(join(stateDir, 'api-token'), `${TEST_TOKENS.viewer}\n`, { mode: 0o600 });
    const { code } = await cli(['status'], { FAILOVER_TOKEN: undefined, FAILOVER_STATE_DIR: stateDir });
    expect(code).toBe(0);
  });

  it('bad input the API refuses is exit 2 naming the field, and nothing changes', async () => {
    const { code, stderr } = await cli(['failover', '--to', 'mars-north-1', '--reason', 'x']);
    expect(code).toBe(2);
    expect(stderr).toBe('error: to: unknown region "mars-north-1" for shop; its regions are us-east-1, eu-west-1 (400)\n');
    expect(await runsOldestFirst(h)).toEqual([]);
  });

  it('an API that is not there is exit 1: cannot reach it', async () => {
    const closed = await freePort();
    const { code, stderr } = await cli(['status', '--url', `http://127.0.0.1:${closed}`]);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^error: cannot reach the API at http://127.0.0.1:${closed}: connection refused`));
  });

  it('validate: a good config is exit 0 with a summary; a bad one exit 2 naming each field; no API needed', async () => {
    const good = await cli(['validate', join(root, 'examples/failover.yaml')], { FAILOVER_URL: 'http://127.0.0.1:9' });
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/failover\.yaml: valid: provider sim, 1 application: shop \(us-east-1 primary, eu-west-1\)\n$/);
    await writeFile(join(cwd, 'bad.yaml'), 'applications:\n  - name: shop\n    policy: { fallThreshold: zero }\n    regions: []\n');
    const bad = await cli(['validate', 'bad.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: bad.yaml: 2 problems:\n');
    expect(bad.stderr).toContain('  applications[0].policy.fallThreshold: ');
    expect(bad.stderr).toContain('  applications[0].regions: ');
    const json = await cli(['--json', 'validate', 'bad.yaml']);
    expect(JSON.parse(json.stdout).error).toMatchObject({ valid: false, source: 'bad.yaml', issues: expect.arrayContaining([expect.objectContaining({ path: 'applications[0].policy.fallThreshold' })]) });
  });

  it('bad usage is exit 2 before anything is sent', async () => {
    expect((await cli(['unknown-command'])).code).toBe(2);
    expect((await cli(['failover', '--to', 'eu-west-1'])).code).toBe(2);
    expect((await cli(['status', '--no-such-option'])).code).toBe(2);
    expect(await runsOldestFirst(h)).toEqual([]);
  });
});
