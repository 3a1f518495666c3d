import type { Logger } from 'pino';
import type { Config } from '../../config/types.js';
import type { Notifier } from '../../ports/notifier.js';
import { FanoutNotifier } from '../notify/fanout-notifier.js';
import { WebhookNotifier } from '../notify/webhook-notifier.js';
import type { SnsClientSource } from './sns-clients.js';
import { SnsNotifier } from './sns-notifier.js';

/** The notifiers the config asks for (webhook and/or SNS topic), or none. */
export function createNotifier(config: Config, log: Logger, clients: SnsClientSource): Notifier | undefined {
  const notifiers: Notifier[] = [];
  if (config.notifications.webhookUrl) notifiers.push(new WebhookNotifier(config.notifications.webhookUrl));
  if (config.notifications.snsTopicArn) notifiers.push(new SnsNotifier(clients, config.notifications.snsTopicArn));
  return notifiers.length > 0 ? new FanoutNotifier(notifiers, log) : undefined;
}
