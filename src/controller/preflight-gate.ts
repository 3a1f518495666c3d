import { ConflictError } from '../errors/errors.js';
import type { CloudProviders } from '../ports/providers.js';
import type { StateStore } from '../ports/state-store.js';
import { type AppView, readinessChecks, type WorldReadDeps } from '../readiness/evaluate-world.js';
import { preflightFailures } from '../readiness/preflight.js';
import type { ReadinessCheck } from '../readiness/world-report.js';
import type { RunRecord } from '../runbook/run.js';
import { mergeReports } from './world-watch.js';

/** An operator's run to gate. */
export interface GateRequest {
  view: AppView;
  kind: 'failover' | 'failback';
  to: string;
  /** The caller insists: the run starts whatever the gate says, and the checks it overrode are recorded. */
  force?: { by: string; reason: string };
}

/**
 * The pre-flight gate of an operator's run (and a game day's): the target
 * must be healthy (a failback's: for riseThreshold rounds) and ready, read
 * now, and on AWS the stack that would execute the run must be alive, as
 * the other stacks last saw it.
 */
export class PreflightGate {
  constructor(private readonly deps: { store: StateStore; reads: (cloud: CloudProviders) => WorldReadDeps }) {}

  /**
   * Throws a ConflictError (409) naming every failing check, unless the
   * caller forces it; then returns what the force overrode, for the run's
   * record. `cloud`: the retried reads of a run.
   */
  async check(request: GateRequest, cloud: CloudProviders): Promise<RunRecord['forced'] | undefined> {
    const { kind, to } = request;
    const failures = preflightFailures({ kind, to, health: request.view.health[to], riseThreshold: request.view.app.policy.riseThreshold, checks: await this.checks(request, cloud) });
    if (failures.length === 0) return undefined;
    if (!request.force) {
      const what = kind === 'failover' ? `to: ${to} is not ready for a failover` : `${to} is not ready for a failback`;
      const verb = kind === 'failover' ? 'fail over' : 'fail back';
      throw new ConflictError(`${what}: ${failures.join('; ')}. To ${verb} anyway, send force: true with your reason (the CLI: --force; recorded on the run and in the audit trail)`);
    }
    return { by: request.force.by, reason: request.force.reason, overridden: failures };
  }

  /** What a dry-run plan shows of the gate: the readiness of `to`, read now, and what the gate would refuse. `cloud`: read once, not retried. */
  async preview(request: Omit<GateRequest, 'force'>, cloud: CloudProviders): Promise<{ readiness: ReadinessCheck[]; gate: string[] }> {
    const checks = await this.checks(request, cloud);
    const { view, kind, to } = request;
    return { readiness: checks, gate: preflightFailures({ kind, to, health: view.health[to], riseThreshold: view.app.policy.riseThreshold, checks }) };
  }

  /** `to`'s own checks, fresh, and whether its stack is alive, from what the stacks stored. */
  private async checks(request: Omit<GateRequest, 'force'>, cloud: CloudProviders): Promise<ReadinessCheck[]> {
    const { view, to } = request;
    const [fresh, stored] = await Promise.all([readinessChecks(view, [to], this.deps.reads(cloud), { appWide: false }), this.deps.store.listWorldReports(view.app.name).catch(() => [])]);
    return [...fresh, ...mergeReports(stored).checks.filter((c) => c.id === 'stack-alive' && c.region === to)];
  }
}
