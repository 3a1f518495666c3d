import { runbooks } from '../../runbooks/index.js';
import { RunbookCatalog } from '../../src/runbook/runbook-catalog.js';
import { runbook, sequence } from '../../src/runbook/step.js';
import { ecsServiceCount } from '../../src/runbook/steps/ecs-service-count.js';
import { invokeFunction } from '../../src/runbook/steps/invoke-function.js';

/** The Lambda function and ECS service the shop's named runbook uses, in the standby region. */
export const DRAIN = { region: 'eu-west-1', functionName: 'shop-drain-queues' };
export const WEB = { region: 'eu-west-1', cluster: 'shop', service: 'web' };

/** A named runbook of the shop's own: warm the standby's ECS service, then drain the queue into it. */
export const warmAndDrain = runbook(
  'warm-and-drain',
  'Warm the standby web service and drain the order queue into it',
  sequence(
    ecsServiceCount({ id: 'warm-standby-web', title: 'Run 2 web tasks in the standby', side: 'to', cluster: 'shop', service: 'web', count: 2 }),
    invokeFunction({ id: 'drain-order-queue', title: 'Drain the order queue', side: 'to', functionName: DRAIN.functionName, payload: () => ({ queue: 'orders' }) }),
  ),
);

/** The built-in failover and failback, and warm-and-drain as the shop's named runbook. */
export function catalogWithWarmAndDrain(): RunbookCatalog {
  return new RunbookCatalog(runbooks, new Map([['shop', { named: [warmAndDrain] }]]));
}
