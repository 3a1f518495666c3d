import { parallel, runbook, sequence } from '../src/runbook/step.js';
import { publishWriterEpoch } from '../src/runbook/steps/fence-epoch.js';
import { fenceOldWriter } from '../src/runbook/steps/fence-network.js';
import { promoteDatabase } from '../src/runbook/steps/promote-database.js';
import { rpoGuard } from '../src/runbook/steps/rpo-guard.js';
import { scaleCompute } from '../src/runbook/steps/scale-compute.js';
import { switchDns } from '../src/runbook/steps/switch-dns.js';
import { verifyApplication } from '../src/runbook/steps/verify-application.js';

/**
 * Regional failover: move the application from `from` (lost) to `to`.
 * The promotion waits for the RPO guard (data loss estimate within the RPO,
 * or an operator's approval), then fences the old writer, so that it takes no
 * write the promoted replica will not have: the fencing epoch names `to` as
 * the only writer region (applications that check it stop writing in `from`
 * at once), and the old writer is cut off the network (its security groups'
 * inbound rules revoked, connections ended by a reboot) as far as its region
 * answers: one attempt with a short deadline that never holds the promotion
 * up, then the controller's retries until the region answers. The promotion
 * and the compute scale-up do not wait for each other; DNS moves only when
 * both are done, so that traffic never reaches a region that cannot write or
 * cannot serve.
 */
export const regionalFailover = runbook(
  'regional-failover',
  'Fail over to the standby region',
  sequence(
    parallel(
      sequence(
        rpoGuard({ id: 'check-data-loss-within-rpo', title: 'Check the data loss estimate against the RPO (or wait for approval)', side: 'to' }),
        // Fence the old writer before the promotion, never waiting for it: the epoch at once, the network as far as the lost region answers.
        publishWriterEpoch({ id: 'fence-epoch-to-standby', title: 'Publish the standby region as the only writer (fencing epoch)', writer: 'to', reason: 'the old writer is lost', undoTo: 'from', guard: 'to' }),
        fenceOldWriter({ id: 'fence-old-writer', title: 'Cut the old writer off the network (best effort: retried until its region answers)', side: 'from', writer: 'to', mode: 'best-effort', guard: 'to' }),
        promoteDatabase({
          id: 'promote-standby-database',
          title: 'Promote the standby database replica',
          side: 'to',
          mode: 'unplanned',
          // Aurora across engine versions: no managed failover; detaching the secondary is an operator's call.
          detachGate: { id: 'approve-detach-standby-database', title: 'Approve detaching the standby cluster from its global database (only when managed failover is impossible)' },
        }),
      ),
      scaleCompute({ id: 'scale-up-standby-compute', title: 'Scale the standby Auto Scaling group to active capacity', side: 'to', capacity: 'active' }),
    ),
    switchDns({ id: 'switch-dns-to-standby', title: 'Point DNS at the standby region', side: 'to' }),
    verifyApplication({ id: 'verify-application-in-standby', title: 'Check that the application answers in the standby region', side: 'to' }),
  ),
);
