import { type CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { EvacuationVote, VoteBallot } from '../../ports/traffic-switch.js';
import { VOTE_METRIC, VOTE_NAMESPACE, voteDimensions } from '../../traffic/vote-metric.js';
import { awsCall } from './aws-errors.js';

/**
 * PutMetricData takes at most 1,000 MetricDatum per request
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
 */
export const MAX_DATA_PER_PUT = 1_000;

/**
 * The VoteBallot port on CloudWatch PutMetricData: each vote is one datum of
 * {@link VOTE_METRIC} in {@link VOTE_NAMESPACE}, dimensioned by application
 * and region voted on, value 1 (evacuate) or 0 (keep), unit Count. It goes
 * to the voter's own region, where that voter's alarms read it; nothing here
 * touches another region, so a vote does not depend on the region it votes
 * against. No timestamp is sent: CloudWatch stamps the datum on receipt,
 * which is what an alarm on the latest period wants.
 *
 * A retried PutMetricData (the SDK's, or the engine's after a timeout) adds
 * the same value again in the same period, which changes no alarm on the
 * metric's Maximum.
 */
export class CloudWatchVotes implements VoteBallot {
  constructor(private readonly clients: { cloudWatch(region: string): CloudWatchClient }) {}

  async castVotes(voterRegion: string, votes: EvacuationVote[]): Promise<void> {
    const data = votes.map(toDatum);
    for (let start = 0; start < data.length; start += MAX_DATA_PER_PUT) {
      const batch = data.slice(start, start + MAX_DATA_PER_PUT);
      const command = new PutMetricDataCommand({ Namespace: VOTE_NAMESPACE, MetricData: batch });
      const which = data.length > MAX_DATA_PER_PUT ? ` votes ${start + 1}-${start + batch.length} of ${data.length}` : '';
      const operation = `PutMetricData ${VOTE_NAMESPACE}/${VOTE_METRIC} (${voterRegion})${which}`;
      await awsCall(operation, () => this.clients.cloudWatch(voterRegion).send(command));
    }
  }
}

function toDatum(vote: EvacuationVote): MetricDatum {
  return {
    MetricName: VOTE_METRIC,
    Dimensions: voteDimensions(vote.app, vote.region).map((d) => ({ Name: d.name, Value: d.value })),
    Value: vote.evacuate ? 1 : 0,
    Unit: 'Count',
  };
}
