/** A call the simulation says a role may not make. */
export interface DeniedCall {
  action: string;
  resource: string;
  /** IAM's verdict: `implicitDeny` (nothing allows it) or `explicitDeny` (a policy, boundary or SCP forbids it). */
  decision: string;
  /** Condition keys the simulator needed and was not given: the verdict may not be what the real call gets. */
  missingContext?: string[];
}

/**
 * Whether a role may make the calls a runbook makes, as IAM's policy
 * simulator evaluates them against every policy that applies to the role
 * (identity policies, its permissions boundary, the organization's SCPs).
 */
export interface PermissionsApi {
  /** The calls of `batches` (each: these actions on these resources) that `roleArn` may not make. */
  denied(roleArn: string, batches: { actions: string[]; resources: string[] }[]): Promise<DeniedCall[]>;
}
