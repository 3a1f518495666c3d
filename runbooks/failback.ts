import { parallel, runbook, sequence } from '../src/runbook/step.js';
import { freezeCompute } from '../src/runbook/steps/fence-compute.js';
import { publishWriterEpoch } from '../src/runbook/steps/fence-epoch.js';
import { fenceOldWriter, liftNetworkFence } from '../src/runbook/steps/fence-network.js';
import { promoteDatabase } from '../src/runbook/steps/promote-database.js';
import { createReplica, retireStaleWriter } from '../src/runbook/steps/replica-steps.js';
import { waitForReplicaCaughtUp } from '../src/runbook/steps/wait-replica-caught-up.js';
import { scaleCompute } from '../src/runbook/steps/scale-compute.js';
import { switchDns } from '../src/runbook/steps/switch-dns.js';
import { verifyApplication } from '../src/runbook/steps/verify-application.js';

/**
 * Failback: return the application from `from` (the standby that took over)
 * to `to` (the original primary), ending in the original layout. The old
 * primary's database is stale after an unplanned failover: it is fenced (if
 * the failover's fence is still pending), kept aside (renamed: it may hold
 * writes that never replicated) and rebuilt as a replica, and its network
 * fence is lifted for that replica, which takes the same security groups.
 *
 * The promotion is planned, so nothing may be written to the current writer
 * once the replica has caught up (RDS: "Stop any transactions from being
 * written to the primary DB instance, and then wait for RDS to apply all
 * updates to the read replica", Promoting a read replica,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html).
 * So: the write freeze (the fencing epoch frozen, and `from`'s Auto Scaling
 * group at zero, as `fence.planned` says), then the replica's lag read after
 * the freeze, then the promotion, DNS, and only then the freeze is lifted
 * (the epoch names `to`; `from`'s group returns to standby capacity once its
 * database is a replica again). Scaling the serving region to zero before
 * DNS moves is an outage of a few promotion-and-DNS lengths: the price of no
 * write left behind on the writer that is set aside.
 */
export const failback = runbook(
  'failback',
  'Fail back to the original primary region',
  sequence(
    parallel(
      sequence(
        fenceOldWriter({ id: 'fence-stale-original-writer', title: 'Make sure the stale original writer is fenced before it is set aside', side: 'to', writer: 'from', mode: 'required' }),
        retireStaleWriter({ id: 'retire-stale-original-database', title: 'Set the stale original database aside', side: 'to' }),
        liftNetworkFence({ id: 'lift-original-network-fence', title: "Restore the original database's inbound rules for the replica rebuilt under its name", side: 'to' }),
        createReplica({ id: 'create-original-replica', title: 'Rebuild the original database as a replica of the current writer', side: 'to' }),
      ),
      scaleCompute({ id: 'scale-up-original-compute', title: 'Scale the original Auto Scaling group to active capacity', side: 'to', capacity: 'active' }),
    ),
    // The write freeze: from here until DNS has moved, nothing writes to the current writer.
    parallel(
      publishWriterEpoch({ id: 'freeze-writes-epoch', title: 'Freeze writes in every region (fencing epoch)', writer: 'nobody', reason: 'writes frozen for the planned promotion', undoTo: 'from', guard: 'to', enabled: (app) => app.fence.planned !== 'compute' }),
      freezeCompute({ id: 'freeze-standby-compute', title: 'Freeze writes: scale the current writer region to zero instances', side: 'from', guard: 'to', enabled: (app) => app.fence.planned !== 'epoch' }),
    ),
    waitForReplicaCaughtUp({ id: 'wait-original-replica-caught-up', title: 'Wait until the original replica has caught up', side: 'to', maxLagSeconds: 1 }),
    promoteDatabase({ id: 'promote-original-database', title: 'Promote the original database (planned)', side: 'to', mode: 'planned' }),
    switchDns({ id: 'switch-dns-to-original', title: 'Point DNS back at the original region', side: 'to' }),
    publishWriterEpoch({ id: 'lift-write-freeze', title: 'Lift the write freeze: publish the original region as the only writer', writer: 'to', reason: 'DNS points at the new writer' }),
    verifyApplication({ id: 'verify-application-in-original', title: 'Check that the application answers in the original region', side: 'to' }),
    // The standby's instances come back only once its database is a replica: they must find no writer under its name.
    sequence(
      retireStaleWriter({ id: 'retire-standby-writer', title: 'Set the former standby writer aside', side: 'from' }),
      createReplica({ id: 'create-standby-replica', title: 'Rebuild the standby database as a replica', side: 'from' }),
      scaleCompute({ id: 'scale-down-standby-compute', title: 'Scale the standby Auto Scaling group back to standby capacity', side: 'from', capacity: 'standby' }),
    ),
  ),
);
