import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.js';
import type { Notification, Notifier } from '../ports/notifier.js';

/** How long one notification may take, all notifiers together, before it is given up (ms of clock time). */
export const NOTIFICATION_DEADLINE_MS = 10_000;

/**
 * Sends notifications off the decision path. A decision is recorded and its
 * run started without waiting for anyone to hear of it: a notifier that
 * hangs (an SNS endpoint in the region that is failing, a webhook that
 * accepts and never answers) must cost the failover nothing. Each
 * notification gets a deadline, after which it is abandoned and its
 * notifier's request aborted; `drain` lets a shutdown (or the end of a
 * Lambda invocation, which would freeze a send half way) wait for what is
 * still in flight, never longer than that deadline.
 */
export class NotificationOutbox {
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly deps: { notifier?: Notifier; clock: Clock; log: Logger },
    private readonly deadlineMs = NOTIFICATION_DEADLINE_MS,
  ) {}

  /** Start sending; returns at once. Failures and timeouts are logged, never thrown. */
  send(notification: Notification): void {
    const notifier = this.deps.notifier;
    if (!notifier) return;
    const abort = new AbortController();
    const timer = new AbortController();
    const deadline = this.deps.clock.sleep(this.deadlineMs, timer.signal).then(
      () => {
        abort.abort(new Error(`no answer within ${this.deadlineMs} ms`));
        throw new Error(`notification not delivered within ${this.deadlineMs} ms: abandoned`);
      },
      () => undefined,
    );
    const sending = Promise.race([notifier.notify(notification, abort.signal), deadline])
      .catch((err: unknown) => {
        this.deps.log.warn({ app: notification.app, severity: notification.severity, err: String(err) }, 'notification failed');
      })
      .finally(() => {
        timer.abort();
        this.inflight.delete(sending);
      });
    this.inflight.add(sending);
  }

  /** Wait for the notifications in flight (each ends by its deadline). */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** How many notifications are in flight. */
  get pending(): number {
    return this.inflight.size;
  }
}
