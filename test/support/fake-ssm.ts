import type nock from 'nock';
import { type FakeAnswer, NockFake } from './nock-fake.js';

const TARGET_PREFIX = 'AmazonSSM.';
const UUID = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/;

/** One request the fake answered, in order. */
export interface FakeSsmCall {
  operation: string;
  body: Record<string, unknown>;
  status: number;
}

/** How a document behaves: as the sim's (src/adapters/sim/sim-automation.ts) SimDocumentSeed. */
export interface FakeDocumentSeed {
  durationMs: number;
  outcome: 'Success' | 'Failed';
  failureMessage?: string;
  outputs?: Record<string, string[]>;
}

interface FakeExecution {
  id: string;
  document: string;
  version: string | undefined;
  parameters: Record<string, string[]>;
  token: string | undefined;
  startedAt: number;
  seed: FakeDocumentSeed;
}

class SsmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small, stateful stand-in for Systems Manager Automation in one region
 * behind nock, speaking SSM's wire format (JSON 1.1, POST `/`, X-Amz-Target
 * `AmazonSSM.<Operation>`, errors as `__type` and `Message`):
 * - StartAutomationExecution answers an execution id; its ClientToken must
 *   be a UUID (ValidationException otherwise, as SSM "enforces the UUID
 *   format"), case insensitive; the same token returns the execution it
 *   started, and with another document or other parameters is
 *   IdempotentParameterMismatch. An unknown document is
 *   AutomationDefinitionNotFoundException.
 * - GetAutomationExecution: InProgress for the document's duration, then
 *   Success (with its outputs) or Failed (with its FailureMessage); an
 *   unknown id is AutomationExecutionNotFoundException.
 * - Requests must be signed for this region and `ssm`; `takeDown` refuses
 *   every connection until `bringUp`.
 */
export class FakeSsm extends NockFake {
  readonly calls: FakeSsmCall[] = [];
  private readonly documents = new Map<string, FakeDocumentSeed>();
  private readonly executions: FakeExecution[] = [];
  private nextId = 1;

  constructor(private readonly options: { region: string; now: () => number }) {
    super();
  }

  get endpoint(): string {
    return `https://ssm.${this.options.region}.amazonaws.com`;
  }

  /** Create an Automation document (outside the API). */
  addDocument(name: string, seed: FakeDocumentSeed): void {
    this.documents.set(name, structuredClone(seed));
  }

  /** The ids of a document's executions, oldest first. */
  executionsOf(document: string): string[] {
    return this.executions.filter((e) => e.document === document).map((e) => e.id);
  }

  protected intercept(scope: nock.Scope): nock.Interceptor {
    return scope.post('/');
  }

  protected answer(_uri: string, headers: Record<string, string | string[] | undefined>, body: nock.Body): FakeAnswer {
    return this.handle(headers, body);
  }

  private handle(headers: Record<string, string | string[] | undefined>, raw: nock.Body): [number, string, Record<string, string>] {
    if (this.down)
      throw Object.assign(new Error(`connect ECONNREFUSED ssm.${this.options.region}.amazonaws.com (simulated)`), { code: 'ECONNREFUSED' });
    const target = String(headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    const body = (typeof raw === 'string' ? (raw === '' ? {} : JSON.parse(raw)) : raw) as Record<string, unknown>;
    const json = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `ssm-${this.nextId++}` };
    let status = 200;
    let answer: Record<string, unknown>;
    try {
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(headers['authorization'] ?? ''));
      if (scope?.[1] !== this.options.region || scope[2] !== 'ssm')
        throw new SsmError(403, 'InvalidSignatureException', 'Credential should be scoped correctly.');
      if (operation === 'StartAutomationExecution') answer = this.start(body);
      else if (operation === 'GetAutomationExecution') answer = this.get(body);
      else throw new SsmError(400, 'UnknownOperationException', `unknown operation ${target}`);
    } catch (err) {
      if (!(err instanceof SsmError)) throw err;
      status = err.status;
      answer = { __type: err.code, Message: err.message };
    }
    this.calls.push({ operation, body, status });
    return [status, JSON.stringify(answer), json];
  }

  private start(body: Record<string, unknown>): Record<string, unknown> {
    const document = body['DocumentName'];
    if (typeof document !== 'string')
      throw new SsmError(400, 'ValidationException', '1 validation error detected: DocumentName must not be null');
    const token = body['ClientToken'];
    if (token !== undefined && (typeof token !== 'string' || !UUID.test(token))) {
      throw new SsmError(
        400,
        'ValidationException',
        `1 validation error detected: Value '${String(token)}' at 'clientToken' failed to satisfy constraint: ` +
          `Member must satisfy regular expression pattern: ${UUID.source.slice(1, -1)}`,
      );
    }
    const seed = this.documents.get(document);
    if (!seed) throw new SsmError(400, 'AutomationDefinitionNotFoundException', `Document with name ${document} does not exist.`);
    const version = typeof body['DocumentVersion'] === 'string' ? body['DocumentVersion'] : undefined;
    const parameters = (body['Parameters'] ?? {}) as Record<string, string[]>;
    const lower = typeof token === 'string' ? token.toLowerCase() : undefined;
    const earlier = lower === undefined ? undefined : this.executions.find((e) => e.token === lower);
    if (earlier) {
      const same = earlier.document === document && earlier.version === version && canonical(earlier.parameters) === canonical(parameters);
      if (!same)
        throw new SsmError(
          400,
          'IdempotentParameterMismatch',
          'Error occurred during operation ClientToken is reused with different parameters.',
        );
      return { AutomationExecutionId: earlier.id };
    }
    const id = `f7c3${String(this.nextId++).padStart(4, '0')}-1b2c-4d5e-8f90-${String(this.executions.length + 1).padStart(12, '0')}`;
    this.executions.push({ id, document, version, parameters, token: lower, startedAt: this.options.now(), seed: structuredClone(seed) });
    return { AutomationExecutionId: id };
  }

  private get(body: Record<string, unknown>): Record<string, unknown> {
    const execution = this.executions.find((e) => e.id === body['AutomationExecutionId']);
    if (!execution)
      throw new SsmError(
        400,
        'AutomationExecutionNotFoundException',
        `Automation Execution id ${String(body['AutomationExecutionId'])} not found.`,
      );
    const endsAt = execution.startedAt + execution.seed.durationMs;
    const ended = this.options.now() >= endsAt;
    const status = ended ? execution.seed.outcome : 'InProgress';
    return {
      AutomationExecution: {
        AutomationExecutionId: execution.id,
        DocumentName: execution.document,
        DocumentVersion: execution.version ?? '1',
        ExecutionStartTime: execution.startedAt / 1000,
        ...(ended ? { ExecutionEndTime: endsAt / 1000 } : {}),
        AutomationExecutionStatus: status,
        StepExecutions: [],
        StepExecutionsTruncated: false,
        Parameters: execution.parameters,
        Outputs: ended && status === 'Success' ? (execution.seed.outputs ?? {}) : {},
        ...(ended && status === 'Failed' ? { FailureMessage: execution.seed.failureMessage ?? 'Step fails when it is executing.' } : {}),
        Mode: 'Auto',
        ExecutedBy: `arn:aws:sts::123456789012:assumed-role/failover-controller-runbook/worker`,
      },
    };
  }
}

function canonical(parameters: Record<string, string[]>): string {
  return JSON.stringify(
    Object.keys(parameters)
      .sort()
      .map((k) => [k, parameters[k]]),
  );
}
