import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as Type from 'typebox';
import type { Static } from 'typebox';
import { appFilter } from './app-filter.js';
import { loadPendingApprovals } from '../../controller/pending-approvals.js';
import { HISTORY_WINDOWS, type HistoryWindow, loadRegionHistory } from '../../controller/region-history.js';
import { ASSETS } from '../assets/assets.js';
import { refuseCrossSite } from '../auth/same-site.js';
import { SESSION_COOKIE, sessionCookie, type Sessions } from '../auth/sessions.js';
import { TokenVerifier } from '../auth/token-verifier.js';
import type { ApiDeps } from '../build-app.js';
import { type LoginNotice, renderLoginPage } from '../pages/login-page.js';
import { renderStatusPage } from '../pages/status-page.js';
import { loadStatusPage } from '../pages/status-page-data.js';

const AppName = Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z][A-Za-z0-9-]*$', 'x-message': 'must be an application name from the config' });
const LoginQuery = Type.Object(
  { from: Type.Optional(Type.Union([Type.Literal('expired'), Type.Literal('signed-out')], { 'x-message': 'must be expired or signed-out' })) },
  { additionalProperties: false },
);
const LoginBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096, 'x-message': 'must be an API token' }) }, { additionalProperties: false });
const AssetParams = Type.Object(
  { name: Type.Union(Object.keys(ASSETS).map((n) => Type.Literal(n)), { 'x-message': `must be one of ${Object.keys(ASSETS).join(', ')}` }) },
  { additionalProperties: false },
);
const AssetQuery = Type.Object({ v: Type.Optional(Type.String({ maxLength: 64, pattern: '^[0-9a-f]+$', 'x-message': 'must be an asset version' })) }, { additionalProperties: false });
const WindowName = Type.Union(
  (Object.keys(HISTORY_WINDOWS) as HistoryWindow[]).map((w) => Type.Literal(w)),
  { 'x-message': `must be one of ${Object.keys(HISTORY_WINDOWS).join(', ')}` },
);
const HistoryQuery = Type.Object({ app: Type.Optional(AppName), window: Type.Optional(WindowName) }, { additionalProperties: false });
const ApprovalsQuery = Type.Object({ app: Type.Optional(AppName) }, { additionalProperties: false });

/**
 * The browser side of the API: the status page at `/`, sign-in and
 * sign-out, the pages' assets, and the JSON the page polls besides /status
 * (each region's history, pending approvals).
 *
 * `/` is public in the auth hook's terms because a browser without a session
 * must be sent to the sign-in form rather than answered with a 401; the page
 * itself is only rendered for a caller the hook authenticated.
 */
