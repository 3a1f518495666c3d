import { PublishCommand } from '@aws-sdk/client-sns';
import { type Notification, notificationTopic, type Notifier } from '../../ports/notifier.js';
import type { SnsClientSource } from './sns-clients.js';
import { awsCall } from './aws-errors.js';

/**
 * Publishes decisions that act or page to an SNS topic (to e-mail, SMS,
 * PagerDuty or a chat integration subscribed to it): a short subject and
 * the decision as JSON, with the severity as a message attribute so that
 * subscriptions can filter pages from the rest.
 */
export class SnsNotifier implements Notifier {
  private readonly region: string;

  constructor(
    private readonly clients: SnsClientSource,
    private readonly topicArn: string,
  ) {
    // arn:aws:sns:<region>:<account>:<name>: the topic's own region answers for it.
    this.region = topicArn.split(':')[3] ?? 'us-east-1';
  }

  async notify(notification: Notification, signal?: AbortSignal): Promise<void> {
    const { decision } = notification;
    // SNS subjects: at most 100 printable ASCII characters, no line breaks.
    const subject = `failover-controller ${notification.app}: ${notificationTopic(notification)}${notification.severity === 'page' ? ' (needs a human)' : ''}`.replace(/[^\x20-\x7e]/g, ' ').slice(0, 100);
    await awsCall('Publish', () =>
      this.clients.sns(this.region).send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: subject,
          Message: JSON.stringify({ text: decision.reason, app: notification.app, severity: notification.severity, about: notification.about ?? 'decision', decision }),
          MessageAttributes: { severity: { DataType: 'String', StringValue: notification.severity } },
        }),
        signal ? { abortSignal: signal } : {},
      ),
    );
  }
}
