import { describe, expect, it } from 'vitest';
import type { AutomationExecution, AutomationProvider, AutomationRequest } from '../../../../src/ports/automation-provider.js';
import type { Clock } from '../../../../src/ports/clock.js';
import { runbook } from '../../../../src/runbook/step.js';
import { runAutomation } from '../../../../src/runbook/steps/run-automation.js';
import { libraryRuns } from '../../../support/library-step-run.js';
import { ManualClock } from '../../../support/manual-clock.js';

/** SSM Automation in memory: one execution per ClientToken, InProgress for 40 s, then `outcome`. */
class FakeAutomation implements AutomationProvider {
  readonly starts: AutomationRequest[] = [];
  private readonly executions = new Map<string, { id: string; startedAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly outcome: Omit<AutomationExecution, 'executionId'> = { status: 'Success', outputs: { 'restore.Cluster': ['shop-euw1'] } },
  ) {}

  async start(request: AutomationRequest): Promise<string> {
    this.starts.push(request);
    const known = this.executions.get(request.clientToken);
    if (known) return known.id;
    const id = `exec-${this.executions.size + 1}`;
    this.executions.set(request.clientToken, { id, startedAt: this.clock.now() });
    return id;
  }

  async describe(_region: string, executionId: string): Promise<AutomationExecution> {
    const execution = [...this.executions.values()].find((e) => e.id === executionId);
    if (!execution) throw new Error(`no execution ${executionId}`);
    if (this.clock.now() < execution.startedAt + 40_000) return { executionId, status: 'InProgress' };
    return { executionId, ...this.outcome };
  }
}

const restore = runAutomation({
  id: 'restore-search-index',
  title: 'Restore the search index',
  side: 'to',
  documentName: 'Shop-RestoreIndex',
  documentVersion: '3',
  parameters: (ctx) => ({ Region: [ctx.to.name], Snapshot: ['latest'] }),
});
const book = runbook('ssm', 'ssm', restore);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('runAutomation', () => {
  it('starts the document with a UUID client token of the run and step, journals the execution, and waits for Success', async () => {
    const clock = new ManualClock();
    const automation = new FakeAutomation(clock);
    const { execute, store, runId } = libraryRuns({ automation }, { clock });
    const run = await execute(book);
    expect(run?.status).toBe('succeeded');
    expect(automation.starts).toHaveLength(1);
    const started = automation.starts[0]!;
    expect(started).toMatchObject({ region: 'eu-west-1', documentName: 'Shop-RestoreIndex', documentVersion: '3', parameters: { Region: ['eu-west-1'], Snapshot: ['latest'] } });
    expect(started.clientToken).toMatch(UUID);
    const acted = (await store.readJournal(runId)).find((e) => e.type === 'act-succeeded');
    expect(acted?.detail).toEqual({ executionId: 'exec-1', clientToken: started.clientToken });
    const step = run!.steps[0]!;
    expect(step.finishedAt! - step.startedAt!).toBeGreaterThanOrEqual(40_000);
    expect(step.lastObservation?.text).toBe('execution exec-1 InProgress; wanted: Success');
    expect(step.message).toBe('ssm:Shop-RestoreIndex:3 (eu-west-1): execution exec-1 succeeded');
  });

  it('derives a different token for another run, and the same one for the same run and step', async () => {
    const clock = new ManualClock();
    const tokens: string[] = [];
    for (const runId of ['run-a', 'run-b', 'run-a']) {
      const automation = new FakeAutomation(clock);
      await libraryRuns({ automation }, { clock, runId }).execute(book);
      tokens.push(automation.starts[0]!.clientToken);
    }
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(tokens[2]).toBe(tokens[0]);
  });

  it('fails the step with SSM\'s failure message when the execution fails', async () => {
    const clock = new ManualClock();
    const automation = new FakeAutomation(clock, { status: 'Failed', failureMessage: 'Step fails when it is verifying the snapshot. Snapshot latest not found.' });
    const run = await libraryRuns({ automation }, { clock }).execute(book);
    expect(run?.status).toBe('failed');
    expect(run?.steps[0]?.message).toBe(
      'restore-search-index: automation exec-1 (Shop-RestoreIndex, eu-west-1) ended Failed: Step fails when it is verifying the snapshot. Snapshot latest not found.',
    );
  });

  it('resumed with its start in flight, starts again with the same token and gets the same execution', async () => {
    const clock = new ManualClock();
    const automation = new FakeAutomation(clock);
    const { execute, store } = libraryRuns({ automation }, { clock });
    // Killed between the journal's act-started and the start call's answer being journaled.
    store.killAfter = (e) => e.type === 'act-started';
    await execute(book);
    store.revive();
    const run = await execute(book);
    expect(run?.status).toBe('succeeded');
    expect(automation.starts).toHaveLength(2);
    expect(automation.starts[1]!.clientToken).toBe(automation.starts[0]!.clientToken);
    expect(run?.steps[0]?.message).toBe('ssm:Shop-RestoreIndex:3 (eu-west-1): execution exec-1 succeeded');
  });
});
