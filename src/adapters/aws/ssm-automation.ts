import { createHash } from 'node:crypto';
import { GetAutomationExecutionCommand, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { PermanentError, TransientError } from '../../errors/errors.js';
import type { AutomationExecution, AutomationProvider, AutomationRequest } from '../../ports/automation-provider.js';
import { awsCall, awsErrorCode, translateAwsError } from './aws-errors.js';
import type { CloudClients } from './cloud-clients.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The namespace of the name-based UUIDs made from this controller's client tokens (any fixed UUID serves). */
const TOKEN_NAMESPACE = Buffer.from('6c3e7a52f1d94b0e9a8d2f41c7b05e93', 'hex');

/**
 * StartAutomationExecution's ClientToken "must be unique, is case
 * insensitive, enforces the UUID format, and can't be reused"
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartAutomationExecution.html).
 * A token that is a UUID goes as it is (lower case); any other (a run and
 * step id, say) becomes the name-based UUID of RFC 9562 (version 5: SHA-1)
 * of its lower-case form, so that the same token always maps to the same
 * UUID, in any process, and two tokens to two.
 */
export function clientTokenUuid(token: string): string {
  const lower = token.toLowerCase();
  if (UUID.test(lower)) return lower;
  const hash = createHash('sha1').update(TOKEN_NAMESPACE).update(lower, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The automation port on AWS Systems Manager Automation (API version
 * 2014-11-06): StartAutomationExecution with a ClientToken, so the same
 * request starts one execution however often it is sent (the SDK's
 * retries included), and GetAutomationExecution, whose status is passed on
 * verbatim. Errors come out as the project's own classes (see
 * aws-errors.ts): AutomationDefinitionNotFoundException (no such
 * document), AutomationDefinitionVersionNotFoundException,
 * InvalidAutomationExecutionParametersException, IdempotentParameterMismatch
 * (the token came before with another request) and
 * AutomationExecutionNotFoundException are permanent;
 * AutomationExecutionLimitExceededException (the region's concurrent
 * executions are all taken; they end) and InternalServerError transient.
 */
export class SsmAutomation implements AutomationProvider {
  constructor(private readonly clients: CloudClients) {}

  async start(request: AutomationRequest): Promise<string> {
    const operation = `StartAutomationExecution ${request.documentName} (${request.region})`;
    const client = this.clients.ssm(request.region);
    const command = new StartAutomationExecutionCommand({
      DocumentName: request.documentName,
      ClientToken: clientTokenUuid(request.clientToken),
      ...(request.documentVersion ? { DocumentVersion: request.documentVersion } : {}),
      ...(request.parameters ? { Parameters: request.parameters } : {}),
    });
    const out = await client.send(command).catch((err: unknown) => {
      const translated = translateAwsError(err, operation);
      // A 400 (client fault) by its status, but a wait mends it: the executions that hold the slots end.
      throw awsErrorCode(err) === 'AutomationExecutionLimitExceededException' ? new TransientError(translated.message) : translated;
    });
    if (!out.AutomationExecutionId) throw new PermanentError(`${operation}: the response has no AutomationExecutionId`);
    return out.AutomationExecutionId;
  }

  async describe(region: string, executionId: string): Promise<AutomationExecution> {
    const operation = `GetAutomationExecution ${executionId} (${region})`;
    const client = this.clients.ssm(region);
    const out = await awsCall(operation, () => client.send(new GetAutomationExecutionCommand({ AutomationExecutionId: executionId })));
    const execution = out.AutomationExecution;
    if (!execution?.AutomationExecutionStatus) {
      throw new PermanentError(`${operation}: the response has no AutomationExecution.AutomationExecutionStatus`);
    }
    const outputs = execution.Outputs && Object.keys(execution.Outputs).length > 0 ? execution.Outputs : undefined;
    return {
      executionId: execution.AutomationExecutionId ?? executionId,
      status: execution.AutomationExecutionStatus,
      ...(execution.FailureMessage ? { failureMessage: execution.FailureMessage } : {}),
      ...(outputs ? { outputs } : {}),
    };
  }
}
