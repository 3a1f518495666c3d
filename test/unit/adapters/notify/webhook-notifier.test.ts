import { createServer } from 'node:http';
import { once } from 'node:events';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FanoutNotifier, MemoryNotifier } from '../../../../src/adapters/notify/fanout-notifier.js';
import { WebhookNotifier } from '../../../../src/adapters/notify/webhook-notifier.js';
import type { Notification } from '../../../../src/ports/notifier.js';

const page: Notification = { app: 'shop', severity: 'page', decision: { action: 'hold', app: 'shop', at: 1_000, reason: 'all regions unhealthy: holding, the observer itself may be cut off', attention: true } };

describe('WebhookNotifier', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  async function server(status: number): Promise<{ url: string; bodies: unknown[] }> {
    const bodies: unknown[] = [];
    const srv = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        bodies.push({ contentType: req.headers['content-type'], body: JSON.parse(body) });
        res.writeHead(status).end('ok');
      });
    });
    servers.push(srv);
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    return { url: `http://127.0.0.1:${(srv.address() as { port: number }).port}/hook`, bodies };
  }

  it('posts Slack-compatible JSON: a text line and the decision', async () => {
    const hook = await server(200);
    await new WebhookNotifier(hook.url).notify(page);
    expect(hook.bodies).toEqual([
      {
        contentType: 'application/json',
        body: { text: ':rotating_light: failover-controller shop: hold — all regions unhealthy: holding, the observer itself may be cut off', app: 'shop', severity: 'page', about: 'decision', decision: page.decision },
      },
    ]);
  });

  it('says what a readiness or drift notification is about, in its text and its fields', async () => {
    const hook = await server(200);
    const reason = 'readiness check database-lag failing for eu-west-1: lags 95 s. Fix: look';
    await new WebhookNotifier(hook.url).notify({ ...page, about: 'readiness', decision: { ...page.decision, reason } });
    expect(hook.bodies).toEqual([expect.objectContaining({ body: expect.objectContaining({ text: `:rotating_light: failover-controller shop: readiness — ${reason}`, about: 'readiness' }) })]);
  });

  it('a failed delivery is reported, and the fan-out logs it and goes on to the others', async () => {
    const hook = await server(500);
    await expect(new WebhookNotifier(hook.url).notify(page)).rejects.toThrow('webhook answered HTTP 500');
    const memory = new MemoryNotifier();
    await new FanoutNotifier([new WebhookNotifier(hook.url), memory], pino({ level: 'silent' })).notify(page);
    expect(memory.sent).toEqual([page]);
  });
});
