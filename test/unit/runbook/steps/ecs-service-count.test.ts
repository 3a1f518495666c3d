import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { pendingApprovals } from '../../../../src/controller/pending-approvals.js';
import type { Clock } from '../../../../src/ports/clock.js';
import type { EcsProvider, EcsServiceRef, EcsServiceState } from '../../../../src/ports/ecs-provider.js';
import { runbook, sequence } from '../../../../src/runbook/step.js';
import { approvalGate } from '../../../../src/runbook/steps/approval-gate.js';
import { ecsServiceCount } from '../../../../src/runbook/steps/ecs-service-count.js';
import { definitionOf } from '../../../support/compute-step.js';
import { libraryRuns } from '../../../support/library-step-run.js';
import { ManualClock } from '../../../support/manual-clock.js';
import { runFixture } from '../../../support/run-fixture.js';

/**
 * One ECS service: a task starts every 10 s toward the desired count (or
 * stops at once), and a rollout in progress keeps two deployments until
 * `rolloutEndsAt`.
 */
class FakeEcs implements EcsProvider {
  readonly sets: { ref: EcsServiceRef; count: number }[] = [];
  private desired = 2;
  private running = 2;
  private lastTick: number;

  constructor(
    private readonly clock: Clock,
    private readonly rolloutEndsAt = 0,
  ) {
    this.lastTick = clock.now();
  }

  async describeService(ref: EcsServiceRef): Promise<EcsServiceState> {
    this.tick();
    const rolling = this.clock.now() < this.rolloutEndsAt;
    return {
      ref,
      status: 'ACTIVE',
      desiredCount: this.desired,
      runningCount: this.running,
      pendingCount: Math.max(0, this.desired - this.running),
      deployments: rolling ? 2 : 1,
      rolloutState: rolling ? 'IN_PROGRESS' : 'COMPLETED',
      ...(this.running < this.desired ? { latestEvent: `(service web) has started 1 tasks` } : {}),
    };
  }

  async setDesiredCount(ref: EcsServiceRef, count: number): Promise<void> {
    this.tick();
    this.sets.push({ ref, count });
    this.desired = count;
    if (this.running > count) this.running = count;
  }

  private tick(): void {
    const steps = Math.floor((this.clock.now() - this.lastTick) / 10_000);
    if (steps <= 0) return;
    this.lastTick += steps * 10_000;
    this.running = Math.min(this.desired, this.running + steps);
  }
}

const scaleWeb = ecsServiceCount({
  id: 'scale-web-service',
  title: 'Scale the web service',
  side: 'to',
  cluster: (region) => `shop-${region.name}`,
  service: 'web',
  count: (app, region) => (app.name === 'shop' && region.name === 'eu-west-1' ? 4 : 0),
});

describe('ecsServiceCount', () => {
  it('sets the desired count in its side, and waits for the steady state: one deployment, as many running as desired', async () => {
    const clock = new ManualClock();
    // The count is reached 20 s after the act, but a rollout keeps a second deployment for 60 s.
    const ecs = new FakeEcs(clock, clock.now() + 60_000);
    const { execute, journal, store, runId } = libraryRuns({ ecs }, { clock });
    const run = await execute(runbook('ecs', 'ecs', scaleWeb));
    expect(run?.status).toBe('succeeded');
    expect(ecs.sets).toEqual([{ ref: { region: 'eu-west-1', cluster: 'shop-eu-west-1', service: 'web' }, count: 4 }]);
    const step = run!.steps[0]!;
    expect(step.finishedAt! - step.startedAt!).toBeGreaterThanOrEqual(60_000);
    // What the polls saw while waiting: the count reached, the rollout's second deployment still there.
    expect(step.lastObservation?.text).toMatch(/^ACTIVE, desired 4, 4 running, 0 pending, 2 deployments \(rollout IN_PROGRESS\); wanted: desired 4, 4 running, one deployment/);
    expect(step.message).toBe('ACTIVE, desired 4, 4 running, 0 pending, 1 deployment (rollout COMPLETED) (desired count was 2)');
    expect(await journal()).toContain('act-succeeded:scale-web-service');
    const acted = (await store.readJournal(runId)).find((e) => e.type === 'act-succeeded');
    expect(acted?.detail).toEqual({ before: 2, set: 4 });
  });

  it('has the capacity role of its side', () => {
    expect(definitionOf(scaleWeb).role).toEqual({ kind: 'capacity', side: 'to' });
  });

  it('is skipped when the service is already steady at the count', async () => {
    const clock = new ManualClock();
    const ecs = new FakeEcs(clock);
    const { execute } = libraryRuns({ ecs }, { clock });
    const keep = ecsServiceCount({ id: 'keep-web', title: 'keep', side: 'to', cluster: 'shop', service: 'web', count: 2 });
    const run = await execute(runbook('ecs', 'ecs', keep));
    expect(run?.steps[0]).toMatchObject({ status: 'skipped', message: 'already done: ACTIVE, desired 2, 2 running, 0 pending, 1 deployment (rollout COMPLETED)' });
    expect(ecs.sets).toEqual([]);
  });

  it('on a rollback, sets back the count it journaled before its act', async () => {
    const clock = new ManualClock();
    const ecs = new FakeEcs(clock);
    const { execute, store, journal } = libraryRuns({ ecs }, { clock });
    const gate = approvalGate({ id: 'approve-dns', title: 'Approve', prompt: 'move DNS?', timeoutMs: 3600_000, onTimeout: 'fail' });
    const book = runbook('ecs', 'ecs', sequence(scaleWeb, gate));
    const run = await execute(book, async (r) => {
      const asked = pendingApprovals((await store.getRun(r.id))!, await store.readJournal(r.id));
      if (asked.length > 0 && (await store.listRunSignals(r.id)).length === 0) {
        await store.addRunSignal({ runId: r.id, at: clock.now(), type: 'cancel', by: 'carol', rollback: true });
      }
    });
    expect(run?.status).toBe('cancelled');
    expect(run?.rollback).toEqual({ outcome: 'complete', undone: ['scale-web-service'], notUndone: [] });
    expect(ecs.sets.map((s) => s.count)).toEqual([4, 2]);
    expect(await journal()).toContain('compensation-succeeded:scale-web-service');
  });

  it('refuses to undo when the count before its act was never journaled', async () => {
    const clock = new ManualClock();
    const { context } = libraryRuns({ ecs: new FakeEcs(clock) }, { clock });
    const ctx = { ...context, run: runFixture(), log: pino({ level: 'silent' }), signal: new AbortController().signal, actInFlight: false };
    await expect(definitionOf(scaleWeb).compensate!(ctx, {})).rejects.toThrow(
      'scale-web-service not undone: the desired count ecs:shop-eu-west-1/web (eu-west-1) had before the step was not journaled; set it back by hand',
    );
  });

  it('fails with a clear error on a cloud without ECS', async () => {
    const { execute } = libraryRuns({});
    const run = await execute(runbook('ecs', 'ecs', scaleWeb));
    expect(run?.status).toBe('failed');
    expect(run?.steps[0]?.message).toMatch(/^scale-web-service: this cloud has no ECS provider/);
  });
});
