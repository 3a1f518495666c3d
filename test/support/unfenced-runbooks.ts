import type { MoveKind } from '../../src/runbook/runbook-catalog.js';
import { parallel, runbook, type Runbook, sequence } from '../../src/runbook/step.js';
import { promoteDatabase } from '../../src/runbook/steps/promote-database.js';
import { createReplica, retireStaleWriter } from '../../src/runbook/steps/replica-steps.js';
import { rpoGuard } from '../../src/runbook/steps/rpo-guard.js';
import { scaleCompute } from '../../src/runbook/steps/scale-compute.js';
import { switchDns } from '../../src/runbook/steps/switch-dns.js';
import { verifyApplication } from '../../src/runbook/steps/verify-application.js';
import { waitForReplicaCaughtUp } from '../../src/runbook/steps/wait-replica-caught-up.js';

/**
 * The runbooks as they were before fences (issue 13, item 1), step for
 * step: no fencing epoch, no network fence, no write freeze. Kept for the
 * write-loss test, to show what they lose.
 */
export const unfencedRunbooks: Record<MoveKind, Runbook> = {
  failover: runbook(
    'regional-failover',
    'Fail over to the standby region (unfenced)',
    sequence(
      parallel(
        sequence(
          rpoGuard({ id: 'check-data-loss-within-rpo', title: 'RPO guard', side: 'to' }),
          promoteDatabase({ id: 'promote-standby-database', title: 'Promote the standby', side: 'to', mode: 'unplanned' }),
        ),
        scaleCompute({ id: 'scale-up-standby-compute', title: 'Scale up the standby', side: 'to', capacity: 'active' }),
      ),
      switchDns({ id: 'switch-dns-to-standby', title: 'DNS to the standby', side: 'to' }),
      verifyApplication({ id: 'verify-application-in-standby', title: 'Verify the standby', side: 'to' }),
    ),
  ),
  failback: runbook(
    'failback',
    'Fail back to the original primary region (unfenced)',
    sequence(
      parallel(
        sequence(
          retireStaleWriter({ id: 'retire-stale-original-database', title: 'Set the stale original aside', side: 'to' }),
          createReplica({ id: 'create-original-replica', title: 'Rebuild the original as a replica', side: 'to' }),
          waitForReplicaCaughtUp({ id: 'wait-original-replica-caught-up', title: 'Wait for the replica', side: 'to', maxLagSeconds: 1 }),
          promoteDatabase({ id: 'promote-original-database', title: 'Promote the original (planned)', side: 'to', mode: 'planned' }),
        ),
        scaleCompute({ id: 'scale-up-original-compute', title: 'Scale up the original', side: 'to', capacity: 'active' }),
      ),
      switchDns({ id: 'switch-dns-to-original', title: 'DNS back to the original', side: 'to' }),
      verifyApplication({ id: 'verify-application-in-original', title: 'Verify the original', side: 'to' }),
      parallel(
        sequence(
          retireStaleWriter({ id: 'retire-standby-writer', title: 'Set the standby writer aside', side: 'from' }),
          createReplica({ id: 'create-standby-replica', title: 'Rebuild the standby as a replica', side: 'from' }),
        ),
        scaleCompute({ id: 'scale-down-standby-compute', title: 'Scale down the standby', side: 'from', capacity: 'standby' }),
      ),
    ),
  ),
};
