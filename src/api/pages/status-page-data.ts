import type { Controller } from '../../controller/controller.js';
import { loadPendingApprovals } from '../../controller/pending-approvals.js';
import { loadRegionHistory } from '../../controller/region-history.js';
import type { StateStore } from '../../ports/state-store.js';
import type { RunRecord } from '../../runbook/run.js';
import type { StatusPageModel } from './status-page.js';

/** Recent decisions the page lists per application. */
export const PAGE_DECISIONS = 10;

/** Gather what the status page shows: the controller's status, each region's last hour, pending approvals and recent decisions. */
export async function loadStatusPage(deps: { controller: Controller; store: StateStore }, view: Pick<StatusPageModel, 'caller' | 'apiUrl'>): Promise<StatusPageModel> {
  const status = await deps.controller.status();
  const names = status.applications.map((a) => a.name);
  const runs = status.applications.map((a) => a.currentRun).filter((r): r is RunRecord => r !== undefined);
  const [history, approvals, decisions] = await Promise.all([
    loadRegionHistory(deps.store, deps.controller.config, { window: '1h', now: status.now }),
    loadPendingApprovals(deps.store, runs),
    Promise.all(names.map((app) => deps.store.listDecisions({ app, limit: PAGE_DECISIONS }))),
  ]);
  return { status, history, approvals, decisions: Object.fromEntries(names.map((n, i) => [n, decisions[i]!])), ...view };
}
