/**
 * The shop's own runbooks, from the step library of failover-controller and
 * one step of its own. `failover.yaml` names them:
 *
 *     runbooks:
 *       module: ./runbooks/shop.ts
 *       failover: shop-failover
 *
 * and every other runbook exported here can be run by name
 * (`failover run drain-queues --reason ...`).
 */
import {
  ecsServiceCount,
  fenceOldWriter,
  invokeFunction,
  parallel,
  promoteDatabase,
  publishWriterEpoch,
  rpoGuard,
  runbook,
  scaleCompute,
  sequence,
  step,
  switchDns,
  verifyApplication,
} from 'failover-controller/runbooks';
import { pointWritesFlag } from './feature-flags.js';

/** The shop's web tier runs on ECS as well as on its Auto Scaling group: both come up before DNS moves. */
const scaleWebService = ecsServiceCount({
  id: 'scale-up-standby-web-service',
  title: 'Scale the standby web service (ECS) to 4 tasks',
  side: 'to',
  cluster: 'shop',
  service: 'web',
  count: 4,
});

/** The order queue is drained into the new region by a function of the shop's own: its idempotency key makes a retry harmless. */
const drainQueues = invokeFunction({
  id: 'drain-order-queue',
  title: 'Drain the order queue into the standby region (Lambda)',
  side: 'to',
  functionName: 'shop-drain-queues',
  payload: (ctx) => ({ queue: 'orders', into: ctx.to.name }),
});

export const shopFailover = runbook(
  'shop-failover',
  'Fail the shop over to the standby region',
  sequence(
    parallel(
      sequence(
        rpoGuard({ id: 'check-data-loss-within-rpo', title: 'Check the data loss estimate against the RPO', side: 'to' }),
        publishWriterEpoch({ id: 'fence-epoch-to-standby', title: 'Publish the standby region as the only writer', writer: 'to', reason: 'the old writer is lost', undoTo: 'from', guard: 'to' }),
        fenceOldWriter({ id: 'fence-old-writer', title: 'Cut the old writer off the network (best effort)', side: 'from', writer: 'to', mode: 'best-effort', guard: 'to' }),
        promoteDatabase({ id: 'promote-standby-database', title: 'Promote the standby database replica', side: 'to', mode: 'unplanned' }),
      ),
      scaleCompute({ id: 'scale-up-standby-compute', title: 'Scale the standby Auto Scaling group to active capacity', side: 'to', capacity: 'active' }),
      scaleWebService,
    ),
    drainQueues,
    step(pointWritesFlag('point-writes-flag-to-standby', 'Point the writes feature flag at the standby region')),
    switchDns({ id: 'switch-dns-to-standby', title: 'Point DNS at the standby region', side: 'to' }),
    verifyApplication({ id: 'verify-application-in-standby', title: 'Check that the shop answers in the standby region', side: 'to' }),
  ),
);

/** Run by hand (or in a game day) before a planned move: drain the queue, nothing else. */
export const drainOnly = runbook('drain-queues', 'Drain the order queue into the other region', sequence(drainQueues));
