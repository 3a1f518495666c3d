import type { MoveKind } from '../runbook/runbook-catalog.js';
import type { DrillPhaseId } from './drill.js';

/** A phase made of runbook steps. */
export interface StepPhase {
  id: DrillPhaseId;
  name: string;
  /** Step ids (journal keys) of the runbook; the phase spans from the first start to the last end. */
  steps: string[];
}

/**
 * Which runbook steps make up each timed phase of a game day. Step ids are
 * stable by design (they are journal keys, never renamed), so this table can
 * name them; a step a runbook gains later and this table does not know is
 * still reported, as a phase of its own (see `phasesOf`), and a unit test
 * checks that every step of the shipped runbooks is mapped.
 */
export const STEP_PHASES: Record<MoveKind, StepPhase[]> = {
  failover: [
    { id: 'data-loss-check', name: 'data-loss check (RPO guard)', steps: ['check-data-loss-within-rpo'] },
    {
      id: 'database-promotion',
      name: 'old writer fenced, database promotion',
      steps: ['fence-epoch-to-standby', 'fence-old-writer', 'approve-detach-standby-database', 'promote-standby-database'],
    },
    { id: 'compute-scale-up', name: 'compute scale-up', steps: ['scale-up-standby-compute'] },
    { id: 'dns-insync', name: 'DNS switch until INSYNC', steps: ['switch-dns-to-standby'] },
    { id: 'application-answering', name: 'application answering in the new region', steps: ['verify-application-in-standby'] },
  ],
  failback: [
    {
      id: 'failback-database',
      name: 'database rebuild, write freeze and planned promotion',
      steps: [
        'fence-stale-original-writer',
        'retire-stale-original-database',
        'lift-original-network-fence',
        'create-original-replica',
        'freeze-writes-epoch',
        'freeze-standby-compute',
        'wait-original-replica-caught-up',
        'promote-original-database',
      ],
    },
    { id: 'failback-compute-scale-up', name: 'compute scale-up in the primary', steps: ['scale-up-original-compute'] },
    { id: 'failback-dns-insync', name: 'DNS switch back until INSYNC, write freeze lifted', steps: ['switch-dns-to-original', 'lift-write-freeze'] },
    { id: 'failback-application-answering', name: 'application answering in the primary', steps: ['verify-application-in-original'] },
    { id: 'standby-restore', name: 'standby restored (replica rebuilt, scaled down)', steps: ['retire-standby-writer', 'create-standby-replica', 'scale-down-standby-compute'] },
  ],
};

/** The step of a failover run whose end means the application answers in the new region: the end of the RTO clock. */
export const RECOVERY_STEP: Record<MoveKind, string> = {
  failover: 'verify-application-in-standby',
  failback: 'verify-application-in-original',
};

/** The failover step whose outcome carries the data-loss estimate. */
export const RPO_GUARD_STEP = 'check-data-loss-within-rpo';

/**
 * Steps whose act only changes how many instances run in a region, never
 * where traffic or writes go: left done by a run that stopped, they cost
 * money, not consistency, and raise no attention by themselves (an RPO gate
 * rejected after the standby was scaled up has changed nothing that matters).
 */
export const CAPACITY_STEPS: ReadonlySet<string> = new Set(['scale-up-standby-compute', 'scale-up-original-compute', 'scale-down-standby-compute']);
