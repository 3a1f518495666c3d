import type { FastifyInstance } from 'fastify';
import { harnessWithApi } from '../../../support/harness-api.js';
import { describe, expect, it } from 'vitest';
import { Script } from 'node:vm';
import { ASSETS, assetUrl } from '../../../../src/api/assets/assets.js';
import type { HistoryReport } from '../../../../src/controller/region-history.js';
import { bearer, TEST_TOKENS } from '../../../support/auth.js';
import type { Harness } from '../../../support/harness.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('status page routes', () => {
  let h: Harness;
  let api: FastifyInstance;
  harnessWithApi((started) => ({ h, api } = started));

  /** The cookie of a signed-in browser (sessions themselves: test/component/api-sessions.test.ts). */
  async function session(role: 'viewer' | 'admin' = 'viewer'): Promise<{ failover_session: string }> {
    const res = await api.inject({ method: 'POST', url: '/login', headers: FORM, payload: `token=${TEST_TOKENS[role]}` });
    return { failover_session: res.cookies.find((c) => c.name === 'failover_session')!.value };
  }

  it('GET / without a session sends the browser to the sign-in form; with a stale one, says so', async () => {
    const anonymous = await api.inject({ method: 'GET', url: '/' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/login');
    const stale = await api.inject({ method: 'GET', url: '/', cookies: { failover_session: 'not-a-session' } });
    expect(stale.headers.location).toBe('/login?from=expired');
    const login = await api.inject({ method: 'GET', url: '/login?from=expired' });
    expect(login.statusCode).toBe(200);
    expect(login.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(login.body).toContain('<form method="post" action="/login"');
    expect(login.body).toContain('Your session has ended');
  });

  it('POST /login with a configured token sets an HttpOnly, SameSite=Strict session cookie and goes to /; Secure behind https', async () => {
    const res = await api.inject({ method: 'POST', url: '/login', headers: FORM, payload: `token=${TEST_TOKENS.viewer}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(res.headers['set-cookie']).toMatch(/^failover_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    const https = await api.inject({ method: 'POST', url: '/login', headers: { ...FORM, 'x-forwarded-proto': 'https' }, payload: `token=${TEST_TOKENS.viewer}` });
    expect(https.headers['set-cookie']).toMatch(/^failover_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
  });

  it('POST /login with a wrong token is a 401 with the form again and no cookie; a malformed form is a 400', async () => {
    const res = await api.inject({ method: 'POST', url: '/login', headers: FORM, payload: 'token=guess' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain('That token is not one of the configured tokens');
    expect(res.body).toContain('<input id="token" name="token" type="password"');
    for (const payload of ['token=a&token=b', 'token=', `token=${TEST_TOKENS.viewer}&admin=1`, '__proto__=x']) {
      const bad = await api.inject({ method: 'POST', url: '/login', headers: FORM, payload });
      expect(bad.statusCode, payload).toBe(400);
      expect(bad.headers['set-cookie']).toBeUndefined();
    }
  });

  it('GET / with the session cookie (or a bearer token) renders both regions and the active one', async () => {
    await h.controller.tick();
    for (const request of [{ cookies: await session() }, { headers: bearer('viewer') }]) {
      const res = await api.inject({ method: 'GET', url: '/', ...request });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toContain('<tr data-region="us-east-1" class="role-active">');
      expect(res.body).toContain('<tr data-region="eu-west-1" class="role-standby">');
      expect(res.body).toContain('<strong data-field="active-region">us-east-1</strong>');
      expect(res.body).toContain(`<script src="${assetUrl('status.js')}" defer></script>`);
    }
    // Signed in already: the sign-in form is skipped.
    expect((await api.inject({ method: 'GET', url: '/login', cookies: await session() })).headers.location).toBe('/');
  });

  it('POST /logout clears the cookie and shows the form', async () => {
    const res = await api.inject({ method: 'POST', url: '/logout', headers: FORM, cookies: await session() });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?from=signed-out');
    expect(res.headers['set-cookie']).toMatch(/^failover_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/);
  });

  it('serves the script and stylesheet to anyone, long-cached when versioned, revalidated otherwise', async () => {
    const versioned = await api.inject({ method: 'GET', url: assetUrl('status.js') });
    expect(versioned.statusCode).toBe(200);
    expect(versioned.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(versioned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const plain = await api.inject({ method: 'GET', url: '/assets/status.css' });
    expect(plain.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('no-cache');
    const again = await api.inject({ method: 'GET', url: '/assets/status.css', headers: { 'if-none-match': String(plain.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await api.inject({ method: 'GET', url: '/assets/other.js' })).statusCode).toBe(400);
  });

  it('GET /status/history needs a viewer, and shows per minute which rounds passed and which failed', async () => {
    expect((await api.inject({ method: 'GET', url: '/status/history' })).statusCode).toBe(401);
    h.controller.start();
    await h.clock.advance(60_000);
    await h.world.outage('eu-west-1');
    await h.clock.advance(60_000);
    const res = await api.inject({ method: 'GET', url: '/status/history?app=shop&window=1h', cookies: await session() });
    expect(res.statusCode).toBe(200);
    const report = res.json() as HistoryReport;
    expect(report).toMatchObject({ window: '1h', bucketSeconds: 60 });
    const [use1, euw1] = report.applications[0]!.regions;
    // Rounds every 5 s from 12:00:00; the outage starts right after the 12:01:00 round; now is 12:02:00.
    expect(use1!.buckets.slice(-3).map((b) => [b.state, b.ok, b.failed])).toEqual([
      ['ok', 12, 0],
      ['ok', 12, 0],
      ['ok', 1, 0],
    ]);
    expect(euw1!.buckets.slice(-3).map((b) => [b.state, b.ok, b.failed])).toEqual([
      ['ok', 12, 0],
      ['mixed', 1, 11],
      ['failed', 0, 1],
    ]);
    expect(euw1!.buckets.slice(0, -3).every((b) => b.state === 'none')).toBe(true);
    expect((await api.inject({ method: 'GET', url: '/status/history?app=nope', cookies: await session() })).statusCode).toBe(400);
    expect((await api.inject({ method: 'GET', url: '/status/history?window=2d', cookies: await session() })).statusCode).toBe(400);
  });

  it('a run waiting at the RPO gate: /status/approvals and the page show its prompt and the approve command', async () => {
    h.controller.start();
    await h.clock.advance(60_000);
    h.world.providers.database.setReplicationLag(90);
    await h.world.outage('us-east-1');
    await h.clock.advance(2 * 60_000);
    const res = await api.inject({ method: 'GET', url: '/status/approvals', cookies: await session() });
    expect(res.statusCode).toBe(200);
    const [approval] = res.json().approvals;
    expect(approval).toMatchObject({ app: 'shop', kind: 'failover', from: 'us-east-1', to: 'eu-west-1', stepId: 'check-data-loss-within-rpo', onTimeout: 'fail' });
    expect(approval.reason).toMatch(/estimated data loss up to 90 s of writes .*RPO 60 s: above the RPO/);
    const page = await api.inject({ method: 'GET', url: '/', cookies: await session() });
    expect(page.body).toContain('<h3>Waiting for approval</h3>');
    expect(page.body).toContain(`failover approve ${approval.runId} --step check-data-loss-within-rpo --comment`);
    expect(page.body).toContain('<h3 data-field="run-heading">Current run</h3>');
    expect(page.body).toContain('<li class="step step-running" data-step="check-data-loss-within-rpo">');
    // Approving takes a bearer token: the session cookie cannot.
    const byCookie = await api.inject({ method: 'POST', url: `/runs/${approval.runId}/approve`, cookies: await session('admin'), payload: { by: 'alice' } });
    expect(byCookie.statusCode).toBe(401);
  });
});

describe('page assets', () => {
  it('the status script is valid JavaScript and puts data in the page as text only', () => {
    expect(() => new Script(ASSETS['status.js']!.body)).not.toThrow();
    expect(ASSETS['status.js']!.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect(ASSETS['status.js']!.body).toContain("credentials: 'same-origin'");
  });
});
