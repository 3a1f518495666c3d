import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHeartbeatBody, timeOfDay } from '../../../src/lag/heartbeat.js';
import { heartbeatReadsInFlight, readHeartbeat } from '../../../src/lag/heartbeat-reader.js';

describe('parseHeartbeatBody', () => {
  it('reads the heartbeat time and the optional role', () => {
    expect(parseHeartbeatBody('{"heartbeatAt":"2026-11-24T12:00:03.250Z","role":"replica"}')).toEqual({ heartbeatAt: Date.UTC(2026, 10, 24, 12, 0, 3, 250), role: 'replica' });
    expect(parseHeartbeatBody('{"heartbeatAt":"2026-11-24T13:00:03+01:00"}')).toEqual({ heartbeatAt: Date.UTC(2026, 10, 24, 12, 0, 3) });
  });

  it('refuses what is not a heartbeat, saying why', () => {
    expect(parseHeartbeatBody('ok')).toBe('the answer is not JSON');
    expect(parseHeartbeatBody('[]')).toBe('the answer is not a JSON object');
    // No zone: it would be read in the controller's own zone.
    expect(parseHeartbeatBody('{"heartbeatAt":"2026-11-24T12:00:03"}')).toMatch(/^heartbeatAt must be an ISO 8601 time with its zone/);
    expect(parseHeartbeatBody('{"heartbeatAt":1764000000000}')).toMatch(/^heartbeatAt must be/);
    expect(parseHeartbeatBody('{"heartbeatAt":"2026-11-24T12:00:03Z","role":"primary"}')).toBe('role must be writer or replica');
  });

  it('refuses an answer from the wrong kind of database', () => {
    expect(parseHeartbeatBody('{"heartbeatAt":"2026-11-24T12:00:03Z","role":"writer"}', 'replica')).toBe('the endpoint says its database is the writer, not the replica');
    expect(parseHeartbeatBody('{"heartbeatAt":"2026-11-24T12:00:03Z"}', 'replica')).toEqual({ heartbeatAt: Date.UTC(2026, 10, 24, 12, 0, 3) });
  });

  it('formats times of day to the millisecond when there is one', () => {
    expect(timeOfDay(Date.UTC(2026, 10, 24, 12, 0, 3))).toBe('12:00:03Z');
    expect(timeOfDay(Date.UTC(2026, 10, 24, 12, 0, 3, 40))).toBe('12:00:03.040Z');
  });
});

describe('readHeartbeat (undici, real sockets)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function serve(handler: (path: string) => { status: number; body: string; delayMs?: number }): Promise<string> {
    server = createServer((req, res) => {
      const { status, body, delayMs } = handler(req.url ?? '/');
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      }, delayMs ?? 0);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/replication`;
  }

  it('reads the endpoint, stamping the reading with the controller clock', async () => {
    const url = await serve(() => ({ status: 200, body: '{"heartbeatAt":"2026-11-24T12:00:03Z","role":"replica"}' }));
    const pending = readHeartbeat(url, { timeoutMs: 2_000, now: () => 42, expectRole: 'replica' });
    expect(heartbeatReadsInFlight()).toBe(1);
    expect(await pending).toEqual({ ok: true, reading: { url, heartbeatAt: Date.UTC(2026, 10, 24, 12, 0, 3), role: 'replica', readAt: 42 } });
    expect(heartbeatReadsInFlight()).toBe(0);
  });

  it('turns a bad status, a bad body, a wrong role, a refused connection and a timeout into reasons, never a guess', async () => {
    let answer = { status: 503, body: '{"status":"unavailable"}', delayMs: 0 };
    const url = await serve(() => answer);
    const read = (expectRole?: 'writer' | 'replica') => readHeartbeat(url, { timeoutMs: 300, now: () => 0, ...(expectRole ? { expectRole } : {}) });
    expect(await read()).toEqual({ ok: false, url, reason: 'HTTP 503' });
    answer = { status: 200, body: 'x'.repeat(20_000), delayMs: 0 };
    expect(await read()).toEqual({ ok: false, url, reason: 'the answer is larger than 16384 bytes' });
    answer = { status: 200, body: '{"heartbeatAt":"2026-11-24T12:00:03Z","role":"replica"}', delayMs: 0 };
    expect(await read('writer')).toEqual({ ok: false, url, reason: 'the endpoint says its database is the replica, not the writer' });
    answer = { status: 200, body: '{"heartbeatAt":"2026-11-24T12:00:03Z"}', delayMs: 2_000 };
    expect(await read()).toEqual({ ok: false, url, reason: 'no answer within 300 ms' });
    await new Promise<void>((resolve) => {
      server!.closeAllConnections();
      server!.close(() => resolve());
    });
    server = undefined;
    expect(await read()).toEqual({ ok: false, url, reason: 'connection refused' });
    expect(heartbeatReadsInFlight()).toBe(0);
  });
});
