import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { type LagWindow, latestLag } from '../../../../src/adapters/aws/replica-lag.js';
import { estimateFromLagSamples } from '../../../../src/lag/data-loss.js';
import { AwsNock } from '../../../support/aws-nock.js';

/**
 * ReplicaLag as RDS publishes it, over CloudWatch's JSON 1.0 wire format,
 * into the RPO guard's estimate. RDS ("Monitoring read replication",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html):
 * MySQL's ReplicaLag is Seconds_Behind_Master, -1 when replication is not
 * active; PostgreSQL's is `now() - pg_last_xact_replay_timestamp()`, the
 * time since the last replayed transaction, which climbs on an idle primary.
 */
const NOW = Date.UTC(2026, 10, 24, 12, 3, 30);
/** The first failed probe round: the outage began within the probe interval before it. */
const OUTAGE = Date.UTC(2026, 10, 24, 12, 1, 20);
const WINDOW: LagWindow = { now: NOW, windowMs: 10 * 60_000, periodSeconds: 60, maxAgeMs: 5 * 60_000 };
const POLICY = { outageStartedAt: OUTAGE, detectionSlackMs: 5_000, rpoSeconds: 60, maxLagSampleAgeSeconds: 300 };
const REPLICA_LAG = [{ metricName: 'ReplicaLag', dimension: { name: 'DBInstanceIdentifier', value: 'shop-db-euw1' }, unit: 'seconds' as const }];

/** Epoch seconds of the minute starting at 12:MM (11:54 is -6), as JSON 1.0 carries timestamps. */
const minute = (m: number) => Date.UTC(2026, 10, 24, 12, m, 0) / 1000;
const MINUTES = [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3];

let clients: AwsClients;
let aws: AwsNock;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  aws = new AwsNock();
});
afterEach(() => {
  nock.cleanAll();
  clients.destroy();
});

/** Answer GetMetricData with one value per minute of MINUTES, newest first (ScanBy TimestampDescending). */
async function readReplicaLag(values: number[]) {
  const newestFirst = MINUTES.map((m, i) => ({ t: minute(m), v: values[i]! })).reverse();
  aws.getMetricData('eu-west-1', {
    MetricDataResults: [{ Id: 'lag0', Label: 'ReplicaLag', Timestamps: newestFirst.map((p) => p.t), Values: newestFirst.map((p) => p.v), StatusCode: 'Complete' }],
    Messages: [],
  });
  const lag = await latestLag(clients.cloudWatch('eu-west-1'), 'GetMetricData ReplicaLag shop-db-euw1 (eu-west-1)', REPLICA_LAG, WINDOW);
  aws.done();
  return lag;
}

describe('ReplicaLag over CloudWatch into the data-loss estimate', () => {
  it('MySQL, healthy until the outage: the -1 datapoints after it (Seconds_Behind_Master NULL) are not counted, and the replica passes the RPO guard', async () => {
    const lag = await readReplicaLag([0, 0, 1, 0, 0, 0, 0, -1, -1, -1]);
    // Every datapoint comes back, oldest first, the -1 ones kept as they are; there is no lag now.
    expect(lag?.points.map((p) => p.seconds)).toEqual([0, 0, 1, 0, 0, 0, 0, -1, -1, -1]);
    expect(lag?.points[0]?.at).toBe(minute(-6) * 1000);
    expect(lag?.seconds).toBeUndefined();
    const estimate = estimateFromLagSamples(lag, { ...POLICY, engineFamily: 'mysql' });
    expect(estimate).toMatchObject({ seconds: 1, withinRpo: true });
    // The summary shows the datapoints it used, newest first, and what it left out.
    expect(estimate.summary).toBe(
      'estimated data loss up to 1 s of writes (ReplicaLag before the outage began at 2026-11-24T12:01:20Z: ' +
        '0 s at 12:00:00Z, 0 s at 11:59:00Z, 0 s at 11:58:00Z, 0 s at 11:57:00Z, 1 s at 11:56:00Z; 3 datapoints from then on not counted); RPO 60 s',
    );
  });

  it('MySQL with replication stopped before the outage: -1 is "replication not running", never 0, and the guard asks a person', async () => {
    const lag = await readReplicaLag([0, 0, 0, -1, -1, -1, -1, -1, -1, -1]);
    const estimate = estimateFromLagSamples(lag, { ...POLICY, engineFamily: 'mysql' });
    expect(estimate.seconds).toBeUndefined();
    expect(estimate).toMatchObject({ withinRpo: false, replicationNotRunning: true });
    expect(estimate.summary).toMatch(/^replication not running before the outage: ReplicaLag -1 .* in 4 datapoints from 11:57:00Z to 12:00:00Z, the outage began at 2026-11-24T12:01:20Z: the replica may lack every write since replication stopped/);
  });

  it('PostgreSQL on an idle primary: the pre-outage "lag" climbs to 300 s with nothing to lose; CloudWatch alone cannot tell, so the guard asks a person and says why', async () => {
    // Time since the last replayed transaction: RDS's own write every five minutes resets it.
    const lag = await readReplicaLag([175, 235, 295, 55, 115, 175, 235, 295, 355, 415]);
    const estimate = estimateFromLagSamples(lag, { ...POLICY, engineFamily: 'postgres' });
    expect(estimate).toMatchObject({ seconds: 295, withinRpo: false });
    expect(estimate.summary).toContain("PostgreSQL's ReplicaLag is the time since the last replayed transaction, so an idle primary shows lag that is no data loss");
    expect(estimate.summary).toContain('; RPO 60 s: above the RPO');
  });

  it('PostgreSQL on a busy primary: the lag growing after the outage by design is not evidence of loss before it', async () => {
    const lag = await readReplicaLag([0, 1, 0, 0, 1, 0, 0, 40, 100, 160]);
    expect(lag?.worstRecentSeconds).toBe(160);
    expect(estimateFromLagSamples(lag, { ...POLICY, engineFamily: 'postgres' })).toMatchObject({ seconds: 1, withinRpo: true });
  });
});
