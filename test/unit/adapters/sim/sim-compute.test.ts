import { describe, expect, it } from 'vitest';
import { createSimProviders } from '../../../../src/adapters/sim/sim-providers.js';
import { liveCapacity, servingCapacity } from '../../../../src/ports/compute-provider.js';
import { ManualClock } from '../../../support/manual-clock.js';

const GROUP = { region: 'eu-west-1', groupName: 'shop-web-euw1' };
const BAD_AMI = "The image id '[ami-0123456789abcdef0]' does not exist. Launching EC2 instance failed.";

function sim() {
  const clock = new ManualClock();
  const providers = createSimProviders({ clock, delays: { instanceBootMs: 3_000 }, random: () => 0.5 });
  return { clock, providers, compute: providers.compute };
}

/**
 * What the simulated compute holds beyond the contract suite
 * (test/contract/compute-provider.contract.ts): seeding with weights, its
 * snapshots, and that the world's own changes are not API calls.
 */
describe('SimCompute: drills of what goes wrong', () => {
  it('seeds a weighted group in units: enough instances to hold the capacity', async () => {
    const { compute } = sim();
    compute.seed(GROUP, 10, 20, { instanceWeight: 4 });
    const group = await compute.describeGroup(GROUP);
    expect(group.instances.map((i) => [i.lifecycleState, i.weight])).toEqual([
      ['InService', 4],
      ['InService', 4],
      ['InService', 4],
    ]);
    expect(servingCapacity(group)).toBe(12);
    expect(group.latestFailure).toBeUndefined();
  });

  it('a launch limit of 0 with a message of its own is a launch that always fails (a missing AMI)', async () => {
    const { compute, clock } = sim();
    compute.seed(GROUP, 1, 4);
    compute.setLaunchLimit(GROUP, 0, BAD_AMI);
    await compute.setCapacity(GROUP, 3);
    await clock.advance(60_000);
    const group = await compute.describeGroup(GROUP);
    expect(liveCapacity(group)).toBe(1);
    expect(group.latestFailure).toEqual({ id: expect.any(String), status: 'Failed', message: BAD_AMI, startedAt: clock.now() - 60_000 });
  });

  it('keeps the newest 20 failures, each attempt one failure with its own id', async () => {
    const { compute } = sim();
    compute.seed(GROUP, 1, 40);
    compute.setLaunchLimit(GROUP, 1);
    for (let n = 2; n <= 30; n++) await compute.setCapacity(GROUP, n);
    const snapshot = compute.snapshot();
    const failures = snapshot.groups[0]!.failures!;
    expect(failures).toHaveLength(20);
    expect(new Set(failures.map((f) => f.id)).size).toBe(20);
    expect((await compute.describeGroup(GROUP)).latestFailure?.id).toBe(failures.at(-1)!.id);
  });

  it('a snapshot carries limits, suspensions, weights, the hook and failures, and a restored world goes on the same way', async () => {
    const a = sim();
    a.compute.seed(GROUP, 2, 10);
    a.compute.setInstanceWeight(GROUP, 2);
    a.compute.setTerminateHook(GROUP, 60 * 60_000);
    a.compute.setLaunchLimit(GROUP, 6);
    await a.compute.setCapacity(GROUP, 8);
    a.compute.suspendProcesses(GROUP, ['AZRebalance']);

    const b = sim();
    b.compute.restore(JSON.parse(JSON.stringify(a.compute.snapshot())));
    expect(await b.compute.describeGroup(GROUP)).toEqual(await a.compute.describeGroup(GROUP));
    for (const s of [a, b]) {
      await s.compute.setCapacity(GROUP, 2);
      s.compute.setLaunchLimit(GROUP, undefined);
      await s.compute.setCapacity(GROUP, 4);
    }
    expect(b.compute.snapshot()).toEqual(a.compute.snapshot());
  });

  it('restores a snapshot written before these drills existed', async () => {
    const { compute } = sim();
    compute.restore({ groups: [{ name: GROUP.groupName, region: GROUP.region, minSize: 1, maxSize: 4, desired: 1, instances: [{ id: 'i-sim00000001', launchedAt: 0 }] }], nextInstance: 2 });
    const group = await compute.describeGroup(GROUP);
    expect(group).toMatchObject({ desiredCapacity: 1, suspendedProcesses: [], instances: [{ id: 'i-sim00000001', lifecycleState: 'InService', weight: 1 }] });
    await compute.setCapacity(GROUP, 2);
    expect((await compute.describeGroup(GROUP)).instances.map((i) => i.id)).toEqual(['i-sim00000001', 'i-sim00000002']);
  });

  it('changes the world without API calls: nothing of it is in the call log', async () => {
    const { compute, providers } = sim();
    compute.seed(GROUP, 1, 4);
    compute.setLaunchLimit(GROUP, 1);
    compute.suspendProcesses(GROUP, ['Launch']);
    compute.resumeProcesses(GROUP, ['Launch']);
    compute.setInstanceWeight(GROUP, 2);
    compute.setTerminateHook(GROUP, 1_000);
    expect(providers.cloud.calls).toEqual([]);
  });
});
