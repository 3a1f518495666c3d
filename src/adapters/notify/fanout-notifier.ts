import type { Logger } from 'pino';
import type { Notification, Notifier } from '../../ports/notifier.js';

/** Sends to every notifier; a failing one is logged and does not stop the others. */
export class FanoutNotifier implements Notifier {
  constructor(
    private readonly notifiers: Notifier[],
    private readonly log: Logger,
  ) {}

  async notify(notification: Notification, signal?: AbortSignal): Promise<void> {
    const results = await Promise.allSettled(this.notifiers.map((n) => n.notify(notification, signal)));
    for (const result of results) {
      if (result.status === 'rejected') this.log.warn({ app: notification.app, err: String(result.reason) }, 'notification not delivered');
    }
  }
}

/** A notifier that keeps what it was given (tests, and the local status page's history). */
export class MemoryNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(notification: Notification): Promise<void> {
    this.sent.push(structuredClone(notification));
  }
}
