import { parallel, runbook, sequence } from '../src/runbook/step.js';
import { promoteDatabase } from '../src/runbook/steps/promote-database.js';
import { rpoGuard } from '../src/runbook/steps/rpo-guard.js';
import { scaleCompute } from '../src/runbook/steps/scale-compute.js';
import { switchDns } from '../src/runbook/steps/switch-dns.js';
import { verifyApplication } from '../src/runbook/steps/verify-application.js';

/**
 * Regional failover: move the application from `from` (lost) to `to`.
 * The promotion waits for the RPO guard (data loss estimate within the RPO,
 * or an operator's approval); it and the compute scale-up do not wait for each
 * other; DNS moves only when both are done, so that traffic never reaches a
 * region that cannot write or cannot serve.
 */
export const regionalFailover = runbook(
  'regional-failover',
  'Fail over to the standby region',
  sequence(
    parallel(
      sequence(
        rpoGuard({ id: 'check-data-loss-within-rpo', title: 'Check the data loss estimate against the RPO (or wait for approval)', side: 'to' }),
        promoteDatabase({ id: 'promote-standby-database', title: 'Promote the standby database replica', side: 'to', mode: 'unplanned' }),
      ),
      scaleCompute({ id: 'scale-up-standby-compute', title: 'Scale the standby Auto Scaling group to active capacity', side: 'to', capacity: 'active' }),
    ),
    switchDns({ id: 'switch-dns-to-standby', title: 'Point DNS at the standby region', side: 'to' }),
    verifyApplication({ id: 'verify-application-in-standby', title: 'Check that the application answers in the standby region', side: 'to' }),
  ),
);
