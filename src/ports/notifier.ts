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
  notify(notification: Notification): Promise<void>;
}
