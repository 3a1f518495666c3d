import { describe, expect, it } from 'vitest';
import { renderLoginPage } from '../../../../src/api/pages/login-page.js';
import { decisionHeld, renderStatusPage, rollbackSentence, type StatusPageModel } from '../../../../src/api/pages/status-page.js';
import type { AppStatus, RegionStatus } from '../../../../src/controller/status-view.js';
import { bucketRounds, historySpan } from '../../../../src/controller/region-history.js';
import type { RunRecord } from '../../../../src/runbook/run.js';
import { runFixture } from '../../../support/run-fixture.js';

const NOW = Date.UTC(2026, 10, 24, 12, 30, 0);
const HOSTILE = '<script>alert("x")</script>';

function region(name: string, overrides: Partial<RegionStatus> = {}): RegionStatus {
  return {
    name,
    role: 'standby',
    preference: 1,
    state: 'healthy',
    since: NOW - 600_000,
    consecutiveFailures: 0,
    consecutiveSuccesses: 10,
    summary: '1/1 probes ok',
    sentence: `${name} (standby) is healthy since 12:20:00Z: 1/1 probes ok`,
    lastResults: [],
    ...overrides,
  };
}

function app(overrides: Partial<AppStatus> = {}): AppStatus {
  return {
    name: 'shop',
    primaryRegion: 'us-east-1',
    activeRegion: 'us-east-1',
    decision: { action: 'hold', reason: 'all regions healthy', at: NOW },
    regions: [region('us-east-1', { role: 'active', preference: 0 }), region('eu-west-1')],
    ...overrides,
  };
}

function model(apps: AppStatus[], overrides: Partial<StatusPageModel> = {}): StatusPageModel {
  const span = historySpan('1h', NOW);
  return {
    status: { provider: 'sim', vantage: 'local', now: NOW, applications: apps },
    history: {
      window: '1h',
      bucketSeconds: 60,
      from: span.from,
      to: span.from + 60 * span.bucketMs,
      applications: apps.map((a) => ({
        app: a.name,
        regions: a.regions.map((r) => ({ region: r.name, buckets: bucketRounds([{ at: NOW - 60_000, ok: true }, { at: NOW, ok: r.name !== 'us-east-1' }], span) })),
      })),
    },
    approvals: [],
    decisions: {},
    caller: { name: 'test-viewer', via: 'cookie' },
    apiUrl: 'http://127.0.0.1:8080',
    ...overrides,
  };
}

const failoverRun: RunRecord = runFixture({
  id: 'run-7',
  reason: 'us-east-1 (active) is unhealthy',
  createdAt: NOW - 12_000,
  steps: [
    { id: 'check-data-loss-within-rpo', title: 'Check the data loss estimate', status: 'skipped', startedAt: NOW - 12_000, finishedAt: NOW - 11_900, message: 'no approval needed' },
    { id: 'promote-standby-database', title: 'Promote the standby database replica', status: 'succeeded', startedAt: NOW - 11_900, finishedAt: NOW - 6_000 },
    { id: 'scale-up-standby-compute', title: 'Scale the standby Auto Scaling group', status: 'succeeded', startedAt: NOW - 12_000, finishedAt: NOW - 9_000 },
    { id: 'switch-dns-to-standby', title: 'Point DNS at the standby region', status: 'running', startedAt: NOW - 6_000 },
    { id: 'verify-application-in-standby', title: 'Check that the application answers', status: 'pending' },
  ],
});

/** The page obeys the CSP (`script-src 'self'; style-src 'self'`): no inline script, handler or style. */
function expectNoInlineCode(page: string): void {
  expect(page).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
  expect(page).not.toMatch(/<style/i);
  expect(page).not.toMatch(/<[^>]*\sstyle=/i);
  expect(page).not.toMatch(/<[^>]*\son[a-z]+=/i);
}

