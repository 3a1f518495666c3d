import { createHash } from 'node:crypto';
import { harnessWithApi } from '../support/harness-api.js';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/build-app.js';
import { TEST_TOKENS, type TestRole } from '../support/auth.js';
import type { Harness } from '../support/harness.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const TWELVE_HOURS_MS = 12 * 3600_000;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The status page's sign-in sessions: a random id in the cookie, kept hashed in the state store, ended by expiry or sign-out. */
describe('status page sessions', () => {
  let h: Harness;
  let api: FastifyInstance;

  harnessWithApi((started) => ({ h, api } = started));

  const sessionOf = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === 'failover_session')?.value;
  async function signIn(role: TestRole = 'viewer', app: FastifyInstance = api): Promise<string> {
    const res = await app.inject({ method: 'POST', url: '/login', headers: FORM, payload: `token=${TEST_TOKENS[role]}` });
    expect(res.statusCode, res.body).toBe(303);
    return sessionOf(res)!;
  }
  const read = (id: string, url = '/status', app: FastifyInstance = api) => app.inject({ method: 'GET', url, cookies: { failover_session: id } });

  it('keeps a random session id in the cookie (HttpOnly, SameSite=Strict, Max-Age of 12 hours), never the token, and stores only its hash', async () => {
    const res = await api.inject({ method: 'POST', url: '/login', headers: FORM, payload: `token=${TEST_TOKENS.viewer}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const id = sessionOf(res)!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.headers['set-cookie']).toBe(`failover_session=${id}; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict`);
    for (const token of Object.values(TEST_TOKENS)) expect(String(res.headers['set-cookie'])).not.toContain(token);
    expect(await h.store.getSession(sha256(id), h.clock.now())).toEqual({ idHash: sha256(id), caller: 'test-viewer', tokenSha256: sha256(TEST_TOKENS.viewer), createdAt: h.clock.now(), validUntil: h.clock.now() + TWELVE_HOURS_MS });
    expect(await h.store.getSession(id, h.clock.now())).toBeUndefined();
    // Two sign-ins are two sessions.
    expect(await signIn()).not.toBe(id);
  });

  it('reads as the caller who signed in; the token itself in the cookie is no session', async () => {
    const id = await signIn('admin');
    expect((await read(id)).statusCode).toBe(200);
    const page = await read(id, '/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('test-admin');
    const raw = await read(TEST_TOKENS.admin);
    expect(raw.statusCode).toBe(401);
    expect(raw.json().message).toBe('the failover_session cookie is not a current session (it expired or was signed out); sign in again');
    expect((await read(TEST_TOKENS.admin, '/')).headers.location).toBe('/login?from=expired');
  });

  it('ends a session after 12 hours, before the store would remove it', async () => {
    const id = await signIn();
    await h.clock.advance(TWELVE_HOURS_MS - 1);
    expect((await read(id)).statusCode).toBe(200);
    await h.clock.advance(1);
    expect((await read(id)).statusCode).toBe(401);
    expect((await read(id, '/')).headers.location).toBe('/login?from=expired');
  });

  it('signing out ends every session of that caller, everywhere, and no one else\'s', async () => {
    const laptop = await signIn('viewer');
    const phone = await signIn('viewer');
    const other = await signIn('admin');
    const out = await api.inject({ method: 'POST', url: '/logout', headers: FORM, cookies: { failover_session: laptop } });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login?from=signed-out');
    expect(out.headers['set-cookie']).toMatch(/^failover_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/);
    expect((await read(laptop)).statusCode).toBe(401);
    expect((await read(phone)).statusCode).toBe(401);
    expect((await read(other)).statusCode).toBe(200);
    // Signing out without a session (or a second time) just clears the cookie.
    expect((await api.inject({ method: 'POST', url: '/logout', headers: FORM, cookies: { failover_session: laptop } })).statusCode).toBe(303);
    expect((await api.inject({ method: 'POST', url: '/logout', headers: FORM })).statusCode).toBe(303);
    expect((await read(other)).statusCode).toBe(200);
  });

  it('records who signed in and who signed out in the audit trail, never the token or the session id', async () => {
    const id = await signIn('approver');
    await api.inject({ method: 'POST', url: '/login', headers: FORM, payload: 'token=guess' });
    await api.inject({ method: 'POST', url: '/logout', headers: FORM, cookies: { failover_session: id } });
    const audit = await h.store.listAudit({ limit: 10 });
    expect(audit.map((r) => [r.caller, r.route, r.statusCode])).toEqual([
      ['test-approver', '/logout', 303],
      ['anonymous', '/login', 401],
      ['test-approver', '/login', 303],
    ]);
    const text = JSON.stringify(audit);
    expect(text).not.toContain(TEST_TOKENS.approver);
    expect(text).not.toContain(id);
  });

  it('ends a session when its token is removed from the config or rotated', async () => {
    const viewer = await signIn('viewer');
    const admin = await signIn('admin');
    const tokens = h.config.api.tokens.flatMap((t) => (t.name === 'test-viewer' ? [] : t.name === 'test-admin' ? [{ ...t, sha256: sha256('a-new-admin-token') }] : [t]));
    const restarted = await buildApp({ controller: h.controller, store: h.store, log: pino({ level: 'silent' }), auth: { ...h.config.api, tokens }, clock: h.clock });
    expect((await read(viewer, '/status', restarted)).statusCode).toBe(401);
    expect((await read(admin, '/status', restarted)).statusCode).toBe(401);
    expect((await read(await signIn('operator', restarted), '/status', restarted)).statusCode).toBe(200);
    await restarted.close();
  });

  it('refuses a sign-in or sign-out another site sends (Origin or Sec-Fetch-Site) with a 403 that says why', async () => {
    const id = await signIn('viewer');
    const crossSite: [Record<string, string>, RegExp][] = [
      [{ origin: 'https://evil.example' }, /^POST \/(login|logout) came from another site \(Origin https:\/\/evil\.example\); sign in and out on this site's own page$/],
      [{ origin: 'http://localhost:8080' }, /\(Origin http:\/\/localhost:8080\)/],
      [{ origin: 'null' }, /\(Origin null\)/],
      [{ 'sec-fetch-site': 'cross-site' }, /^POST \/(login|logout) came from another site \(Sec-Fetch-Site: cross-site\); sign in and out on this site's own page$/],
      [{ 'sec-fetch-site': 'same-site', origin: 'http://localhost' }, /\(Sec-Fetch-Site: same-site\)/],
    ];
    for (const [headers, message] of crossSite) {
      const login = await api.inject({ method: 'POST', url: '/login', headers: { ...FORM, ...headers }, payload: `token=${TEST_TOKENS.admin}` });
      expect(login.statusCode, JSON.stringify(headers)).toBe(403);
      expect(login.json().message).toMatch(message);
      expect(login.headers['set-cookie']).toBeUndefined();
      const logout = await api.inject({ method: 'POST', url: '/logout', headers: { ...FORM, ...headers }, cookies: { failover_session: id } });
      expect(logout.statusCode, JSON.stringify(headers)).toBe(403);
      expect(logout.json().message).toMatch(message);
    }
    expect((await read(id)).statusCode).toBe(200);
    // The page's own form (same origin, as the browser says), or a client that sends neither header (curl), is welcome.
    // Chromium posts the page's own form with `Origin: null` under the pages' Referrer-Policy: no-referrer, and says same-origin.
    const ownPage = [{ origin: 'http://localhost' }, { origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' }, { origin: 'null', 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, {}];
    for (const headers of ownPage) {
      const login = await api.inject({ method: 'POST', url: '/login', headers: { ...FORM, ...headers }, payload: `token=${TEST_TOKENS.admin}` });
      expect(login.statusCode, JSON.stringify(headers)).toBe(303);
    }
    const behindProxy = await api.inject({ method: 'POST', url: '/login', headers: { ...FORM, host: 'failover.example.com', origin: 'https://failover.example.com', 'x-forwarded-proto': 'https' }, payload: `token=${TEST_TOKENS.admin}` });
    expect(behindProxy.statusCode).toBe(303);
    expect((await api.inject({ method: 'POST', url: '/logout', headers: { ...FORM, origin: 'http://localhost' }, cookies: { failover_session: id } })).statusCode).toBe(303);
  });
});
