import type { FastifyInstance, InjectOptions } from 'fastify';
import { harnessWithApi } from '../support/harness-api.js';
import { describe, expect, it } from 'vitest';
import { assetUrl } from '../../src/api/assets/assets.js';
import { bearer } from '../support/auth.js';
import type { Harness } from '../support/harness.js';

/** What the API does with input that a loose parser would let through: query numbers, free text, prototype keys; and how answers may be cached. */
describe('API input and answers', () => {
  let h: Harness;
  let api: FastifyInstance;
  const json = (url: string, payload: string) => api.inject({ method: 'POST', url, headers: { ...bearer('admin'), 'content-type': 'application/json' }, payload });

  harnessWithApi((started) => ({ h, api } = started));

  it('takes a list limit only in plain decimal digits, on every list route: 1.5, 0x10, 1e1, +5 and " 5" are 400s naming querystring.limit', async () => {
    for (const route of ['/runs', '/decisions', '/drills', '/audit']) {
      for (const limit of ['1.5', '0x10', '1e1', '%2B5', '%205', '5%20', '0b11', 'Infinity']) {
        const res = await api.inject({ method: 'GET', url: `${route}?limit=${limit}`, headers: bearer('viewer') });
        expect(res.statusCode, `${route}?limit=${limit}: ${res.body}`).toBe(400);
        expect(res.json().message, `${route}?limit=${limit}`).toMatch(/^querystring\.limit: must be a whole number from 1 to \d+, in decimal digits$/);
      }
      const fine = await api.inject({ method: 'GET', url: `${route}?limit=10`, headers: bearer('viewer') });
      expect(fine.statusCode, `${route}?limit=10: ${fine.body}`).toBe(200);
    }
    // A good limit beside a bad field: only the bad field is named.
    expect((await api.inject({ method: 'GET', url: '/runs?limit=5&app=%00', headers: bearer('viewer') })).json().message).toMatch(/^querystring\.app: /);
  });

  it('refuses free text with CR, C1 controls, line separators, lone surrogates or zero-width characters, naming the field', async () => {
    const hostile: Record<string, string> = {
      CR: '\r',
      'U+0080': '\u0080',
      'U+0085 (NEL)': '\u0085',
      'U+009F': '\u009f',
      'U+2028': '\u2028',
      'U+2029': '\u2029',
      'lone high surrogate': '\ud800',
      'lone low surrogate': '\udc00',
      'U+200B': '\u200b',
      'U+200C': '\u200c',
      'U+200D': '\u200d',
      'U+2060': '\u2060',
      'U+FEFF': '\ufeff',
    };
    for (const [label, char] of Object.entries(hostile)) {
      const text = `all${char}good`;
      const answers = [
        [await json('/failover', JSON.stringify({ to: 'eu-west-1', reason: text })), 'body.reason'],
        [await json('/failback', JSON.stringify({ reason: text })), 'body.reason'],
        [await json('/runs/run-none/approve', JSON.stringify({ comment: text })), 'body.comment'],
        [await json('/runs/run-none/cancel', JSON.stringify({ comment: text })), 'body.comment'],
        [await json('/drills/drill-none/abort', JSON.stringify({ reason: text })), 'body.reason'],
        [await json('/runs/run-none/approve', JSON.stringify({ by: text })), 'body.by'],
      ] as const;
      for (const [res, field] of answers) {
        expect(res.statusCode, `${label} in ${field}: ${res.body}`).toBe(400);
        expect(res.json().message, `${label} in ${field}`).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
      }
    }
    expect(await h.store.listRuns({ limit: 10 })).toEqual([]);
    // Tab, newline, accents and emoji (a surrogate pair) are text: these get past validation to the run lookup.
    for (const comment of ['line one\nline two\tindented', 'déjà vu, 🚀 done']) {
      const res = await json('/runs/run-none/cancel', JSON.stringify({ comment }));
      expect(res.statusCode, res.body).toBe(404);
    }
  });

  it('answers a body with a __proto__ or constructor.prototype key with a 400 that says the key is not allowed', async () => {
    const cases: [string, string][] = [
      ['{"__proto__":{"polluted":true},"to":"eu-west-1","reason":"x"}', '__proto__'],
      ['{"to":"eu-west-1","reason":"x","nested":{"__proto__":{"polluted":true}}}', '__proto__'],
      ['{"constructor":{"prototype":{"polluted":true}},"to":"eu-west-1","reason":"x"}', 'constructor.prototype'],
    ];
    for (const [payload, key] of cases) {
      const res = await json('/failover', payload);
      expect(res.statusCode, payload).toBe(400);
      expect(res.json().message, payload).toBe(`body: the key ${key} is not allowed in a request body (it could change the prototype of objects); leave it out`);
    }
    // Malformed JSON is still called that.
    expect((await json('/failover', '{"to":')).json().message).toMatch(/not valid JSON/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(await h.store.listRuns({ limit: 10 })).toEqual([]);
  });

  it('marks every JSON answer and every page Cache-Control: no-store, refusals included; versioned assets stay cacheable', async () => {
    const requests: InjectOptions[] = [
      { method: 'GET', url: '/health' },
      { method: 'GET', url: '/status', headers: bearer('viewer') },
      { method: 'GET', url: '/runs', headers: bearer('viewer') },
      { method: 'GET', url: '/audit?limit=abc', headers: bearer('viewer') },
      { method: 'GET', url: '/status' },
      { method: 'GET', url: '/nowhere', headers: bearer('viewer') },
      { method: 'POST', url: '/failback', headers: bearer('operator'), payload: { reason: 'x' } },
      { method: 'POST', url: '/failback', headers: bearer('viewer'), payload: { reason: 'x' } },
      { method: 'GET', url: '/docs/json', headers: bearer('viewer') },
      { method: 'GET', url: '/login' },
      { method: 'GET', url: '/', headers: bearer('viewer') },
    ];
    for (const request of requests) {
      const res = await api.inject(request);
      expect(res.headers['cache-control'], `${request.method} ${request.url}: ${res.statusCode}`).toBe('no-store');
    }
    expect((await api.inject({ method: 'GET', url: assetUrl('status.js') })).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await api.inject({ method: 'GET', url: '/assets/status.css' })).headers['cache-control']).toBe('no-cache');
  });
});
