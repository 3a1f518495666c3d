import nock from 'nock';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CloudWatchVotes } from '../../../../src/adapters/aws/cloudwatch-votes.js';
import { PermanentError, TransientError } from '../../../../src/errors/errors.js';
import type { EvacuationVote } from '../../../../src/ports/traffic-switch.js';
import { useAwsNock } from '../../../support/aws-nock.js';

/**
 * CloudWatchVotes over CloudWatch's wire format in this SDK: JSON 1.0
 * (X-Amz-Target GraniteServiceVersion20100801.PutMetricData) with
 * awsQueryCompatible errors (the query-era code in x-amzn-query-error), and
 * PutMetricData's request compression: a body of 10 KiB or more goes out
 * gzipped (Content-Encoding: gzip), which nock hands over hex-encoded.
 */
const t = useAwsNock();

interface Sent {
  host: string;
  target: string;
  encoding: string | undefined;
  scope: string | undefined;
  body: { Namespace: string; MetricData: Record<string, unknown>[] };
}

/** Answer the next PutMetricData to `region` (200, or an error), capturing the decoded request into `sent`. */
function putMetricData(sent: Sent[], region: string, error?: { status: number; code: string; message: string }): void {
  const host = `monitoring.${region}.amazonaws.com`;
  nock(`https://${host}`)
    .post('/')
    .matchHeader('x-amz-target', 'GraniteServiceVersion20100801.PutMetricData')
    .reply(function (this: nock.ReplyFnContext, _uri, body) {
      const headers = this.req.headers;
      const encoding = headers['content-encoding'] as string | undefined;
      const raw = encoding === 'gzip' ? gunzipSync(Buffer.from(String(body), 'hex')).toString('utf8') : String(body);
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+\/[^/]+)\//.exec(String(headers['authorization']))?.[1];
      sent.push({ host, target: String(headers['x-amz-target']), encoding, scope, body: JSON.parse(raw) as Sent['body'] });
      const json = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `req-${sent.length}` };
      if (!error) return [200, '{}', json];
      return [
        error.status,
        JSON.stringify({ __type: `com.amazonaws.cloudwatch#${error.code}`, message: error.message }),
        { ...json, 'x-amzn-query-error': `${error.code};${error.status >= 500 ? 'Receiver' : 'Sender'}` },
      ];
    });
}

/** A vote on us-east-1. */
const vote = (app: string, evacuate: boolean): EvacuationVote => ({ app, region: 'us-east-1', evacuate });

const datum = (app: string, region: string, value: 0 | 1) => ({
  MetricName: 'EvacuateRegion',
  Dimensions: [
    { Name: 'Application', Value: app },
    { Name: 'Region', Value: region },
  ],
  Value: value,
  Unit: 'Count',
});

describe('CloudWatchVotes.castVotes', () => {
  it('sends one PutMetricData to the voter region: namespace, metric, dimensions, value 1 or 0, unit Count, no timestamp', async () => {
    const sent: Sent[] = [];
    putMetricData(sent, 'eu-west-1');
    const votes: EvacuationVote[] = [
      { app: 'shop', region: 'us-east-1', evacuate: true },
      { app: 'shop', region: 'eu-west-1', evacuate: false },
    ];
    await new CloudWatchVotes(t.clients).castVotes('eu-west-1', votes);
    t.aws.done();
    expect(sent).toEqual([
      {
        host: 'monitoring.eu-west-1.amazonaws.com',
        target: 'GraniteServiceVersion20100801.PutMetricData',
        encoding: undefined,
        scope: 'eu-west-1/monitoring',
        body: { Namespace: 'FailoverController', MetricData: [datum('shop', 'us-east-1', 1), datum('shop', 'eu-west-1', 0)] },
      },
    ]);
  });

  it('splits 2,500 votes into PutMetricData calls of 1,000, 1,000 and 500, in order, each vote exactly once', async () => {
    const sent: Sent[] = [];
    for (let i = 0; i < 3; i++) putMetricData(sent, 'us-west-2');
    const votes = Array.from({ length: 2_500 }, (_, i) => vote(`app-${i}`, i % 2 === 0));
    await new CloudWatchVotes(t.clients).castVotes('us-west-2', votes);
    t.aws.done();
    expect(sent.map((s) => s.body.MetricData.length)).toEqual([1_000, 1_000, 500]);
    // The full batches are over 10 KiB: the SDK gzips them, as CloudWatch allows for PutMetricData.
    expect(sent.map((s) => s.encoding)).toEqual(['gzip', 'gzip', 'gzip']);
    expect(sent.flatMap((s) => s.body.MetricData)).toEqual(votes.map((v) => datum(v.app, v.region, v.evacuate ? 1 : 0)));
    expect(new Set(sent.map((s) => s.body.Namespace))).toEqual(new Set(['FailoverController']));
  });

  it('sends nothing for no votes', async () => {
    await new CloudWatchVotes(t.clients).castVotes('eu-west-1', []);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('Throttling is a TransientError naming the call and the voter region', async () => {
    putMetricData([], 'eu-west-1', { status: 400, code: 'Throttling', message: 'Rate exceeded' });
    const err = await new CloudWatchVotes(t.clients).castVotes('eu-west-1', [vote('shop', true)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toBe(
      'PutMetricData FailoverController/EvacuateRegion (eu-west-1): Throttling: Rate exceeded (request req-1)',
    );
  });

  it('a refused batch stops the rest and says which votes it held; InvalidParameterValue is a PermanentError', async () => {
    // A modeled error: the SDK names it after its shape (InvalidParameterValueException), the header carries the query code.
    const sent: Sent[] = [];
    putMetricData(sent, 'eu-west-1');
    const refusal = { status: 400, code: 'InvalidParameterValue', message: 'The value for parameter Dimensions is invalid' };
    putMetricData(sent, 'eu-west-1', refusal);
    const votes = Array.from({ length: 2_001 }, (_, i) => vote(`app-${i}`, true));
    const err = await new CloudWatchVotes(t.clients).castVotes('eu-west-1', votes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(
      /^PutMetricData FailoverController\/EvacuateRegion \(eu-west-1\) votes 1001-2000 of 2001: InvalidParameterValueException: /,
    );
    expect(sent).toHaveLength(2);
  });
});
