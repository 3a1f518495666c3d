import { describe, expect, it } from 'vitest';
import * as library from '../../../src/runbook/library.js';
import {
  ecsServiceCount,
  lintRunbooks,
  parallel,
  promoteDatabase,
  publishWriterEpoch,
  rpoGuard,
  runbook,
  sequence,
  switchDns,
} from '../../../src/runbook/library.js';

describe('the step library entry', () => {
  it('holds the composition functions and every library step factory', () => {
    const factories = [
      'step', 'sequence', 'parallel', 'runbook', 'childRunbook', 'lintRunbooks',
      'promoteDatabase', 'detachGate', 'createReplica', 'retireStaleWriter', 'rpoGuard', 'waitForReplicaCaughtUp',
      'publishWriterEpoch', 'fenceOldWriter', 'liftNetworkFence', 'freezeCompute', 'scaleCompute', 'ecsServiceCount',
      'switchDns', 'verifyApplication', 'invokeFunction', 'callEndpoint', 'runAutomation', 'failoverGlobalCache', 'approvalGate',
    ];
    for (const name of factories) expect(typeof (library as Record<string, unknown>)[name], name).toBe('function');
  });

  it('composes the runbook of its TSDoc example, which lints clean', () => {
    const book = runbook('shop-failover', 'Fail the shop over', sequence(
      rpoGuard({ id: 'check-rpo', title: 'Check the data loss against the RPO', side: 'to' }),
      publishWriterEpoch({ id: 'fence-epoch', title: 'Only the standby writes', writer: 'to', reason: 'failover' }),
      parallel(
        promoteDatabase({ id: 'promote-db', title: 'Promote the replica', side: 'to', mode: 'unplanned' }),
        ecsServiceCount({ id: 'scale-web', title: 'Scale the web service', side: 'to', cluster: 'shop', service: 'web', count: 6 }),
      ),
      switchDns({ id: 'switch-dns', title: 'Point DNS at the standby', side: 'to' }),
    ));
    expect(lintRunbooks([book])).toEqual([]);
  });
});
