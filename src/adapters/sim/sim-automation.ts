import { PermanentError } from '../../errors/errors.js';
import type { AutomationExecution, AutomationProvider, AutomationRequest } from '../../ports/automation-provider.js';
import type { SimCloud } from './sim-cloud.js';

/** How an Automation document behaves when it runs. */
export interface SimDocumentSeed {
  /** How long an execution runs (InProgress) before it ends. */
  durationMs: number;
  outcome: 'Success' | 'Failed';
  /** What a Failed execution reports (default: a step's failure in SSM's words). */
  failureMessage?: string;
  /** What a successful execution outputs. */
  outputs?: Record<string, string[]>;
  /** Versions that exist (default ['1']); $DEFAULT and $LATEST always do. */
  versions?: string[];
}

interface SimDocument extends SimDocumentSeed {
  region: string;
  name: string;
}

/** One execution; it copies the document's behaviour when it starts, as a running execution keeps its document version. */
interface SimExecution {
  id: string;
  region: string;
  documentName: string;
  documentVersion?: string;
  parameters: Record<string, string[]>;
  /** The ClientToken, lower case (SSM's tokens are case insensitive). */
  token: string;
  startedAt: number;
  durationMs: number;
  outcome: 'Success' | 'Failed';
  failureMessage?: string;
  outputs?: Record<string, string[]>;
}

/** Everything a SimAutomation holds, JSON-safe, with the counter that names the next execution. */
export interface SimAutomationSnapshot {
  documents: SimDocument[];
  executions: SimExecution[];
  nextExecution: number;
}

/**
 * Simulated AWS Systems Manager Automation, with SSM's semantics (the
 * contract suite in test/contract/automation-provider.contract.ts holds it
 * to them): StartAutomationExecution answers an execution id at once; the
 * execution is InProgress for the document's duration and then Success or
 * Failed (with its failure message); the same ClientToken returns the
 * execution it started, and with another document or other parameters is
 * refused (IdempotentParameterMismatch). Executions are regional. Every
 * call goes through {@link SimCloud.call} (service `ssm`, target: the
 * document for a start, the execution id for a read).
 */
export class SimAutomation implements AutomationProvider {
  private readonly documents = new Map<string, SimDocument>();
  private executions: SimExecution[] = [];
  private nextExecution = 1;

  constructor(private readonly cloud: SimCloud) {}

  /** Create (or replace) an Automation document in a region, outside the API. */
  seedDocument(region: string, name: string, seed: SimDocumentSeed): void {
    this.documents.set(`${region}|${name}`, { region, name, ...structuredClone(seed) });
  }

  async start(request: AutomationRequest): Promise<string> {
    return this.cloud.call('ssm', 'StartAutomationExecution', request.region, request.documentName, () => {
      const document = this.documents.get(`${request.region}|${request.documentName}`);
      if (!document) {
        const what = `no Automation document ${request.documentName} in ${request.region}`;
        throw new PermanentError(`StartAutomationExecution: AutomationDefinitionNotFoundException: ${what}`);
      }
      const version = request.documentVersion;
      if (version !== undefined && version !== '$DEFAULT' && version !== '$LATEST' && !(document.versions ?? ['1']).includes(version)) {
        const what = `${request.documentName} has no version ${version}`;
        throw new PermanentError(`StartAutomationExecution: AutomationDefinitionVersionNotFoundException: ${what}`);
      }
      const token = request.clientToken.toLowerCase();
      const parameters = request.parameters ?? {};
      const earlier = this.executions.find((e) => e.region === request.region && e.token === token);
      if (earlier) {
        const sameDocument = earlier.documentName === request.documentName && earlier.documentVersion === version;
        const same = sameDocument && canonical(earlier.parameters) === canonical(parameters);
        if (!same) {
          const what = `client token ${request.clientToken} started ${earlier.id} with another request`;
          throw new PermanentError(`StartAutomationExecution: IdempotentParameterMismatch: ${what}`);
        }
        return earlier.id;
      }
      const execution: SimExecution = {
        id: `5e0a0000-0000-4000-8000-${String(this.nextExecution++).padStart(12, '0')}`,
        region: request.region,
        documentName: request.documentName,
        parameters: structuredClone(parameters),
        token,
        startedAt: this.cloud.clock.now(),
        durationMs: document.durationMs,
        outcome: document.outcome,
      };
      if (version !== undefined) execution.documentVersion = version;
      if (document.outcome === 'Failed') {
        execution.failureMessage = document.failureMessage ?? `Step fails when it is executing. Fail message: ${document.name} failed`;
      }
      if (document.outcome === 'Success' && document.outputs) execution.outputs = structuredClone(document.outputs);
      this.executions.push(execution);
      return execution.id;
    });
  }

  async describe(region: string, executionId: string): Promise<AutomationExecution> {
    return this.cloud.call('ssm', 'GetAutomationExecution', region, executionId, () => {
      const execution = this.executions.find((e) => e.region === region && e.id === executionId);
      if (!execution) {
        throw new PermanentError(`GetAutomationExecution: AutomationExecutionNotFoundException: no execution ${executionId} in ${region}`);
      }
      const ended = this.cloud.clock.now() >= execution.startedAt + execution.durationMs;
      const result: AutomationExecution = { executionId: execution.id, status: ended ? execution.outcome : 'InProgress' };
      if (ended && execution.failureMessage !== undefined) result.failureMessage = execution.failureMessage;
      if (ended && execution.outputs) result.outputs = structuredClone(execution.outputs);
      return result;
    });
  }

  /** The ids of the executions of a document in a region, oldest first (tests; not an API call). */
  executionsOf(region: string, documentName: string): string[] {
    return this.executions.filter((e) => e.region === region && e.documentName === documentName).map((e) => e.id);
  }

  /** A deep copy of every document and execution, and the counter. */
  snapshot(): SimAutomationSnapshot {
    return {
      documents: structuredClone([...this.documents.values()]),
      executions: structuredClone(this.executions),
      nextExecution: this.nextExecution,
    };
  }

  /** Replace everything with a snapshot's (none: no documents, as in snapshots from before SSM was simulated). */
  restore(snapshot: SimAutomationSnapshot | undefined): void {
    this.documents.clear();
    for (const document of structuredClone(snapshot?.documents ?? [])) this.documents.set(`${document.region}|${document.name}`, document);
    this.executions = structuredClone(snapshot?.executions ?? []);
    this.nextExecution = snapshot?.nextExecution ?? 1;
  }
}

/** Parameters in a form where equal maps compare equal whatever their key order. */
function canonical(parameters: Record<string, string[]>): string {
  return JSON.stringify(
    Object.keys(parameters)
      .sort()
      .map((k) => [k, parameters[k]]),
  );
}