export function registerPageRoutes(app: FastifyInstance, deps: ApiDeps, sessions: Sessions): void {
  const verifier = new TokenVerifier(deps.auth.tokens);

  // No query, and POST /logout no body: the route rules (hardening/route-rules.ts) give them schemas that accept none.
  const statusPage = { config: { auth: 'public' as const }, schema: { description: 'The status page (HTML) for a signed-in browser or any valid token; without one, a 303 to /login.' } };
  app.get('/', statusPage, async (request, reply) => {
    if (!request.caller) return reply.redirect(hasSessionCookie(request) ? '/login?from=expired' : '/login', 303);
    const model = await loadStatusPage(deps, { caller: { name: request.caller.name, via: request.caller.via }, apiUrl: ownUrl(request) });
    return sendHtml(reply, 200, renderStatusPage(model));
  });

  const loginForm = { config: { auth: 'public' as const }, schema: { description: 'The sign-in form of the status page (HTML).', querystring: LoginQuery } };
  app.get<{ Querystring: Static<typeof LoginQuery> }>('/login', loginForm, async (request, reply) => {
    if (request.caller) return reply.redirect('/', 303);
    const notice: LoginNotice = deps.auth.auth === 'iam' ? 'iam' : (request.query.from ?? 'none');
    return sendHtml(reply, 200, renderLoginPage(notice));
  });

  // The sign-in form posts application/x-www-form-urlencoded: its parser is registered for these two routes only.
  app.register(async (forms) => {
    await forms.register(formbody, { bodyLimit: 8 * 1024 });

    const signIn = {
      config: { auth: 'public' as const },
      // Another site must not sign a browser in (as the attacker) or out.
      onRequest: refuseCrossSite,
      schema: {
        description: 'Sign in (application/x-www-form-urlencoded): a configured token starts a 12-hour session, whose id the read-only failover_session cookie carries, and 303s to /; any other token is a 401 with the form again. 403 when another site sent the request.',
        body: LoginBody,
      },
    };
    forms.post<{ Body: Static<typeof LoginBody> }>('/login', signIn, async (request, reply) => {
      if (deps.auth.auth === 'iam') return sendHtml(reply, 401, renderLoginPage('iam'));
      const owner = verifier.verify(request.body.token);
      if (!owner) {
        request.log.info({ ip: request.ip }, 'sign-in refused: unknown token');
        return sendHtml(reply, 401, renderLoginPage('wrong-token'));
      }
      // The audit record of this request (written as it is answered) names who signed in.
      request.caller = { ...owner, via: 'cookie' };
      const session = await sessions.start(owner.name, request.body.token);
      request.log.info({ caller: owner.name }, 'signed in to the status page');
      // The cookie holds only the session id; HttpOnly keeps it from scripts, SameSite=Strict from other sites, and the auth hook accepts it for reads only.
      reply.setCookie(SESSION_COOKIE, session.id, { ...cookieOptions(request), maxAge: session.maxAgeSeconds });
      return reply.redirect('/', 303);
    });

    const signOut = {
      config: { auth: 'public' as const },
      onRequest: refuseCrossSite,
      schema: { description: 'Sign out: ends every session of the signed-in caller, in every browser, clears the session cookie and 303s to /login. 403 when another site sent the request.' },
    };
    forms.post('/logout', signOut, async (request, reply) => {
      const id = sessionCookie(request);
      const ended = id === undefined ? undefined : await sessions.end(id);
      if (ended) {
        request.caller = ended.caller;
        request.log.info({ caller: ended.caller.name, sessions: ended.ended }, 'signed out of the status page everywhere');
      }
      reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      return reply.redirect('/login?from=signed-out', 303);
    });
  });

  const assets = { config: { auth: 'public' as const }, schema: { description: "The pages' script and stylesheet.", params: AssetParams, querystring: AssetQuery } };
  app.get<{ Params: Static<typeof AssetParams>; Querystring: Static<typeof AssetQuery> }>('/assets/:name', assets, async (request, reply) => {
    const asset = ASSETS[request.params.name]!;
    const etag = `"${asset.version}"`;
    // A versioned link never changes its content; an unversioned one is revalidated every time.
    reply.header('cache-control', request.query.v === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache').header('etag', etag);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(asset.contentType).send(asset.body);
  });

  const history = {
    config: { auth: 'viewer' as const },
    schema: { description: "Each region's probe rounds over the window (default 1h) in 60 slices: passed, failed, and ok | failed | mixed | none.", querystring: HistoryQuery },
  };
  app.get<{ Querystring: Static<typeof HistoryQuery> }>('/status/history', history, async (request) => {
    const { window = '1h' } = request.query;
    const { app } = appFilter(deps.controller.config, request.query.app);
    return loadRegionHistory(deps.store, deps.controller.config, { window, now: deps.controller.now(), ...(app !== undefined ? { apps: [app] } : {}) });
  });

  const approvals = { config: { auth: 'viewer' as const }, schema: { description: 'The approval gates runs are waiting at, with their prompts and deadlines.', querystring: ApprovalsQuery } };
  app.get<{ Querystring: Static<typeof ApprovalsQuery> }>('/status/approvals', approvals, async (request) => {
    const { app } = appFilter(deps.controller.config, request.query.app);
    const names = app !== undefined ? [app] : deps.controller.config.applications.map((a) => a.name);
    // One run at a time per application: a run waiting for approval is the newest.
    const latest = await Promise.all(names.map((app) => deps.store.listRuns({ app, limit: 1 })));
    return { approvals: await loadPendingApprovals(deps.store, latest.flat()) };
  });
}

function sendHtml(reply: FastifyReply, code: number, body: string): FastifyReply {
  // Pages carry live state (and who is signed in): never from a cache.
  return reply.code(code).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

function hasSessionCookie(request: FastifyRequest): boolean {
  return sessionCookie(request) !== undefined;
}

/** The session cookie's attributes; clearing it must repeat them, or the browser keeps the cookie. */
function cookieOptions(request: FastifyRequest) {
  return { httpOnly: true, sameSite: 'strict' as const, path: '/', secure: isHttps(request) };
}

/** Whether the browser reached us over https, directly or through a TLS-terminating proxy (API Gateway, a load balancer). */
function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https' || forwardedProto(request) === 'https';
}

function forwardedProto(request: FastifyRequest): string | undefined {
  const header = request.headers['x-forwarded-proto'];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim().toLowerCase();
}

/** The URL the browser used to reach the API, for the commands the page shows. */
function ownUrl(request: FastifyRequest): string {
  const proto = isHttps(request) ? 'https' : 'http';
  return `${proto}://${request.headers.host ?? 'localhost'}`;
}
