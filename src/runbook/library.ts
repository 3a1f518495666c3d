/**
 * The step library: everything a runbook of your own needs, from one import.
 *
 * A runbook is a named tree of steps, run one after another (`sequence`) or
 * side by side (`parallel`); a step has a stable kebab-case id (its journal
 * key: never rename a shipped one), looks at the world (`observe`), makes
 * one change (`act`), waits for its goal (`verify`) and, where that makes
 * sense, undoes it on a rollback (`compensate`). Steps that move the
 * application's layout say so with a `role`, which `lintRunbooks` checks:
 * an unplanned promotion follows an RPO gate and a fence, and traffic moves
 * only after the promotions and capacity of its side.
 *
 * @example
 * ```ts
 * import {
 *   ecsServiceCount, parallel, promoteDatabase, publishWriterEpoch, rpoGuard, runbook, sequence, switchDns,
 * } from 'failover-controller/runbooks';
 *
 * export const shopFailover = runbook('shop-failover', 'Fail the shop over', sequence(
 *   rpoGuard({ id: 'check-rpo', title: 'Check the data loss against the RPO', side: 'to' }),
 *   publishWriterEpoch({ id: 'fence-epoch', title: 'Only the standby writes', writer: 'to', reason: 'failover' }),
 *   parallel(
 *     promoteDatabase({ id: 'promote-db', title: 'Promote the replica', side: 'to', mode: 'unplanned' }),
 *     ecsServiceCount({ id: 'scale-web', title: 'Scale the web service', side: 'to', cluster: 'shop', service: 'web', count: 6 }),
 *   ),
 *   switchDns({ id: 'switch-dns', title: 'Point DNS at the standby', side: 'to' }),
 * ));
 * ```
 *
 * @packageDocumentation
 */

// Composition.
export { parallel, runbook, sequence, step } from './step.js';
export { childRunbook } from './child-runbook.js';

// The types of a runbook and of a step of your own.
export type { ActResult, Runbook, RunbookNode, StepContext, StepDefinition, StepObservation, StepRole } from './step.js';
export type { Side } from './steps/side.js';
export type { PerRegion } from './steps/per-region.js';

// Checking runbooks before they run.
export { type LintFinding, type LintRule, lintRunbooks } from './plan-lint.js';

// Databases.
export { detachGate, promoteDatabase, type PromoteDatabaseOptions } from './steps/promote-database.js';
export { createReplica, retireStaleWriter } from './steps/replica-steps.js';
export { rpoGuard } from './steps/rpo-guard.js';
export { waitForReplicaCaughtUp } from './steps/wait-replica-caught-up.js';

// Fences of the old writer.
export { publishWriterEpoch, type EpochWriter } from './steps/fence-epoch.js';
export { fenceOldWriter, liftNetworkFence } from './steps/fence-network.js';
export { freezeCompute } from './steps/fence-compute.js';

// Compute.
export { scaleCompute } from './steps/scale-compute.js';
export { ecsServiceCount, type EcsServiceCountOptions } from './steps/ecs-service-count.js';

// Traffic and the application.
export { switchDns } from './steps/switch-dns.js';
export { verifyApplication } from './steps/verify-application.js';

// Other services and people.
export { invokeFunction, type InvokeFunctionOptions, type InvokeFunctionPayload } from './steps/invoke-function.js';
export { callEndpoint, type CallEndpointOptions, type EndpointMethod } from './steps/call-endpoint.js';
export { runAutomation, type RunAutomationOptions } from './steps/run-automation.js';
export { failoverGlobalCache, type FailoverGlobalCacheOptions } from './steps/cache-failover.js';
export { approvalGate, type ApprovalGateOptions } from './steps/approval-gate.js';
