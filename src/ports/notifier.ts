import type { Decision } from '../policy/decision.js';

/** Something a human should hear about: a decision that acts, or one that needs a person. */
export interface Notification {
  app: string;
  /** `act`: a failover or failback starts; `page`: a human is needed; `info`: worth knowing today (a leftover that bills). */
  severity: 'act' | 'page' | 'info';
  /**
   * What it is about: a decision of the policy (the default), or a
   * readiness check that started failing, or drift between the world and
   * what the controller believes. The latter two carry a hold with
   * attention whose reason is the finding and its fix, so that every
   * notifier formats them alike.
   */
  about?: 'decision' | 'readiness' | 'drift';
  decision: Decision;
}

/** Where notifications go: a chat webhook, an SNS topic, several of them, or nowhere. */
export interface Notifier {
  /** Deliver; `signal` aborts the request when its deadline passes (see NotificationOutbox). */
  notify(notification: Notification, signal?: AbortSignal): Promise<void>;
}

/** The subject of a notification: the decision's action, or `readiness` / `drift`. */
export function notificationTopic(notification: Notification): string {
  return notification.about && notification.about !== 'decision' ? notification.about : notification.decision.action;
}
