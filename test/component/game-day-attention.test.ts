import { describe, expect, it } from 'vitest';
import { formatDrill } from '../../src/cli/format.js';
import type { DrillRecord, DrillReport } from '../../src/drills/drill.js';
import { bearer } from '../support/auth.js';
import { gameDay, ORIGINAL_LAYOUT } from '../support/game-day.js';
import type { Harness } from '../support/harness.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';

/** A game day whose run stopped half way: the report says loudly when, and only when, an operator must settle the layout. */

describe('game-day attention in the simulated world (simulated time)', () => {
  let h: Harness;
  const day = gameDay();
  const { inject, post, drillOf, untilEnded } = day;
  const ready = async (policy?: { automaticFailover?: boolean }) => {
    h = await day.start(policy);
  };

  it('says loudly, in JSON and on the page, that an operator must settle the layout a failover run left half way', async () => {
    await ready();
    // DNS cannot be changed: the run promotes the standby's database, scales it up, then stops at the DNS switch.
    h.world.providers.cloud.injectFault({ operation: 'ChangeResourceRecordSets', kind: 'permanent' });
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    expect(await untilEnded(drill.id)).toBe(true);
    h.world.providers.cloud.clearFault();
    const ended = await drillOf(drill.id);
    expect(ended.status).toBe('failed');
    expect(h.world.regions().every((r) => r.mode === 'healthy')).toBe(true);
    const [run] = await runsOldestFirst(h);
    expect(run).toMatchObject({ kind: 'failover', status: 'failed' });

    const report = (await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json() as DrillReport;
    // The layout as the world has it: DNS still on the primary, two writers.
    const layout = await worldLayout(h);
    expect(layout.dnsRegion).toBe('us-east-1');
    expect(layout.regions['eu-west-1']).toMatchObject({ db: 'writer:available' });
    expect(report.attention).toMatchObject({
      run: { id: run!.id, kind: 'failover', status: 'failed', from: 'us-east-1', to: 'eu-west-1', failedStep: { id: 'switch-dns-to-standby', status: 'failed' } },
      layout: {
        dnsRegion: 'us-east-1',
        databases: [
          { region: 'us-east-1', role: 'writer' },
          { region: 'eu-west-1', role: 'writer' },
        ],
      },
    });
    expect(report.attention!.run.failedStep!.message).toMatch(/ChangeResourceRecordSets/);
    expect(report.attention!.summary).toMatch(new RegExp(`^Operator action needed: the failover run ${run!.id} failed at step switch-dns-to-standby \\(.*\\) and may have left shop half way between us-east-1 and eu-west-1\\. DNS points at us-east-1; databases: us-east-1 writer, eu-west-1 writer \\(2 writers\\)\\.$`));
    expect(report.attention!.actions).toEqual([
      `Read what the run did and did not do: GET /runs/${run!.id}. It changed, and did not undo: scale-up-standby-compute, fence-epoch-to-standby, fence-old-writer, promote-standby-database.`,
      'us-east-1 and eu-west-1 both accept writes and no longer replicate: make sure writes go to one of them only (DNS sends traffic to us-east-1).',
      `Settle the layout: finish the failover (POST /failover with {"app":"shop","to":"eu-west-1","reason":"finish the failover run ${run!.id} that game day ${drill.id} left half way"}; each step first checks whether its goal already holds) or put us-east-1 back as it was by hand. Nothing repairs it automatically.`,
    ]);
    expect(report.verdict).toMatch(/^failed: the failover run \S+ failed: .*; the application needs an operator \(see attention\)$/);

    const page = (await inject({ method: 'GET', url: `/drills/${drill.id}/report?format=html` })).body;
    expect(page).toContain('<section class="attention" role="alert" aria-labelledby="attention-title">');
    expect(page).toContain('<h2 id="attention-title">Operator action needed</h2>');
    expect(page).toContain('<dt>DNS points at</dt><dd>us-east-1</dd>');
    expect(page).toContain('<span class="window">eu-west-1: <strong>writer</strong>, available</span>');
    expect(page).toContain('<dt>Failed step</dt><dd><code>switch-dns-to-standby</code>');
    // Said before anything else on the page.
    expect(page.indexOf('Operator action needed')).toBeLessThan(page.indexOf('class="verdict"'));
    // And by the CLI (`failover drill --wait`), right under the verdict, actions numbered.
    const printed = formatDrill(ended, report).split('\n');
    expect(printed.slice(2, 6)).toEqual([`ATTENTION: ${report.attention!.summary}`, ...report.attention!.actions.map((a, i) => `  ${i + 1}. ${a}`)]);
  }, 60_000);

  /** A game day whose failover run waits at the RPO gate (the standby lags 90 s, the RPO is 60 s): the standby's compute is already scaled up. */
  async function failoverAtTheRpoGate(): Promise<{ drill: DrillRecord; runId: string }> {
    h.world.providers.database.setReplicationLag(90);
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    const waiting = async () => {
      const [run] = await runsOldestFirst(h);
      return run !== undefined && (await h.store.readJournal(run.id)).some((e) => e.type === 'approval-requested');
    };
    expect(await h.clock.advanceUntil(waiting, { stepMs: 250, maxMs: 60_000 })).toBe(true);
    const [run] = await runsOldestFirst(h);
    expect(run!.steps.find((s) => s.id === 'scale-up-standby-compute')!.status).not.toBe('pending');
    return { drill, runId: run!.id };
  }

  it('raises no attention when the RPO gate is rejected: nothing was promoted, DNS never moved', async () => {
    await ready();
    const { drill, runId } = await failoverAtTheRpoGate();
    const reject = await inject({ method: 'POST', url: `/runs/${runId}/approve`, payload: { decision: 'reject', comment: 'too much loss for a drill' }, headers: bearer('approver') });
    expect(reject.statusCode, reject.body).toBe(202);
    expect(await untilEnded(drill.id)).toBe(true);
    expect(await h.store.getRun(runId)).toMatchObject({ status: 'failed' });
    expect(h.world.providers.cloud.succeeded('PromoteReadReplica')).toEqual([]);

    const ended = await drillOf(drill.id);
    expect(ended.status).toBe('failed');
    // Read, and clean: one writer, DNS on its region (only the standby's capacity changed).
    expect(ended.endLayout).toMatchObject({ dnsRegion: 'us-east-1', databases: [{ region: 'us-east-1', role: 'writer' }, { region: 'eu-west-1', role: 'replica' }] });
    const report = (await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json() as DrillReport;
    expect(report.attention).toBeUndefined();
    expect(report.verdict).toMatch(/^failed: the failover run \S+ failed: .*rejected by test-approver/);
    expect(report.verdict).not.toContain('needs an operator');
    expect((await inject({ method: 'GET', url: `/drills/${drill.id}/report?format=html` })).body).not.toContain('Operator action needed');
  }, 60_000);

  it('raises no attention when the run is cancelled with a rollback that restored the layout', async () => {
    await ready();
    const { drill, runId } = await failoverAtTheRpoGate();
    const cancel = await post(`/runs/${runId}/cancel`, { rollback: true, comment: 'not today' });
    expect(cancel.statusCode, cancel.body).toBe(202);
    expect(await untilEnded(drill.id)).toBe(true);
    expect(await h.store.getRun(runId)).toMatchObject({ status: 'cancelled' });
    // The scale-up was undone: the layout is the one the drill started from.
    expect((await h.store.readJournal(runId)).filter((e) => e.type.startsWith('compensation')).map((e) => [e.type, e.stepId])).toEqual([
      ['compensation-started', 'scale-up-standby-compute'],
      ['compensation-succeeded', 'scale-up-standby-compute'],
    ]);
    await h.clock.advance(60_000);
    expect(await worldLayout(h)).toEqual(ORIGINAL_LAYOUT);

    const report = (await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json() as DrillReport;
    expect(report).toMatchObject({ status: 'failed', runs: [{ id: runId, status: 'cancelled' }] });
    expect(report.attention).toBeUndefined();
    expect(report.verdict).not.toContain('needs an operator');
  }, 60_000);

  it('follows a run an abort left in flight: the report gains the attention when that run later stops half way, and is frozen again', async () => {
    await ready();
    // DNS cannot be changed: the failover run will stop at the DNS switch, after the abort.
    h.world.providers.cloud.injectFault({ operation: 'ChangeResourceRecordSets', kind: 'permanent' });
    const { drill } = (await post('/drills', { mode: 'game-day' })).json() as { drill: DrillRecord };
    expect(await h.clock.advanceUntil(async () => (await drillOf(drill.id)).stage === 'failing-over', { stepMs: 250, maxMs: 60_000 })).toBe(true);
    const [run] = await runsOldestFirst(h);
    const aborted = await post(`/drills/${drill.id}/abort`, { reason: 'stop the drill' });
    expect(aborted.statusCode, aborted.body).toBe(202);
    expect(aborted.json().runInFlight).toBe(run!.id);

    // While the run runs, the report follows it, and says so.
    const live = (await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json() as DrillReport;
    expect(live).toMatchObject({ status: 'aborted', runs: [{ id: run!.id, status: 'running' }] });
    expect(live.attention).toBeUndefined();
    expect(live.verdict).toContain(`its failover run ${run!.id} is still running (this report follows it until it ends)`);
    expect((await inject({ method: 'GET', url: `/drills/${drill.id}/report?format=html` })).body).toContain('<meta http-equiv="refresh" content="5">');
    const frozenAtAbort = (await drillOf(drill.id)).version;

    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(run!.id))!.status !== 'running', { stepMs: 250, maxMs: 120_000 })).toBe(true);
    h.world.providers.cloud.clearFault();
    expect(await h.store.getRun(run!.id)).toMatchObject({ status: 'failed' });

    const report = (await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json() as DrillReport;
    expect(report).toMatchObject({ status: 'aborted', runs: [{ id: run!.id, status: 'failed' }] });
    expect(report.attention).toMatchObject({ run: { id: run!.id, status: 'failed', failedStep: { id: 'switch-dns-to-standby' } }, layout: { dnsRegion: 'us-east-1' } });
    expect(report.verdict).toMatch(/^aborted by test-operator \(stop the drill\); .*; the application needs an operator \(see attention\)$/);
    expect(report.phases.find((p) => p.id === 'dns-insync')).toMatchObject({ status: 'failed' });
    expect(report.phases.find((p) => p.id === 'database-promotion')).toMatchObject({ status: 'done' });

    // Frozen again once, with the layout the run left: later reads are plain reads of it.
    const settled = await drillOf(drill.id);
    expect(settled.version).toBe(frozenAtAbort + 1);
    expect(settled.report).toEqual(report);
    expect(settled.endLayout).toMatchObject({ dnsRegion: 'us-east-1', databases: [{ role: 'writer' }, { role: 'writer' }] });
    expect((await inject({ method: 'GET', url: `/drills/${drill.id}/report` })).json()).toEqual(report);
    const one = (await inject({ method: 'GET', url: `/drills/${drill.id}` })).json().drill as DrillRecord & { report: DrillReport };
    expect(one.report.attention).toEqual(report.attention);
    expect((await drillOf(drill.id)).version).toBe(settled.version);
    const page = (await inject({ method: 'GET', url: `/drills/${drill.id}/report?format=html` })).body;
    expect(page).toContain('<h2 id="attention-title">Operator action needed</h2>');
    expect(page).not.toContain('http-equiv="refresh"');
  }, 60_000);
});
