import { parallel, runbook, sequence } from '../src/runbook/step.js';
import { promoteDatabase } from '../src/runbook/steps/promote-database.js';
import { createReplica, retireStaleWriter } from '../src/runbook/steps/replica-steps.js';
import { waitForReplicaCaughtUp } from '../src/runbook/steps/wait-replica-caught-up.js';
import { scaleCompute } from '../src/runbook/steps/scale-compute.js';
import { switchDns } from '../src/runbook/steps/switch-dns.js';
import { verifyApplication } from '../src/runbook/steps/verify-application.js';

/**
 * Failback: return the application from `from` (the standby that took over)
 * to `to` (the original primary), ending in the original layout. The old
 * primary's database is stale after an unplanned failover, so it is kept
 * aside and rebuilt as a replica; once caught up it is promoted in a planned
 * way, DNS moves back, and the standby becomes a replica at standby capacity.
 */
export const failback = runbook(
  'failback',
  'Fail back to the original primary region',
  sequence(
    parallel(
      sequence(
        retireStaleWriter({ id: 'retire-stale-original-database', title: 'Set the stale original database aside', side: 'to' }),
        createReplica({ id: 'create-original-replica', title: 'Rebuild the original database as a replica of the current writer', side: 'to' }),
        waitForReplicaCaughtUp({ id: 'wait-original-replica-caught-up', title: 'Wait until the original replica has caught up', side: 'to', maxLagSeconds: 1 }),
        promoteDatabase({ id: 'promote-original-database', title: 'Promote the original database (planned)', side: 'to', mode: 'planned' }),
      ),
      scaleCompute({ id: 'scale-up-original-compute', title: 'Scale the original Auto Scaling group to active capacity', side: 'to', capacity: 'active' }),
    ),
    switchDns({ id: 'switch-dns-to-original', title: 'Point DNS back at the original region', side: 'to' }),
    verifyApplication({ id: 'verify-application-in-original', title: 'Check that the application answers in the original region', side: 'to' }),
    parallel(
      sequence(
        retireStaleWriter({ id: 'retire-standby-writer', title: 'Set the former standby writer aside', side: 'from' }),
        createReplica({ id: 'create-standby-replica', title: 'Rebuild the standby database as a replica', side: 'from' }),
      ),
      scaleCompute({ id: 'scale-down-standby-compute', title: 'Scale the standby Auto Scaling group back to standby capacity', side: 'from', capacity: 'standby' }),
    ),
  ),
);
