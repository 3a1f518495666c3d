import type { PermissionsApi } from '../ports/permissions.js';
import type { ReadinessCheck } from './world-report.js';

/** The runbook role and the calls its runbooks make (iam-policy.ts's simulationBatches), for the permissions check. */
export interface RunbookPermissions {
  api: PermissionsApi;
  roleArn: string;
  batches: { actions: string[]; resources: string[] }[];
}

/** How many denied calls a sentence names before it says "and N more". */
const NAMED = 5;

/**
 * May the runbook worker of `region` make each call of the runbooks:
 * IAM's policy simulator evaluates the role's statements' actions on their
 * resources against everything that applies to the role (a permissions
 * boundary, an SCP added since the deploy). Never throws.
 */
export async function permissionChecks(region: string, permissions: RunbookPermissions): Promise<ReadinessCheck[]> {
  const id = 'permissions';
  const calls = permissions.batches.reduce((n, b) => n + b.actions.length * b.resources.length, 0);
  try {
    const denied = await permissions.api.denied(permissions.roleArn, permissions.batches);
    if (denied.length === 0) return [{ id, region, status: 'ok', sentence: `the runbook role may make all ${calls} calls of the runbooks (IAM policy simulator)` }];
    // A verdict that hung on a condition key the simulator was not given is not the real call's: a warning, not a failure.
    const sure = denied.filter((d) => !d.missingContext?.length);
    if (sure.length === 0) {
      const keys = [...new Set(denied.flatMap((d) => d.missingContext ?? []))].join(', ');
      return [{ id, region, status: 'warning', sentence: `the simulator could not decide ${denied.length} of the runbooks' calls without the condition keys ${keys}`, fix: 'check those calls against the conditions of the role, its boundary and the SCPs by hand' }];
    }
    const named = sure.slice(0, NAMED).map((d) => `${d.action} on ${d.resource} (${d.decision})`).join(', ');
    const more = sure.length > NAMED ? ` and ${sure.length - NAMED} more` : '';
    return [
      {
        id,
        region,
        status: 'failing',
        sentence: `the runbook role ${permissions.roleArn} may not make ${sure.length} of the runbooks' calls: ${named}${more}`,
        fix: 'redeploy the stack (serverless deploy) so the role has the policy failover iam-policy prints; an explicitDeny comes from a permissions boundary or an SCP, which its owner must change',
      },
    ];
  } catch (err) {
    return [{ id, region, status: 'warning', sentence: `the runbook role's permissions could not be simulated: ${err instanceof Error ? err.message : String(err)}`, fix: 'the worker needs iam:SimulatePrincipalPolicy on its own role; IAM answers from us-east-1' }];
  }
}
