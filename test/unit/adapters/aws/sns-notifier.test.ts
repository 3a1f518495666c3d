import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { SnsNotifier } from '../../../../src/adapters/aws/sns-notifier.js';
import { PermanentError } from '../../../../src/errors/errors.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:failover-pages';
const clients = () => new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('SnsNotifier', () => {
  it('publishes to the topic in its own region, with a short subject, the decision as JSON and the severity as an attribute', async () => {
    let form: URLSearchParams | undefined;
    nock('https://sns.eu-west-1.amazonaws.com')
      .post('/')
      .reply(200, (_uri, body) => {
        form = new URLSearchParams(body as string);
        return '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>';
      });
    const decision = { action: 'hold' as const, app: 'shop', at: 1_000, reason: 'us-east-1 (active) unhealthy for 3 rounds; eu-west-1 is healthy, but 2 automatic failovers in 24 hours reach the cap of 2: paging a human instead', attention: true };
    await new SnsNotifier(clients(), TOPIC).notify({ app: 'shop', severity: 'page', decision });
    expect(form?.get('Action')).toBe('Publish');
    expect(form?.get('TopicArn')).toBe(TOPIC);
    expect(form?.get('Subject')).toBe('failover-controller shop: hold (needs a human)');
    expect(JSON.parse(form!.get('Message')!)).toEqual({ text: decision.reason, app: 'shop', severity: 'page', about: 'decision', decision });
    expect(form?.get('MessageAttributes.entry.1.Name')).toBe('severity');
    expect(form?.get('MessageAttributes.entry.1.Value.StringValue')).toBe('page');
  });

  it('an unknown topic is a permanent error', async () => {
    nock('https://sns.eu-west-1.amazonaws.com')
      .post('/')
      .reply(404, '<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r-2</RequestId></ErrorResponse>');
    await expect(new SnsNotifier(clients(), TOPIC).notify({ app: 'shop', severity: 'act', decision: { action: 'hold', app: 'shop', at: 1, reason: 'x', attention: false } })).rejects.toBeInstanceOf(PermanentError);
  });
});
