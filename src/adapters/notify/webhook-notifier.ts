import { request } from 'undici';
import { type Notification, notificationTopic, type Notifier } from '../../ports/notifier.js';

/**
 * Posts a Slack-compatible JSON message (`text`, plus the decision as
 * structured fields) to a webhook URL. A failed delivery throws; the caller
 * logs it and carries on: a notification must never block a failover.
 */
export class WebhookNotifier implements Notifier {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async notify(notification: Notification, signal?: AbortSignal): Promise<void> {
    const { decision } = notification;
    const icon = { page: ':rotating_light:', act: ':arrows_counterclockwise:', info: ':information_source:' }[notification.severity];
    const body = {
      text: `${icon} failover-controller ${notification.app}: ${notificationTopic(notification)} — ${decision.reason}`,
      app: notification.app,
      severity: notification.severity,
      about: notification.about ?? 'decision',
      decision,
    };
    const res = await request(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      ...(signal ? { signal } : {}),
    });
    await res.body.dump();
    if (res.statusCode >= 300) throw new Error(`webhook answered HTTP ${res.statusCode}`);
  }
}

