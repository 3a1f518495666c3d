import type { Decision } from '../policy/decision.js';

/** Something a human should hear about: a decision that acts, or one that needs a person. */
export interface Notification {
  app: string;
  /** `act`: a failover or failback starts; `page`: a human is needed. */
  severity: 'act' | 'page';
  decision: Decision;
}

/** Where notifications go: a chat webhook, an SNS topic, several of them, or nowhere. */
export interface Notifier {
  /** Deliver; `signal` aborts the request when its deadline passes (see NotificationOutbox). */
  notify(notification: Notification, signal?: AbortSignal): Promise<void>;
}
