import { createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsClients } from '../../src/adapters/aws/sns-clients.js';
import { SnsNotifier } from '../../src/adapters/aws/sns-notifier.js';
import type { Notification, Notifier } from '../../src/ports/notifier.js';
import { NOTIFICATION_DEADLINE_MS, NotificationOutbox } from '../../src/controller/notification-outbox.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { runsOldestFirst } from '../support/world-state.js';

/** A notifier like an SNS endpoint that accepts and never answers: it hears the abort, nothing else. */
class HangingNotifier implements Notifier {
  readonly calls: { notification: Notification; signal?: AbortSignal }[] = [];
  notify(notification: Notification, signal?: AbortSignal): Promise<void> {
    this.calls.push({ notification, ...(signal ? { signal } : {}) });
    return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
  }
}

/** A TCP server that accepts connections and never writes a byte. */
async function blackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('notifications never sit on the path of a decision or a run', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('starts the failover in the round that decides it and keeps probing while the notifier never answers', async () => {
    const hanging = new HangingNotifier();
    h = await startHarness({ policy: { probeIntervalSeconds: 2, fallThreshold: 3 }, extraNotifier: hanging });
    h.controller.start();
    await h.clock.advance(10_000);
    await h.world.outage('us-east-1');
    const started = await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).length > 0, { stepMs: 100, maxMs: 30_000 });
    expect(started).toBe(true);
    const [run] = await runsOldestFirst(h);
    const [failover] = (await h.store.listDecisions({ app: 'shop', limit: 50 })).filter((d) => d.action === 'failover');
    // The run was created in the same round as the decision, though its notification is still unanswered.
    expect(run!.createdAt - failover!.at).toBeLessThan(2_000);
    expect(hanging.calls.map((c) => c.notification.decision.action)).toContain('failover');
    const pendingSignal = hanging.calls.find((c) => c.notification.decision.action === 'failover')!.signal!;
    expect(pendingSignal.aborted).toBe(false);

    // Rounds go on: the run finishes and the status moves while the notification hangs.
    await h.clock.advanceUntil(async () => (await runsOldestFirst(h))[0]!.status !== 'running', { stepMs: 250, maxMs: 60_000 });
    expect((await runsOldestFirst(h))[0]!.status).toBe('succeeded');
    expect((await h.controller.status()).applications[0]!.activeRegion).toBe('eu-west-1');
    // And the notification is given up at its deadline, its request aborted.
    await h.clock.advance(NOTIFICATION_DEADLINE_MS);
    expect(pendingSignal.aborted).toBe(true);
    // Stopping drains what is still in flight (the world watch notifies too), each bounded by the same deadline.
    const stopping = h.controller.stop();
    await h.clock.advance(NOTIFICATION_DEADLINE_MS);
    await stopping;
  });

  it('aborts an SNS Publish to an endpoint that accepts and never answers at the deadline, and drains', async () => {
    const hole = await blackHole();
    try {
      const clock = new ManualClock();
      const sns = new SnsNotifier(new SnsClients({ endpoints: { sns: hole.url }, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }), 'arn:aws:sns:us-east-1:123456789012:pages');
      const logged: string[] = [];
      const log = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
      const outbox = new NotificationOutbox({ notifier: sns, clock, log });
      outbox.send({ app: 'shop', severity: 'page', decision: { action: 'hold', app: 'shop', at: clock.now(), reason: 'test', attention: true } });
      expect(outbox.pending).toBe(1);
      await clock.advance(NOTIFICATION_DEADLINE_MS);
      await outbox.drain();
      expect(outbox.pending).toBe(0);
      expect(logged.join('')).toContain('notification failed');
    } finally {
      await hole.close();
    }
  });
});
