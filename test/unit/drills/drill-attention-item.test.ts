import { describe, expect, it } from 'vitest';
import { drillAttentionItem } from '../../../src/drills/drill-attention-item.js';
import { DRILL_T0, drillFixture } from '../../support/drill-fixture.js';

const T0 = DRILL_T0;
const STARTED = new Date(T0).toISOString();
const ABORT = `curl -X POST "$FAILOVER_URL/drills/drill-1/abort" -H "Authorization: Bearer $FAILOVER_TOKEN" -H 'content-type: application/json' -d '{"reason":"why"}'`;

describe('drillAttentionItem: the banner of a game day in progress', () => {
  it('says the region is down on purpose, who started it and when, what happens next, and how to follow, stop and read it', () => {
    const item = drillAttentionItem(drillFixture({ decider: 'controller' }), T0 + 185_000);
    expect(item).toEqual({
      kind: 'drill',
      severity: 'info',
      title: 'Game day drill-1 in progress: us-east-1 is down on purpose (stage: detecting the outage)',
      details: [
        `Started by alice at ${STARTED} (3 min 05 s ago), for shop: us-east-1 → eu-west-1 and back.`,
        'Stage: detecting. The controller has not judged us-east-1 down yet.',
        'Next: the controller decides the failover to eu-west-1 on its own; should it hold, the drill fails over by hand, as the paged operator would.',
        'Alerts that us-east-1 is down come from this drill; aborting it heals us-east-1 (a run in flight finishes first).',
      ],
      commands: ['failover drill --id drill-1 --wait', ABORT],
      link: { href: '/drills/drill-1/report', text: 'drill report' },
    });
  });

  it('follows the drill through its stages', () => {
    const failingOver = drillAttentionItem(drillFixture({ stage: 'failing-over', failoverRunId: 'run-7', milestones: { startedAt: T0, detectedAt: T0 + 15_000 } }), T0 + 20_000);
    expect(failingOver.title).toBe('Game day drill-1 in progress: us-east-1 is down on purpose (stage: failing over)');
    expect(failingOver.details.slice(1, 3)).toEqual([
      'Stage: failing over. Run run-7 moves shop to eu-west-1.',
      'Next: when the run ends, the drill heals us-east-1 and fails back once the controller judges it healthy again.',
    ]);

    const awaiting = drillAttentionItem(drillFixture({ stage: 'awaiting-primary', milestones: { startedAt: T0, healedAt: T0 + 30_000 } }), T0 + 40_000);
    expect(awaiting.title).toBe('Game day drill-1 in progress: us-east-1 was taken down on purpose and is healed (stage: waiting for the primary)');
    expect(awaiting.details[1]).toBe('Stage: waiting for the primary. shop runs in eu-west-1; us-east-1 is healed and must be judged healthy again.');
    // Healed: nothing is down on purpose any more, so no word about alerts.
    expect(awaiting.details.some((d) => d.startsWith('Alerts'))).toBe(false);

    const back = drillAttentionItem(drillFixture({ stage: 'failing-back', failbackRunId: 'run-8', milestones: { startedAt: T0, healedAt: T0 + 30_000 } }), T0 + 60_000);
    expect(back.title).toMatch(/\(stage: failing back\)$/);
    expect(back.details.slice(1, 3)).toEqual(['Stage: failing back. Run run-8 moves shop back to us-east-1.', 'Next: the drill ends with its report when the failback run ends.']);
  });

  it('says what the drill does when it rehearses the operator, or stays in the standby', () => {
    const operator = drillAttentionItem(drillFixture({ decider: 'operator', failback: false, milestones: { startedAt: T0, detectedAt: T0 + 15_000 } }), T0 + 16_000);
    expect(operator.details).toContain('Next: once us-east-1 is judged down, the drill fails over to eu-west-1 by hand, as the paged operator would.');
    expect(operator.details[0]).toMatch(/us-east-1 → eu-west-1, staying there\.$/);
    expect(operator.details[1]).toBe(`Stage: detecting. us-east-1 was judged down at ${new Date(T0 + 15_000).toISOString()}; the failover is being decided.`);
  });

  it('says a game day begun by a manual failover (AWS) moved the application on purpose, with nothing down', () => {
    const item = drillAttentionItem(drillFixture({ trigger: 'manual-failover', stage: 'failing-over', failoverRunId: 'run-1' }), T0 + 5_000);
    expect(item.title).toBe('Game day drill-1 in progress: shop is failed over from us-east-1 to eu-west-1 on purpose (stage: failing over)');
    expect(item.details.some((d) => d.startsWith('Alerts'))).toBe(false);
  });

  it('asks for a look (warning) once the injected outage cannot be healed, and says why', () => {
    const healing = drillFixture({ stage: 'failing-over', healFailure: { since: T0 + 60_000, error: 'Error: the fault injector is unreachable' } });
    expect(drillAttentionItem(healing, T0 + 120_000).severity).toBe('info');
    const stuck = drillFixture({ ...healing, healFailure: { ...healing.healFailure!, alarmedAt: T0 + 660_000 }, error: 'the injected outage could not be healed' });
    const item = drillAttentionItem(stuck, T0 + 700_000);
    expect(item.severity).toBe('warning');
    expect(item.details).toContain(`The heal of us-east-1 keeps failing since ${new Date(T0 + 60_000).toISOString()}: Error: the fault injector is unreachable.`);
    expect(item.details).toContain('Drill error: the injected outage could not be healed.');
  });
});
