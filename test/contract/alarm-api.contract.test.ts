import nock from 'nock';
import { afterAll, beforeAll, expect } from 'vitest';
import { CloudWatchAlarms } from '../../src/adapters/aws/cloudwatch-alarms.js';
import { CloudWatchClients } from '../../src/adapters/aws/cloudwatch-clients.js';
import { CloudWatchVotes, MAX_DATA_PER_PUT } from '../../src/adapters/aws/cloudwatch-votes.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import { FakeCloudWatch } from '../support/fake-cloudwatch.js';
import { ManualClock } from '../support/manual-clock.js';
import { describeAlarmApiContract, type ReceivedDatum } from './alarm-api.contract.js';

// Only nock answers: nothing may leave the machine.
beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describeAlarmApiContract('SimAlarms', async () => {
  const sim = createSimProviders({ clock: new ManualClock(), delays: { alarmPeriodMs: 6_000 }, random: () => 0.5 });
  return {
    alarms: sim.alarms,
    votes: sim.alarms,
    // The clock stands still, so the current period's datapoints are all still held.
    receivedData: async (region) => sim.alarms.snapshot().datapoints.flatMap((d) => fromSimKey(d.key, d.value, region)),
    close: async () => {},
  };
});

describeAlarmApiContract('CloudWatchAlarms + CloudWatchVotes on a fake CloudWatch', async () => {
  const clock = new ManualClock();
  // Forty alarms a page at most, so a batch of 100 names follows NextToken as well.
  const fake = new FakeCloudWatch({ now: () => clock.now(), describePageSize: 40 }).install();
  const clients = new CloudWatchClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  return {
    alarms: new CloudWatchAlarms(clients),
    votes: new CloudWatchVotes(clients),
    receivedData: async (region) =>
      fake.metricData(region).map(({ namespace, metricName, dimensions, value }) => ({ namespace, metricName, dimensions, value })),
    close: async () => {
      // Whatever the test did, CloudWatch's limits held: no request was refused, none over 1,000 data.
      expect(fake.calls.filter((c) => c.status !== 200)).toEqual([]);
      expect(Math.max(0, ...fake.calls.map((c) => c.data ?? 0))).toBeLessThanOrEqual(MAX_DATA_PER_PUT);
      fake.close();
      clients.destroy();
    },
  };
});

/** A datum of the sim's store, keyed `region|namespace|metric|Name=Value,…`, if it is in `region`. */
function fromSimKey(key: string, value: number, region: string): ReceivedDatum[] {
  const [where, namespace, metricName, dims] = key.split('|');
  if (where !== region || namespace === undefined || metricName === undefined) return [];
  const dimensions = (dims ? dims.split(',') : []).map((d) => {
    const [name, ...rest] = d.split('=');
    return { name: name ?? '', value: rest.join('=') };
  });
  return [{ namespace, metricName, dimensions, value }];
}
