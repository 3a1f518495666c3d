import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import type { DeniedCall, PermissionsApi } from '../../ports/permissions.js';
import { AwsClientPool } from './aws-client-pool.js';
import { awsCall } from './aws-errors.js';

/** IAM clients alone (the runbook worker's readiness check), so that no other bundle carries the IAM client. */
export class IamClients extends AwsClientPool {
  /** IAM is global; the SDK resolves its endpoint from the region's partition (aws, aws-cn, aws-us-gov). */
  iam(region: string): IAMClient {
    return this.client('iam', region, (config) => new IAMClient(config));
  }
}

/**
 * The policy simulator (iam:SimulatePrincipalPolicy). Each batch is one
 * simulation of its actions on its resources; IAM pages the results with
 * Marker/IsTruncated (IAM API Reference, SimulatePrincipalPolicy), and
 * every page is read. EvalDecision is `allowed`, `explicitDeny` or
 * `implicitDeny`; a result is denied when it is not `allowed`, per resource
 * when IAM gives ResourceSpecificResults.
 */
export class IamPermissions implements PermissionsApi {
  /** `region`: the stack's own (its partition decides IAM's endpoint). */
  constructor(
    private readonly clients: IamClients,
    private readonly region: string,
  ) {}

  async denied(roleArn: string, batches: { actions: string[]; resources: string[] }[]): Promise<DeniedCall[]> {
    const denied: DeniedCall[] = [];
    for (const batch of batches) {
      for (const [region, resources] of byRegion(batch.resources, this.region)) denied.push(...(await this.simulate(roleArn, batch.actions, resources, region)));
    }
    return denied;
  }

  /**
   * One simulation, every page. The call's region goes in as
   * `aws:RequestedRegion`, the condition key of the region-deny SCPs many
   * organizations have: without it the simulator cannot evaluate them.
   */
  private async simulate(roleArn: string, actions: string[], resources: string[], region: string): Promise<DeniedCall[]> {
    const denied: DeniedCall[] = [];
    const context = [{ ContextKeyName: 'aws:RequestedRegion', ContextKeyValues: [region], ContextKeyType: 'string' as const }];
    let marker: string | undefined;
    do {
      const page = await awsCall('SimulatePrincipalPolicy', () =>
        this.clients.iam(this.region).send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: actions, ResourceArns: resources, ContextEntries: context, ...(marker ? { Marker: marker } : {}) })),
      );
      for (const result of page.EvaluationResults ?? []) {
        const action = result.EvalActionName ?? '?';
        const missing = result.MissingContextValues?.length ? { missingContext: result.MissingContextValues } : {};
        const perResource = result.ResourceSpecificResults ?? [];
        if (perResource.length > 0) {
          for (const r of perResource) {
            if (r.EvalResourceDecision === 'allowed') continue;
            const own = r.MissingContextValues?.length ? { missingContext: r.MissingContextValues } : missing;
            denied.push({ action, resource: r.EvalResourceName ?? '?', decision: r.EvalResourceDecision ?? 'implicitDeny', ...own });
          }
        } else if (result.EvalDecision !== 'allowed') {
          denied.push({ action, resource: result.EvalResourceName ?? '*', decision: result.EvalDecision ?? 'implicitDeny', ...missing });
        }
      }
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return denied;
  }
}

/** Resources by the region in their ARN (its fourth field); global ones and `*` under `home`. */
function byRegion(resources: string[], home: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const arn of resources) {
    const region = arn.split(':')[3] || home;
    groups.set(region, [...(groups.get(region) ?? []), arn]);
  }
  return groups;
}
