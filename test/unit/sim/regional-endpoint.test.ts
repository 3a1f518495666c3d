import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/ports/clock.js';
import { HttpProber } from '../../../src/probes/http-prober.js';
import type { ProbeTarget } from '../../../src/probes/types.js';
import { RegionalEndpoint, type RegionalEndpointOptions } from '../../../src/sim/regional-endpoint.js';

const clock: Clock = { now: () => 1_000, sleep: async () => {} };

function target(url: string, extra: Partial<ProbeTarget> = {}): ProbeTarget {
  return { url, method: 'GET', expectStatus: 200, timeoutMs: 2_000, ...extra };
}

/** Returns the given values in turn, then fails loudly if asked for more. */
function sequence(values: number[]): () => number {
  let i = 0;
  return () => {
    const value = values[i++];
    if (value === undefined) throw new Error('random() called more often than expected');
    return value;
  };
}

describe('RegionalEndpoint', () => {
  const endpoints: RegionalEndpoint[] = [];
  const probers: HttpProber[] = [];

  async function started(region = 'us-east-1', options: RegionalEndpointOptions = {}): Promise<RegionalEndpoint> {
    const endpoint = new RegionalEndpoint(region, options);
    endpoints.push(endpoint);
    await endpoint.start();
    return endpoint;
  }

  function newProber(): HttpProber {
    const prober = new HttpProber({ clock, concurrency: 4 });
    probers.push(prober);
    return prober;
  }

  afterEach(async () => {
    await Promise.all(endpoints.splice(0).map((e) => e.stop()));
    await Promise.all(probers.splice(0).map((p) => p.close()));
  });

  it('serves healthy JSON with x-region on any path', async () => {
    const endpoint = await started('us-east-1');
    expect(endpoint.mode).toBe('healthy');
    expect(endpoint.url()).toBe(`http://127.0.0.1:${endpoint.port}/health`);

    const response = await request(endpoint.url('/any/path'), { reset: true });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-region']).toBe('us-east-1');
    expect(response.headers['content-type']).toBe('application/json');
    expect(await response.body.json()).toEqual({ status: 'ok', region: 'us-east-1' });
    expect(endpoint.requests()).toBe(1);
  });

  it('answers 503 in http503 mode', async () => {
    const endpoint = await started();
    await endpoint.setMode('http503');
    expect(endpoint.mode).toBe('http503');

    const response = await request(endpoint.url(), { reset: true });
    expect(response.statusCode).toBe(503);
    expect(await response.body.json()).toEqual({ status: 'unavailable' });
  });

  it('answers after slowDelayMs in slow mode', async () => {
    const endpoint = await started('eu-west-1', { slowDelayMs: 100 });
    await endpoint.setMode('slow');
    const result = await newProber().probe(target(endpoint.url()));
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.latencyMs).toBeGreaterThanOrEqual(90);
  });

  it('drops a pending slow response when the client gives up, and stop() does not wait for it', async () => {
    const endpoint = await started('eu-west-1', { slowDelayMs: 60_000 });
    await endpoint.setMode('slow');
    const result = await newProber().probe(target(endpoint.url(), { timeoutMs: 50 }));
    expect(result.error).toBe('timeout');
    // A second request left hanging: stop() must clear its timer and socket.
    const hanging = request(endpoint.url(), { reset: true }).catch((err: unknown) => err);
    while (endpoint.requests() < 2) await new Promise((resolve) => setImmediate(resolve));
    await endpoint.stop();
    expect(await hanging).toBeInstanceOf(Error);
  });

  it('refuses connections when down and re-listens on the same port afterwards', async () => {
    const endpoint = await started();
    const prober = newProber();
    const port = endpoint.port;
    expect((await prober.probe(target(endpoint.url()))).ok).toBe(true);

    await endpoint.setMode('down');
    expect(endpoint.mode).toBe('down');
    expect(await prober.probe(target(endpoint.url()))).toMatchObject({ ok: false, error: 'refused' });

    await endpoint.setMode('healthy');
    expect(endpoint.port).toBe(port);
    expect(await prober.probe(target(endpoint.url()))).toMatchObject({ ok: true, status: 200 });
    expect(endpoint.requests()).toBe(2);
  });

  it('drops open keep-alive connections when going down', async () => {
    const endpoint = await started();
    // A default undici request keeps its socket open after the response.
    const first = await request(endpoint.url());
    await first.body.dump();
    await endpoint.setMode('down');
    await expect(request(endpoint.url())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('can start in down mode and come up later', async () => {
    const endpoint = new RegionalEndpoint('ap-south-1');
    endpoints.push(endpoint);
    await endpoint.setMode('down');
    await endpoint.start();
    expect(() => endpoint.port).toThrow(/start/);
    await endpoint.setMode('healthy');
    expect(await newProber().probe(target(endpoint.url()))).toMatchObject({ ok: true });
  });

  it('flaps according to random() and flapFailureRatio', async () => {
    const endpoint = await started('us-west-2', {
      flapFailureRatio: 0.3,
      random: sequence([0.1, 0.9, 0.29, 0.3, 0.5, 0.0]),
    });
    await endpoint.setMode('flapping');
    const prober = newProber();
    const statuses: Array<number | undefined> = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await prober.probe(target(endpoint.url()))).status);
    }
    expect(statuses).toEqual([503, 200, 503, 200, 200, 503]);
    expect(endpoint.requests()).toBe(6);
  });

  it('applies concurrent mode changes in order', async () => {
    const endpoint = await started();
    const port = endpoint.port;
    await Promise.all([endpoint.setMode('down'), endpoint.setMode('http503'), endpoint.setMode('down'), endpoint.setMode('healthy')]);
    expect(endpoint.mode).toBe('healthy');
    expect(endpoint.port).toBe(port);
    expect(await newProber().probe(target(endpoint.url()))).toMatchObject({ ok: true });
  });

  it('stop() is safe to call twice and while down', async () => {
    const endpoint = await started();
    await endpoint.setMode('down');
    await endpoint.stop();
    await endpoint.stop();
  });
});
