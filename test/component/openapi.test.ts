import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/build-app.js';
import { FailoverBody, RunParams, RunsQuery } from '../../src/api/schemas.js';
import { bearer } from '../support/auth.js';
import { type Harness, startHarness } from '../support/harness.js';

interface Operation {
  'x-role': string;
  security: Record<string, string[]>[];
  description: string;
  parameters?: { in: string; name: string; required?: boolean; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

/** Without keywords that only document (descriptions, messages of our own): what the validator checks. */
function validating(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema, (key, value: unknown) => (key === 'description' ? undefined : value)));
}

describe('the OpenAPI document at /docs', () => {
  let h: Harness;
  let api: FastifyInstance;
  let doc: Document;

  beforeEach(async () => {
    h = await startHarness();
    api = await h.api();
    doc = (await api.inject({ method: 'GET', url: '/docs/json', headers: bearer('viewer') })).json() as Document;
  });
  afterEach(async () => {
    await api.close();
    await h.close();
  });

  it('is OpenAPI 3.1 with the bearer scheme, for token holders only', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes['bearerAuth']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect((await api.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(401);
  });

  it('documents every route the app has, with the role it needs and its security', () => {
    const routes = api.routeAccess().filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/docs'));
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url} is not in the document`).toBeDefined();
      expect(operation!['x-role']).toBe(route.auth);
      expect(operation!.security).toEqual(route.auth === 'public' ? [] : [{ bearerAuth: [] }]);
      expect(operation!.description).toMatch(route.auth === 'public' ? /Public: no credentials needed/ : /Needs .*(token|role)/);
      if (route.auth !== 'public') expect(Object.keys(operation!.responses)).toContain('401');
      if (route.method === 'POST') {
        expect(operation!.parameters?.find((p) => p.in === 'header')?.name).toBe('idempotency-key');
        expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['409', '422', '429']));
      }
      // Path parameters are documented from the route's own params schema.
      for (const name of [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!)) {
        expect(operation!.parameters?.find((p) => p.in === 'path' && p.name === name), `${route.url} :${name}`).toMatchObject({ required: true });
      }
    }
    // Nothing documented that the app does not serve.
    const served = new Set(routes.map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`));
    for (const [path, operations] of Object.entries(doc.paths)) for (const method of Object.keys(operations)) expect(served, `${method} ${path}`).toContain(`${method} ${path}`);
  });

  it('takes its schemas from the very TypeBox schemas the routes validate with', () => {
    const failover = doc.paths['/failover']!['post']!;
    expect(validating(failover.requestBody!.content['application/json']!.schema)).toEqual(validating(FailoverBody));
    const run = doc.paths['/runs/{id}/approve']!['post']!;
    expect(validating(run.parameters!.find((p) => p.name === 'id')!.schema)).toEqual(validating(RunParams.properties.id));
    const runs = doc.paths['/runs']!['get']!;
    expect(runs.parameters!.map((p) => p.name).sort()).toEqual(Object.keys(RunsQuery.properties).sort());
    // Every body refuses fields it does not know, in the document as in the app.
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const schema = operation.requestBody?.content['application/json']?.schema;
        if (schema) expect(schema['additionalProperties'], `${method} ${path}`).toBe(false);
      }
    }
  });

  it('serves the interactive UI to a signed-in browser, with scripts from this origin only', async () => {
    const signIn = await api.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${bearer('viewer').authorization.slice('Bearer '.length)}` });
    const cookie = { cookie: `failover_session=${signIn.cookies.find((c) => c.name === 'failover_session')!.value}` };
    expect((await api.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(401);
    const page = await api.inject({ method: 'GET', url: '/docs/', headers: cookie });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('swagger-ui-bundle.js');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    // Outside /docs the strict policy stands.
    expect((await api.inject({ method: 'GET', url: '/status', headers: cookie })).headers['content-security-policy']).toContain("style-src 'self';");
  });

  it('without the UI (the Lambda function), serves the JSON document alone', async () => {
    const app = await buildApp({ controller: h.controller, store: h.store, log: pino({ level: 'silent' }), auth: h.config.api, clock: h.clock });
    const json = await app.inject({ method: 'GET', url: '/docs/json', headers: bearer('viewer') });
    expect(json.statusCode).toBe(200);
    expect(Object.keys((json.json() as Document).paths)).toEqual(expect.arrayContaining(['/status', '/failover']));
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/docs/', headers: bearer('viewer') })).statusCode).toBe(404);
    await app.close();
  });
});
