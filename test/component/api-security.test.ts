import awsLambdaFastify from '@fastify/aws-lambda';
import { harnessWithApi } from '../support/harness-api.js';
import { judgeRegions } from '../support/warm.js';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import Fastify, { type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { installAuth } from '../../src/api/auth/install-auth.js';
import { buildApp } from '../../src/api/build-app.js';
import { installRouteRules } from '../../src/api/hardening/route-rules.js';
import type { ApiConfig } from '../../src/config/types.js';
import { bearer, TEST_TOKENS, type TestRole } from '../support/auth.js';
import type { Harness } from '../support/harness.js';
import { genericHostileBodies, type HostileBody, schemaHostileBodies, validTemplate } from '../support/hostile-bodies.js';
import { worldLayout } from '../support/world-state.js';
import { httpApiEvent } from '../support/http-api-event.js';

/** Operations that change the simulated cloud. */
const MUTATIONS = ['PromoteReadReplica', 'UpdateAutoScalingGroup', 'ChangeResourceRecordSets', 'CreateDBInstanceReadReplica', 'ModifyDBInstance', 'FailoverGlobalCluster', 'SwitchoverGlobalCluster'];

/** The routes anyone may call. A new public route must be added here on purpose. */
const PUBLIC_ROUTES = ['GET /', 'GET /assets/:name', 'GET /health', 'GET /login', 'HEAD /', 'HEAD /assets/:name', 'HEAD /health', 'HEAD /login', 'POST /login', 'POST /logout'];

/** A concrete URL for a route pattern (path parameters filled in). */
function concrete(url: string): string {
  return url.replace(':id', 'run-none').replace(':region', 'eu-west-1').replace(':name', 'status.js').replace('*', 'index.html');
}

const isMutating = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/** Sign in on the status page's form; the session id its cookie carries. */
async function signIn(app: FastifyInstance, role: TestRole): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${TEST_TOKENS[role]}` });
  return res.cookies.find((c) => c.name === 'failover_session')!.value;
}

describe('API security', () => {
  let h: Harness;
  let api: FastifyInstance;

  /** What must not change when requests are refused: runs, the cloud, the app state, the simulated regions. */
  async function snapshot() {
    return {
      runs: await h.store.listRuns({ limit: 100 }),
      mutations: h.world.providers.cloud.calls.filter((c) => MUTATIONS.includes(c.operation)),
      appState: await h.store.getAppState('shop'),
      layout: await worldLayout(h),
      regions: h.world.regions(),
    };
  }

  harnessWithApi((started) => ({ h, api } = started));

  describe('authentication and roles', () => {
    it('answers 401 with a Bearer challenge on every route but the public ones, without a token or with an unknown one', async () => {
      const before = await snapshot();
      const routes = api.routeAccess().filter((r) => r.auth !== 'public');
      expect(routes.length).toBeGreaterThan(20);
      for (const route of routes) {
        const url = concrete(route.url);
        const none = await api.inject({ method: route.method as InjectOptions['method'], url, ...(isMutating(route.method) ? { payload: {} } : {}) });
        expect(none.statusCode, `${route.method} ${route.url} without a token`).toBe(401);
        expect(none.headers['www-authenticate']).toBe('Bearer realm="failover-controller"');
        const unknown = await api.inject({ method: route.method as InjectOptions['method'], url, headers: { authorization: 'Bearer not-a-configured-token' } });
        expect(unknown.statusCode, `${route.method} ${route.url} with an unknown token`).toBe(401);
        expect(unknown.headers['www-authenticate']).toBe('Bearer realm="failover-controller", error="invalid_token"');
        const basic = await api.inject({ method: route.method as InjectOptions['method'], url, headers: { authorization: `Basic ${Buffer.from(`x:${TEST_TOKENS.admin}`).toString('base64')}` } });
        expect(basic.statusCode, `${route.method} ${route.url} with Basic auth`).toBe(401);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('has exactly the expected public routes', () => {
      const open = api
        .routeAccess()
        .filter((r) => r.auth === 'public')
        .map((r) => `${r.method} ${r.url}`)
        .sort();
      expect(open).toEqual(PUBLIC_ROUTES);
    });

    it('answers 403 naming the role a route needs, for every route a test caller lacks the role of', async () => {
      const before = await snapshot();
      const roles: Record<string, TestRole[]> = { operator: ['viewer', 'approver'], approver: ['viewer', 'operator'] };
      let checked = 0;
      for (const route of api.routeAccess()) {
        for (const role of roles[route.auth] ?? []) {
          const res = await api.inject({ method: route.method as InjectOptions['method'], url: concrete(route.url), headers: bearer(role), payload: {} });
          expect(res.statusCode, `${route.method} ${route.url} as ${role}`).toBe(403);
          expect(res.json().message).toBe(`${route.method} ${route.url} needs the ${route.auth} role; test-${role} has ${role}`);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(10);
      expect(await snapshot()).toEqual(before);
    });

    it('lets every valid token read every viewer route', async () => {
      for (const route of api.routeAccess().filter((r) => r.auth === 'viewer' && r.method === 'GET')) {
        for (const role of Object.keys(TEST_TOKENS) as TestRole[]) {
          const res = await api.inject({ method: 'GET', url: concrete(route.url), headers: bearer(role) });
          expect([401, 403], `${route.url} as ${role}: ${res.body.slice(0, 200)}`).not.toContain(res.statusCode);
        }
      }
    });

    it('takes the session cookie for reading only: a change needs the bearer header', async () => {
      const cookie = { cookie: `failover_session=${await signIn(api, 'admin')}` };
      expect((await api.inject({ method: 'GET', url: '/status', headers: cookie })).statusCode).toBe(200);
      expect((await api.inject({ method: 'GET', url: '/status', headers: { cookie: 'failover_session=wrong' } })).statusCode).toBe(401);
      const before = await snapshot();
      for (const route of api.routeAccess().filter((r) => isMutating(r.method) && r.auth !== 'public')) {
        const res = await api.inject({ method: route.method as InjectOptions['method'], url: concrete(route.url), headers: cookie, payload: { to: 'eu-west-1', reason: 'csrf' } });
        expect(res.statusCode, `${route.method} ${route.url} with the cookie`).toBe(401);
        expect(res.json().message).toMatch(/cookie only reads; send the token as Authorization: Bearer/);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('refuses at registration a route that declares no access, or whose schemas accept unknown fields', async () => {
      const app = Fastify();
      installAuth(app, { auth: 'token', tokens: [], iamPrincipals: [] });
      installRouteRules(app);
      expect(() => app.get('/open', async () => 'x')).toThrow('route GET /open declares no access: set config.auth to one of public, viewer, operator, approver');
      expect(() => app.get('/things/:id', { config: { auth: 'viewer' } }, async () => 'x')).toThrow('route GET /things/:id has path parameters but no params schema');
      expect(() => app.post('/loose', { config: { auth: 'operator' }, schema: { body: { type: 'object' } } }, async () => 'x')).toThrow('route POST /loose: body schema must refuse unknown properties (additionalProperties: false)');
      expect(() => app.get('/q', { config: { auth: 'viewer' }, schema: { querystring: { type: 'object', additionalProperties: true } } }, async () => 'x')).toThrow(/querystring schema must refuse unknown properties/);
      await app.close();
    });

    it('with auth iam, takes the caller from the IAM principal API Gateway verified, never from a header', async () => {
      const iam: ApiConfig = { auth: 'iam', tokens: [], iamPrincipals: [{ arn: 'arn:aws:sts::123456789012:assumed-role/oncall/*', roles: ['operator', 'approver'] }], rateLimit: { max: 100, windowSeconds: 60 } };
      let proxy!: (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;
      const app = await buildApp({ controller: h.controller, store: h.store, log: pino({ level: 'silent' }), auth: iam, clock: h.clock, onInstance: (instance) => void (proxy = awsLambdaFastify<APIGatewayProxyEventV2>(instance) as typeof proxy) });
      const call = async (method: string, path: string, userArn: string | undefined, headers: Record<string, string> = {}, body?: unknown) =>
        (await proxy(
          httpApiEvent({ method, path, body, headers: { 'content-type': 'application/json', ...headers }, ...(userArn ? { userArn } : {}) }),
          {} as Context,
        )) as { statusCode: number; body: string };
      expect((await call('GET', '/status', undefined)).statusCode).toBe(401);
      // A forged event header or a bearer token means nothing in IAM mode.
      const forged = encodeURIComponent(JSON.stringify({ requestContext: { authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/root' } } } }));
      expect((await call('GET', '/status', undefined, { 'x-apigateway-event': forged, ...bearer('admin') })).statusCode).toBe(401);
      expect((await call('GET', '/status', 'arn:aws:iam::123456789012:user/auditor')).statusCode).toBe(200);
      const denied = await call('POST', '/failback', 'arn:aws:iam::123456789012:user/auditor', {}, { reason: 'x' });
      expect(denied.statusCode).toBe(403);
      expect(JSON.parse(denied.body).message).toBe('POST /failback needs the operator role; arn:aws:iam::123456789012:user/auditor has viewer');
      // An operator session of the on-call role gets past auth (and is then told failback is not possible: already on the primary).
      const oncall = await call('POST', '/failback', 'arn:aws:sts::123456789012:assumed-role/oncall/alice', {}, { reason: 'x' });
      expect(oncall.statusCode).toBe(400);
      const audit = await h.store.listAudit({ limit: 10 });
      expect(audit.map((r) => [r.caller, r.statusCode])).toEqual([
        ['arn:aws:sts::123456789012:assumed-role/oncall/alice', 400],
        ['arn:aws:iam::123456789012:user/auditor', 403],
      ]);
      await app.close();
    });
  });

  describe('hostile input', () => {
    /** Body schemas of the POST routes, from the OpenAPI document the app serves (the schemas it validates with). */
    async function postRoutes(): Promise<{ url: string; schema: Record<string, unknown> }[]> {
      const doc = (await api.inject({ method: 'GET', url: '/docs/json', headers: bearer('viewer') })).json() as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> } }>> };
      const routes = api.routeAccess().filter((r) => r.method === 'POST');
      return routes.map((r) => {
        const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
        const schema = doc.paths[path]?.['post']?.requestBody?.content?.['application/json']?.schema ?? {};
        return { url: r.url, schema };
      });
    }

    it('answers at least 200 malformed or hostile bodies across every POST route with a 4xx, starts no run, changes nothing and pollutes no prototype', async () => {
      const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
      h.controller.start();
      await h.clock.advance(30_000);
      const before = await snapshot();
      const routes = await postRoutes();
      expect(routes.map((r) => r.url)).toEqual(expect.arrayContaining(['/failover', '/failback', '/runs/:id/approve', '/runs/:id/cancel', '/sim/regions/:region/outage', '/sim/regions/:region/heal']));
      const answers: { route: string; body: HostileBody; status: number; message: string }[] = [];
      for (const route of routes) {
        const bodies = [...genericHostileBodies(validTemplate(route.schema)), ...schemaHostileBodies(route.schema)];
        for (const body of bodies) {
          const res = await api.inject({ method: 'POST', url: concrete(route.url), headers: { ...bearer('admin'), 'content-type': body.contentType }, payload: body.payload });
          answers.push({ route: route.url, body, status: res.statusCode, message: res.body.slice(0, 300) });
        }
      }
      expect(answers.length).toBeGreaterThanOrEqual(200);
      const notRefused = answers.filter((a) => a.status < 400 || a.status >= 500).map((a) => `${a.route} ${a.body.label}: ${a.status} ${a.message}`);
      expect(notRefused).toEqual([]);
      // Errors name the problem; none shows a stack trace or an internal path.
      for (const a of answers) expect(a.message, `${a.route} ${a.body.label}`).not.toMatch(/\n\s+at |node_modules|\/src\//);
      await h.clock.advance(30_000);
      expect(await snapshot()).toEqual(before);
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it('answers hostile path parameters and query strings with a 4xx', async () => {
      const before = await snapshot();
      const ids = ['..', '%2e%2e%2f%2e%2e%2fetc', 'a'.repeat(300), '%00', 'run%0d%0aX-Injected:%201', '%3Cscript%3E', '%E2%80%AE', '__proto__', 'constructor'];
      const regions = ['mars-north-1', 'EU-WEST-1', '..%2f..', '%00', 'r'.repeat(100), '__proto__'];
      const urls = [
        ...ids.flatMap((id) => [`/runs/${id}/approve`, `/runs/${id}/cancel`]),
        ...regions.flatMap((region) => [`/sim/regions/${region}/outage`, `/sim/regions/${region}/heal`]),
        '/failover?force=true',
        '/failover?__proto__[polluted]=1',
      ];
      for (const url of urls) {
        const res = await api.inject({ method: 'POST', url, headers: bearer('admin'), payload: url.startsWith('/failover') ? { to: 'eu-west-1', reason: 'query' } : url.includes('/runs/') ? { by: 'tester' } : {} });
        expect(res.statusCode, `${url}: ${res.body}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, url).toBeLessThan(500);
      }
      for (const url of ['/runs?limit=0', '/runs?limit=abc', '/runs?extra=1', '/status?x=1', '/audit?limit=100000', '/decisions?app=%00', '/runs/%00']) {
        const res = await api.inject({ method: 'GET', url, headers: bearer('viewer') });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      }
      expect(await snapshot()).toEqual(before);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  });

  describe('idempotency', () => {
    // A manual failover's pre-flight gate wants eu-west-1 judged healthy.
    beforeEach(async () => judgeRegions(h));
    const failover = (key: string, reason = 'idempotent', role: TestRole = 'operator') =>
      api.inject({ method: 'POST', url: '/failover', headers: { ...bearer(role), 'idempotency-key': key }, payload: { to: 'eu-west-1', reason } });

    it('answers a retry with the stored answer, marked replayed, and starts nothing more', async () => {
      const first = await failover('key-1');
      expect(first.statusCode).toBe(202);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      // The same body with its keys in another order is the same request.
      const retry = await api.inject({ method: 'POST', url: '/failover', headers: { ...bearer('operator'), 'idempotency-key': 'key-1', 'content-type': 'application/json' }, payload: '{ "reason": "idempotent", "to": "eu-west-1" }' });
      expect(retry.statusCode).toBe(202);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toBe(first.body);
      expect(retry.headers['content-type']).toBe(first.headers['content-type']);
      expect(await h.store.listRuns({ limit: 10 })).toHaveLength(1);
      // Without a key, a second failover is refused by the one-run rule, not replayed.
      expect((await api.inject({ method: 'POST', url: '/failover', headers: bearer('operator'), payload: { to: 'eu-west-1', reason: 'idempotent' } })).statusCode).toBe(409);
    });

    it('refuses the same key with a different request (422), and keeps keys apart per caller', async () => {
      expect((await failover('key-2')).statusCode).toBe(202);
      const other = await failover('key-2', 'another reason');
      expect(other.statusCode).toBe(422);
      expect(other.json().message).toBe('Idempotency-Key key-2 was used for a different request; a retry must repeat the same request, or use a new key');
      const elsewhere = await api.inject({ method: 'POST', url: '/failback', headers: { ...bearer('operator'), 'idempotency-key': 'key-2' }, payload: { reason: 'idempotent' } });
      expect(elsewhere.statusCode).toBe(422);
      // The admin caller's key-2 is its own: it runs (and meets the run in progress).
      const admin = await failover('key-2', 'idempotent', 'admin');
      expect(admin.statusCode).toBe(409);
      expect(admin.headers['idempotent-replayed']).toBeUndefined();
      expect(await h.store.listRuns({ limit: 10 })).toHaveLength(1);
    });

    it('runs one of many concurrent first uses of a key; the others are told it is in progress', async () => {
      // Hold the first answer back until every request has tried to claim the key.
      const claims = { count: 0 };
      let allClaimed!: () => void;
      const everyClaim = new Promise<void>((resolve) => (allClaimed = resolve));
      const claim = h.store.claimIdempotencyKey.bind(h.store);
      const complete = h.store.completeIdempotencyKey.bind(h.store);
      h.store.claimIdempotencyKey = async (...args) => {
        const result = await claim(...args);
        if (++claims.count === 5) allClaimed();
        return result;
      };
      h.store.completeIdempotencyKey = async (...args) => {
        await everyClaim;
        return complete(...args);
      };
      const answers = await Promise.all(Array.from({ length: 5 }, () => failover('race')));
      expect(answers.map((a) => a.statusCode).sort()).toEqual([202, 409, 409, 409, 409]);
      for (const a of answers.filter((x) => x.statusCode === 409)) {
        expect(a.json().message).toBe('a request with Idempotency-Key race is still in progress; retry in a moment for its answer');
        expect(a.headers['retry-after']).toBe('1');
      }
      expect(await h.store.listRuns({ limit: 10 })).toHaveLength(1);
      expect((await failover('race')).headers['idempotent-replayed']).toBe('true');
    });

    it('frees the key when the request failed on our side, so a retry runs', async () => {
      const real = h.controller.failover.bind(h.controller);
      h.controller.failover = async () => {
        throw new Error('store unavailable');
      };
      expect((await failover('key-3')).statusCode).toBe(500);
      h.controller.failover = real;
      const retry = await failover('key-3');
      expect(retry.statusCode).toBe(202);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
    });

    it('keeps an answer for 24 hours, then the key is free again', async () => {
      const plan = () => api.inject({ method: 'POST', url: '/failback', headers: { ...bearer('operator'), 'idempotency-key': 'daily' }, payload: { reason: 'ttl' } });
      const first = await plan();
      expect(first.statusCode).toBe(400);
      await h.clock.advance(23 * 3600_000);
      expect((await plan()).headers['idempotent-replayed']).toBe('true');
      await h.clock.advance(3600_000);
      expect((await plan()).headers['idempotent-replayed']).toBeUndefined();
    });

    it('refuses a malformed key', async () => {
      for (const key of ['', 'with space', 'k'.repeat(256), 'é']) {
        const res = await api.inject({ method: 'POST', url: '/failback', headers: { ...bearer('operator'), 'idempotency-key': key }, payload: { reason: 'x' } });
        expect(res.statusCode, JSON.stringify(key)).toBe(400);
      }
    });
  });

  describe('rate limit', () => {
    it('answers 429 with Retry-After past the limit of changes per caller, and never limits reads', async () => {
      const app = await buildApp({ controller: h.controller, store: h.store, log: pino({ level: 'silent' }), world: h.world, auth: { ...h.config.api, rateLimit: { max: 3, windowSeconds: 60 } }, clock: h.clock });
      const heal = (role: TestRole) => app.inject({ method: 'POST', url: '/sim/regions/eu-west-1/heal', headers: bearer(role) });
      for (let i = 0; i < 3; i++) expect((await heal('operator')).statusCode).toBe(200);
      const limited = await heal('operator');
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited.json()).toMatchObject({ error: 'Too Many Requests', message: expect.stringMatching(/^test-operator sent more than 3 requests that change something in 60 s; retry in /) });
      // Another caller has its own budget; reads are not limited at all.
      expect((await heal('admin')).statusCode).toBe(200);
      for (let i = 0; i < 20; i++) expect((await app.inject({ method: 'GET', url: '/status', headers: bearer('operator') })).statusCode).toBe(200);
      expect((await h.store.listAudit({ limit: 1 }))[0]).toMatchObject({ caller: 'test-admin', statusCode: 200 });
      expect((await h.store.listAudit({ limit: 10 })).filter((r) => r.statusCode === 429)).toHaveLength(1);
      await app.close();
    });

    it('counts refused changes too (no token, an unknown one, the wrong role): a flood meets the 429 and never reaches a route; anonymous 429s are logged, not stored', async () => {
      // A store that takes its time, as DynamoDB does: a refusal must hold the request until its answer (and audit record) is out.
      const put = h.store.putAudit.bind(h.store);
      h.store.putAudit = async (record) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return put(record);
      };
      const app = await buildApp({ controller: h.controller, store: h.store, log: pino({ level: 'silent' }), world: h.world, auth: { ...h.config.api, rateLimit: { max: 3, windowSeconds: 60 } }, clock: h.clock });
      const before = await snapshot();
      const anonymous = [];
      for (let i = 0; i < 5; i++) anonymous.push((await app.inject({ method: 'POST', url: '/failover', headers: i % 2 ? { authorization: `Bearer guess-${i}` } : {}, payload: { to: 'eu-west-1', reason: 'flood' } })).statusCode);
      expect(anonymous).toEqual([401, 401, 401, 429, 429]);
      const viewer = [];
      for (let i = 0; i < 4; i++) viewer.push((await app.inject({ method: 'POST', url: '/sim/regions/us-east-1/outage', headers: bearer('viewer') })).statusCode);
      expect(viewer).toEqual([403, 403, 403, 429]);
      expect(await snapshot()).toEqual(before);
      const audit = await h.store.listAudit({ limit: 20 });
      expect(audit.map((r) => [r.caller, r.statusCode]).reverse()).toEqual([
        ['anonymous', 401],
        ['anonymous', 401],
        ['anonymous', 401],
        ['test-viewer', 403],
        ['test-viewer', 403],
        ['test-viewer', 403],
        ['test-viewer', 429],
      ]);
      // The others' budgets are their own.
      expect((await app.inject({ method: 'POST', url: '/sim/regions/us-east-1/heal', headers: bearer('operator') })).statusCode).toBe(200);
      await app.close();
    });
  });

  describe('one allowance per caller', () => {
    it('counts every change of a caller against one allowance, whatever the route: 30 POSTs over five routes use it up', async () => {
      const app = await buildApp({ controller: h.controller, store: h.store, log: pino({ level: 'silent' }), world: h.world, auth: { ...h.config.api, rateLimit: { max: 30, windowSeconds: 60 } }, clock: h.clock });
      const posts: [string, object][] = [
        ['/sim/regions/eu-west-1/heal', {}],
        ['/failback', { reason: 'spread' }],
        ['/runs/run-none/cancel', {}],
        ['/drills', { mode: 'plan' }],
        ['/runs/run-none/approve', {}],
      ];
      const answers: number[] = [];
      for (let i = 0; i < 30; i++) {
        const [url, payload] = posts[i % posts.length]!;
        answers.push((await app.inject({ method: 'POST', url, headers: bearer('admin'), payload })).statusCode);
      }
      expect(answers).not.toContain(429);
      for (const [url, payload] of posts) {
        const limited = await app.inject({ method: 'POST', url, headers: bearer('admin'), payload });
        expect(limited.statusCode, url).toBe(429);
        expect(limited.json().message).toMatch(/^test-admin sent more than 30 requests that change something in 60 s; retry in /);
      }
      // Another caller's allowance is its own, and reads are never limited.
      expect((await app.inject({ method: 'POST', url: '/sim/regions/eu-west-1/heal', headers: bearer('operator') })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/runs', headers: bearer('admin') })).statusCode).toBe(200);
      await app.close();
    });

    it('limits changes to unknown routes too: a flood without credentials gets 429 past the limit, whatever the method', async () => {
      const app = await buildApp({ controller: h.controller, store: h.store, log: pino({ level: 'silent' }), world: h.world, auth: { ...h.config.api, rateLimit: { max: 3, windowSeconds: 60 } }, clock: h.clock });
      const flood: number[] = [];
      for (const [method, url] of [['POST', '/nowhere'], ['PUT', '/status'], ['DELETE', '/runs/x'], ['POST', '/nowhere'], ['PATCH', '/wp-admin'], ['POST', '/failover']] as const) {
        const res = await app.inject({ method, url, payload: {} });
        flood.push(res.statusCode);
        if (res.statusCode === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(flood).toEqual([401, 401, 401, 429, 429, 429]);
      // A caller with a token meets its own allowance on an unknown route too: 404 until it is used up.
      const known: number[] = [];
      for (let i = 0; i < 4; i++) known.push((await app.inject({ method: 'POST', url: '/nowhere', headers: bearer('viewer'), payload: {} })).statusCode);
      expect(known).toEqual([404, 404, 404, 429]);
      await app.close();
    });
  });

  describe('audit', () => {
    beforeEach(async () => judgeRegions(h));
    it('records every call that could change something, whatever its outcome, without secrets, and lists them newest first', async () => {
      const started = await api.inject({ method: 'POST', url: '/failover', headers: { ...bearer('operator'), 'idempotency-key': 'audit-1' }, payload: { to: 'eu-west-1', reason: 'audited' } });
      const runId = started.json().run.id as string;
      await api.inject({ method: 'POST', url: '/failover', headers: { ...bearer('operator'), 'idempotency-key': 'audit-1' }, payload: { to: 'eu-west-1', reason: 'audited' } });
      await api.inject({ method: 'POST', url: '/failback', headers: bearer('operator'), payload: { reason: 'x', password: 'hunter2', nested: { apiKey: 'k-123' } } });
      await api.inject({ method: 'POST', url: '/failback', payload: { reason: 'anonymous' } });
      await api.inject({ method: 'POST', url: `/runs/${runId}/approve`, headers: bearer('viewer'), payload: { by: 'v' } });
      await api.inject({ method: 'GET', url: '/status', headers: bearer('viewer') });

      const res = await api.inject({ method: 'GET', url: '/audit?limit=10', headers: bearer('viewer') });
      expect(res.statusCode).toBe(200);
      const records = res.json().records as Record<string, unknown>[];
      expect(records.map((r) => [r['caller'], r['method'], r['route'], r['statusCode']])).toEqual([
        ['test-viewer', 'POST', '/runs/:id/approve', 403],
        ['anonymous', 'POST', '/failback', 401],
        ['test-operator', 'POST', '/failback', 400],
        ['test-operator', 'POST', '/failover', 202],
        ['test-operator', 'POST', '/failover', 202],
      ]);
      expect(records[0]).toMatchObject({ params: { id: runId } });
      expect(records[2]!['body']).toBe('{"reason":"x","password":"[redacted]","nested":{"apiKey":"[redacted]"}}');
      expect(records[3]).toMatchObject({ runId, idempotencyKey: 'audit-1', replayed: true, body: '{"to":"eu-west-1","reason":"audited"}' });
      expect(records[4]).toMatchObject({ runId, idempotencyKey: 'audit-1', at: h.clock.now() });
      expect(records[4]!['replayed']).toBeUndefined();
      expect(res.body).not.toContain('hunter2');
      for (const token of Object.values(TEST_TOKENS)) expect(res.body).not.toContain(token);
      expect((await api.inject({ method: 'GET', url: '/audit?limit=1', headers: bearer('viewer') })).json().records).toHaveLength(1);
    });
  });

  describe('headers and logs', () => {
    it('sends the security headers with every answer, refusals included', async () => {
      for (const [url, headers] of [
        ['/health', {}],
        ['/status', bearer('viewer')],
        ['/status', {}],
        ['/nowhere', bearer('viewer')],
      ] as const) {
        const res = await api.inject({ method: 'GET', url, headers });
        expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
        expect(res.headers['content-security-policy']).toContain("script-src 'self'");
        expect(res.headers['content-security-policy']).toContain("style-src 'self'");
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
      }
    });

    it('never writes a token to the log, valid or not', async () => {
      const lines: string[] = [];
      const sink = new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) });
      // No redaction configured here: what is checked is that the app itself never logs a credential.
      const log = pino({ level: 'trace' }, sink);
      const app = await buildApp({ controller: h.controller, store: h.store, log, world: h.world, auth: h.config.api, clock: h.clock });
      const wrong = 'wrong-token-0123456789';
      const calls: LightMyRequestResponse[] = [
        await app.inject({ method: 'POST', url: '/failback', headers: bearer('operator'), payload: { reason: 'log me' } }),
        await app.inject({ method: 'POST', url: '/failback', headers: { authorization: `Bearer ${wrong}` }, payload: { reason: 'x' } }),
        await app.inject({ method: 'GET', url: '/status', headers: { cookie: `failover_session=${await signIn(app, 'viewer')}` } }),
        await app.inject({ method: 'POST', url: '/failback', headers: { cookie: `failover_session=${wrong}` }, payload: { reason: 'x' } }),
      ];
      expect(calls.map((c) => c.statusCode)).toEqual([400, 401, 200, 401]);
      const text = lines.join('');
      expect(text).toContain('request refused: not authenticated');
      for (const token of [...Object.values(TEST_TOKENS), wrong]) expect(text).not.toContain(token);
      await app.close();
    });
  });
});
