import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../src/errors/errors.js';
import type { AutomationProvider, AutomationRequest } from '../../src/ports/automation-provider.js';

/** The documents every setup must provide, in its region. */
export const CONTRACT_DOCUMENTS = {
  /** Runs two minutes, then succeeds with these outputs. */
  drain: { name: 'Shop-DrainQueue', durationMs: 2 * 60_000, outcome: 'Success', outputs: { 'drain.Drained': ['412'] } },
  /** Runs one minute, then fails with this message. */
  broken: {
    name: 'Shop-Broken',
    durationMs: 60_000,
    outcome: 'Failed',
    failureMessage: 'Step fails when it is executing. Fail message: queue not found',
  },
} as const;

/** What one implementation under test provides. */
export interface AutomationContractFixture {
  automation: AutomationProvider;
  region: string;
  advance(ms: number): Promise<void>;
  close(): Promise<void> | void;
  world: {
    /** The executions of a document, read behind the API's back. */
    executionsOf(document: string): string[];
    regionDown(): void;
    regionUp(): void;
  };
}

/**
 * The semantics every AutomationProvider shares, so the simulation cannot
 * drift from SSM Automation: an execution starts at once and is InProgress
 * until its document has run, then Success (with outputs) or Failed (with
 * SSM's message); the client token makes a repeated start return the same
 * execution, whatever the token looks like (SSM wants a UUID; the adapter
 * makes one); a token reused for another request, a missing document and
 * a missing execution are permanent errors; a region that does not answer
 * is a transient one.
 */
export function describeAutomationProviderContract(
  name: string,
  setup: () => Promise<AutomationContractFixture> | AutomationContractFixture,
): void {
  describe(`AutomationProvider contract: ${name}`, () => {
    let f: AutomationContractFixture;
    const drain = (clientToken: string, extra: Partial<AutomationRequest> = {}): AutomationRequest => ({
      region: f.region,
      documentName: CONTRACT_DOCUMENTS.drain.name,
      parameters: { QueueName: ['orders'] },
      clientToken,
      ...extra,
    });

    beforeEach(async () => {
      f = await setup();
    });

    afterEach(async () => {
      await f.close();
    });

    it('starts an execution that is InProgress until the document has run, then Success with its outputs', async () => {
      const id = await f.automation.start(drain('run-7:drain-queue'));
      expect(await f.automation.describe(f.region, id)).toEqual({ executionId: id, status: 'InProgress' });
      await f.advance(CONTRACT_DOCUMENTS.drain.durationMs - 1_000);
      expect((await f.automation.describe(f.region, id)).status).toBe('InProgress');
      await f.advance(1_000);
      expect(await f.automation.describe(f.region, id)).toEqual({
        executionId: id,
        status: 'Success',
        outputs: { 'drain.Drained': ['412'] },
      });
    });

    it('a failing document ends Failed, with its failure message', async () => {
      const id = await f.automation.start({ region: f.region, documentName: CONTRACT_DOCUMENTS.broken.name, clientToken: 'run-7:broken' });
      await f.advance(CONTRACT_DOCUMENTS.broken.durationMs);
      expect(await f.automation.describe(f.region, id)).toEqual({
        executionId: id,
        status: 'Failed',
        failureMessage: CONTRACT_DOCUMENTS.broken.failureMessage,
      });
    });

    it('the same client token starts one execution however often it is sent; another token, another one', async () => {
      const first = await f.automation.start(drain('run-7:drain-queue'));
      await f.advance(30_000);
      expect(await f.automation.start(drain('run-7:drain-queue'))).toBe(first);
      expect(f.world.executionsOf(CONTRACT_DOCUMENTS.drain.name)).toEqual([first]);
      // SSM's tokens are UUIDs: one passes as it is, whatever its case.
      const uuid = '0f6c1d3e-2b4a-4c5d-8e9f-a0b1c2d3e4f5';
      const third = await f.automation.start(drain(uuid));
      expect(await f.automation.start(drain(uuid.toUpperCase()))).toBe(third);
      const second = await f.automation.start(drain('run-8:drain-queue'));
      expect(new Set([first, second, third]).size).toBe(3);
      expect(f.world.executionsOf(CONTRACT_DOCUMENTS.drain.name)).toHaveLength(3);
    });

    it('refuses a client token reused for another request, starting nothing', async () => {
      await f.automation.start(drain('run-7:drain-queue'));
      await expect(f.automation.start(drain('run-7:drain-queue', { parameters: { QueueName: ['payments'] } }))).rejects.toThrow(
        PermanentError,
      );
      await expect(f.automation.start(drain('run-7:drain-queue', { parameters: { QueueName: ['payments'] } }))).rejects.toThrow(
        /IdempotentParameterMismatch/,
      );
      expect(f.world.executionsOf(CONTRACT_DOCUMENTS.drain.name)).toHaveLength(1);
    });

    it('reports a missing document or execution as a PermanentError naming it', async () => {
      const missing = { region: f.region, documentName: 'No-Such-Document', clientToken: 'run-7:x' };
      await expect(f.automation.start(missing)).rejects.toThrow(PermanentError);
      await expect(f.automation.start(missing)).rejects.toThrow(
        /AutomationDefinitionNotFoundException[\s\S]*No-Such-Document|No-Such-Document[\s\S]*AutomationDefinitionNotFoundException/,
      );
      const unknown = '11111111-2222-4333-8444-555555555555';
      await expect(f.automation.describe(f.region, unknown)).rejects.toThrow(PermanentError);
      await expect(f.automation.describe(f.region, unknown)).rejects.toThrow(/AutomationExecutionNotFoundException[\s\S]*11111111-2222/);
    });

    it('a region that does not answer is a TransientError, and nothing started there', async () => {
      const id = await f.automation.start(drain('run-7:drain-queue'));
      f.world.regionDown();
      await expect(f.automation.start(drain('run-8:drain-queue'))).rejects.toThrow(TransientError);
      await expect(f.automation.describe(f.region, id)).rejects.toThrow(TransientError);
      f.world.regionUp();
      expect(f.world.executionsOf(CONTRACT_DOCUMENTS.drain.name)).toEqual([id]);
    });
  });
}