describe('status page rendering', () => {
  it('shows every region, the active one, the latest decision and each region’s last hour', () => {
    const page = renderStatusPage(model([app()]));
    expect(page).toContain('<strong data-field="active-region">us-east-1</strong>');
    expect(page).toContain('<tr data-region="us-east-1" class="role-active">');
    expect(page).toContain('<tr data-region="eu-west-1" class="role-standby">');
    expect(page).toContain('<span class="action action-hold">hold</span> all regions healthy');
    // The minute before now was fine in both regions; the current minute failed in us-east-1.
    expect(page).toContain('<span class="cell cell-ok" title="12:29Z: 1 ok"></span><span class="cell cell-failed" title="12:30Z: 0 ok, 1 failed"></span>');
    expect(page).toContain('<span class="cell cell-ok" title="12:30Z: 1 ok"></span>');
    expect(page.match(/class="cell /g)).toHaveLength(120);
    expect(page).toContain('signed in as test-viewer');
    expectNoInlineCode(page);
  });

  it('escapes hostile application and region names, reasons and run texts everywhere', () => {
    const hostileRun: RunRecord = { ...failoverRun, app: HOSTILE, reason: HOSTILE, error: HOSTILE, steps: [{ id: 'x', title: HOSTILE, status: 'failed', message: `"'><img src=x onerror=alert(1)>` }] };
    const page = renderStatusPage(
      model([app({ name: HOSTILE, activeRegion: `"><marquee>`, decision: { action: 'hold', reason: HOSTILE, at: NOW }, regions: [region(`a"b<i>`, { sentence: HOSTILE })], currentRun: hostileRun })], {
        decisions: { [HOSTILE]: [{ app: HOSTILE, action: 'hold', attention: true, reason: HOSTILE, at: NOW }] },
        approvals: [{ app: HOSTILE, runId: 'run-7', kind: 'failover', from: 'a', to: 'b', stepId: 'gate', stepTitle: HOSTILE, reason: HOSTILE, requestedAt: NOW }],
        caller: { name: HOSTILE, via: 'cookie' },
      }),
    );
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain("<marquee>");
    expect(page).not.toContain('<i>');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).toContain('data-app="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"');
    expect(page).toContain('data-region="a&quot;b&lt;i&gt;"');
    expectNoInlineCode(page);
  });

  it('shows a run’s live progress: steps done of all, each step’s status and time', () => {
    const page = renderStatusPage(model([app({ currentRun: failoverRun })]));
    expect(page).toContain('<h3 data-field="run-heading">Current run</h3>');
    expect(page).toContain('<progress max="5" value="3"></progress> <span data-field="run-progress">3 of 5 steps done</span>');
    expect(page).toContain('<li class="step step-running" data-step="switch-dns-to-standby"><span class="step-status">running</span> <span class="step-title">Point DNS at the standby region</span> <span class="step-time muted">6.0 s</span>');
    expect(page).toContain('<li class="step step-succeeded" data-step="promote-standby-database"><span class="step-status">succeeded</span> <span class="step-title">Promote the standby database replica</span> <span class="step-time muted">5.9 s</span>');
    expect(page).toContain('<span class="step-status">pending</span> <span class="step-title">Check that the application answers</span> <span class="step-time muted"></span>');
    expect(page).toContain('<span class="status status-running" data-field="run-status">running</span>');

    const finished = renderStatusPage(model([app({ activeRegion: 'eu-west-1', lastRun: { ...failoverRun, status: 'succeeded', finishedAt: NOW - 1_000 } })]));
    expect(finished).toContain('<h3 data-field="run-heading">Last run</h3>');
    expect(finished).toContain('took 11.0 s');
    expect(finished).toContain('(the primary is us-east-1)');
  });

  it('shows a pending approval with its prompt and the commands that answer it', () => {
    const page = renderStatusPage(
      model([app({ currentRun: failoverRun })], {
        approvals: [
          {
            app: 'shop',
            runId: 'run-7',
            kind: 'failover',
            from: 'us-east-1',
            to: 'eu-west-1',
            stepId: 'check-data-loss-within-rpo',
            stepTitle: 'Check the data loss estimate',
            reason: 'promotion of rds:shop-db needs approval: estimated data loss up to 90 s of writes; RPO 30 s: above the RPO',
            requestedAt: NOW - 60_000,
            deadline: NOW + 1_740_000,
            onTimeout: 'fail',
          },
        ],
      }),
    );
    expect(page).toContain('<h3>Waiting for approval</h3>');
    expect(page).toContain('<p class="approval-reason">promotion of rds:shop-db needs approval: estimated data loss up to 90 s of writes; RPO 30 s: above the RPO</p>');
    expect(page).toContain('since 12:29:00Z; fails without an answer at 12:59:00Z.');
    expect(page).toContain('FAILOVER_URL=http://127.0.0.1:8080 failover approve run-7 --step check-data-loss-within-rpo --comment &quot;why&quot;');
    expect(page).toContain('failover approve run-7 --step check-data-loss-within-rpo --reject');
    expect(page).toContain('curl -X POST http://127.0.0.1:8080/runs/run-7/approve -H &quot;Authorization: Bearer $FAILOVER_TOKEN&quot;');
    // Nothing on the page approves by itself: the cookie may only read.
    expect(page).not.toMatch(/<form[^>]*action="\/runs/);
  });

  it('shows availability per window with the error budget left, or says it is not measured yet', () => {
    const measured = renderStatusPage(
      model([
        app({
          availability: {
            targetPercent: 99.95,
            windows: [
              { window: '24h', measuredMs: 86_400_000, downMs: 120_000, availabilityPercent: 99.8611, targetPercent: 99.95, allowedDownMs: 43_200, budgetLeftMs: -76_800, budgetLeftPercent: -177.77, met: false },
              { window: '30d', measuredMs: 2_592_000_000, downMs: 120_000, availabilityPercent: 99.9953, targetPercent: 99.95, allowedDownMs: 1_296_000, budgetLeftMs: 1_176_000, budgetLeftPercent: 90.74, met: true },
            ],
          },
        }),
      ]),
    );
    expect(measured).toContain('<tr class="missed" data-window="24h"><th scope="row">24h</th><td>99.8611 %</td><td>99.95 %</td><td>2 min 00 s of 43.2 s allowed</td><td>none: over by 1 min 17 s</td></tr>');
    expect(measured).toContain('<tr class="met" data-window="30d"><th scope="row">30d</th><td>99.9953 %</td><td>99.95 %</td><td>2 min 00 s of 21 min 36 s allowed</td><td>19 min 36 s (90.74 %)</td></tr>');
    expect(renderStatusPage(model([app()]))).toContain('<p class="muted">Not measured yet.</p>');
  });

  it('lists recent decisions with their reasons, newest first as given', () => {
    const page = renderStatusPage(
      model([app()], {
        decisions: {
          shop: [
            { app: 'shop', action: 'failover', from: 'us-east-1', to: 'eu-west-1', outageStartedAt: NOW - 20_000, reason: 'us-east-1 lost: failing over', at: NOW - 10_000, rto: { outageStartedAt: NOW - 20_000, detectedAt: NOW - 10_000, rtoSeconds: 300, summary: 's' } },
            { app: 'shop', action: 'hold', attention: false, reason: 'all regions healthy', at: NOW - 600_000 },
          ],
        },
      }),
    );
    const list = page.slice(page.indexOf('data-field="decisions"'));
    expect(list.indexOf('us-east-1 lost: failing over')).toBeLessThan(list.indexOf('all regions healthy'));
    expect(list).toContain('<time>2026-11-24 12:29:50Z</time> <span class="action action-failover">failover</span> us-east-1 lost: failing over</li>');
  });

  it('shows how many rounds a decision held and its last round, on the one entry it keeps', () => {
    const page = renderStatusPage(
      model([app()], {
        decisions: {
          shop: [
            { app: 'shop', action: 'hold', attention: true, reason: 'us-east-1 unhealthy for 103 rounds; automatic failover is off', at: NOW - 500_000, count: 100, lastAt: NOW - 5_000 },
            { app: 'shop', action: 'hold', attention: false, reason: 'all regions healthy', at: NOW - 600_000, count: 1, lastAt: NOW - 600_000 },
          ],
        },
      }),
    );
    const list = page.slice(page.indexOf('data-field="decisions"'));
    expect(list).toContain(
      '<li><time>2026-11-24 12:21:40Z</time> <span class="action action-hold attention">hold</span> us-east-1 unhealthy for 103 rounds; automatic failover is off <span class="held muted">held 100 rounds, last at 12:29:55Z</span></li>',
    );
    expect(list).toContain('<span class="action action-hold">hold</span> all regions healthy</li>');
    expect(decisionHeld({})).toBe('');
  });

  it('labels a step whose goal already held "already done", not "skipped", and shows a polling step\'s last observation', () => {
    const run: RunRecord = {
      ...failoverRun,
      steps: [
        { id: 'promote-standby-database', title: 'Promote the standby database replica', status: 'skipped', startedAt: NOW - 12_000, finishedAt: NOW - 11_900, message: 'already done: writer (available)' },
        { id: 'verify-application-in-standby', title: 'Check that the application answers', status: 'running', startedAt: NOW - 6_000, lastObservation: { at: NOW - 1_000, text: '1/1 probes failing (HTTP 503); wanted: 1/1 probes ok' } },
      ],
    };
    const page = renderStatusPage(model([app({ currentRun: run })]));
    expect(page).toContain('<li class="step step-skipped" data-step="promote-standby-database"><span class="step-status">already done</span> <span class="step-title">Promote the standby database replica</span> <span class="step-time muted">100 ms</span><div class="step-message">writer (available)</div></li>');
    expect(page).toContain('<div class="step-observation">last seen at 12:29:59Z: 1/1 probes failing (HTTP 503); wanted: 1/1 probes ok</div>');
    expect(page).not.toContain('>skipped<');
  });

  it('says what a rollback really did: on the run, and on each step undone or not', () => {
    const run: RunRecord = {
      ...failoverRun,
      status: 'cancelled',
      finishedAt: NOW,
      steps: failoverRun.steps.map((s) => (s.status === 'running' || s.status === 'pending' ? s : { ...s, status: 'succeeded' as const })),
      cancelRequested: { by: 'carol', at: NOW - 3_000, rollback: true },
      rollback: { outcome: 'partial', undone: ['scale-up-standby-compute'], notUndone: [{ step: 'promote-standby-database', error: 'promote-standby-database cannot be undone' }] },
    };
    const page = renderStatusPage(model([app({ lastRun: run })]));
    expect(page).toContain(
      '<p class="run-rollback rollback-partial" role="alert">Rollback incomplete: undone scale-up-standby-compute; not undone: promote-standby-database (promote-standby-database cannot be undone). What was not undone stands: check the world before anything else.</p>',
    );
    expect(page).toContain('<div class="step-rollback">undone by the rollback</div>');
    expect(page).toContain('<div class="step-rollback">not undone by the rollback: promote-standby-database cannot be undone</div>');
    const complete = renderStatusPage(model([app({ lastRun: { ...run, rollback: { outcome: 'complete', undone: ['scale-up-standby-compute'], notUndone: [] } } })]));
    expect(complete).toContain('<p class="run-rollback rollback-complete">Rolled back: undone scale-up-standby-compute.</p>');
    expect(rollbackSentence({ outcome: 'failed', undone: [], notUndone: [{ step: 'a', error: 'AccessDenied' }] })).toBe('Rollback failed: nothing undone; not undone: a (AccessDenied). What was not undone stands: check the world before anything else.');
  });
});

describe('login page', () => {
  it('is a form posting the token to /login, with the notice asked for and no inline code', () => {
    const page = renderLoginPage('wrong-token');
    expect(page).toContain('<form method="post" action="/login" class="login-form">');
    expect(page).toContain('<input id="token" name="token" type="password"');
    expect(page).toContain('That token is not one of the configured tokens');
    expect(renderLoginPage()).not.toContain('role="alert"');
    expectNoInlineCode(page);
  });
});
