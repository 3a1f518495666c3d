import { describe, expect, it } from 'vitest';
import { regionalFailover } from '../../../runbooks/regional-failover.js';
import { failback } from '../../../runbooks/failback.js';
import { childRunbook } from '../../../src/runbook/child-runbook.js';
import { lintRunbooks } from '../../../src/runbook/plan-lint.js';
import { flattenSteps, parallel, runbook, sequence, step, type RunbookNode, type StepRole } from '../../../src/runbook/step.js';

/** A step that only has an id and a role: the lint reads nothing else. */
function s(id: string, role?: StepRole): RunbookNode {
  return step({ id, title: id, ...(role ? { role } : {}), observe: async () => ({ resource: id, current: '', desired: '', done: true }) });
}
const rpo = (id = 'check-rpo') => s(id, { kind: 'rpo-gate', side: 'to' });
const fence = (id = 'fence-epoch') => s(id, { kind: 'fence' });
const promote = (mode: 'planned' | 'unplanned' = 'unplanned', id = 'promote-db', side: 'from' | 'to' = 'to') =>
  s(id, { kind: 'promotion', mode, side });
const capacity = (id = 'scale-up', side: 'from' | 'to' = 'to') => s(id, { kind: 'capacity', side });
const traffic = (id = 'switch-dns', side?: 'from' | 'to') => s(id, { kind: 'traffic', ...(side ? { side } : {}) });

describe('lintRunbooks', () => {
  it('finds nothing wrong with the built-in runbooks', () => {
    expect(lintRunbooks([regionalFailover, failback])).toEqual([]);
  });

  it('reads the roles the library steps of the built-in runbooks carry', () => {
    const roles = Object.fromEntries(flattenSteps(regionalFailover.root).map((d) => [d.id, d.role]));
    expect(roles).toMatchObject({
      'check-data-loss-within-rpo': { kind: 'rpo-gate', side: 'to' },
      'fence-epoch-to-standby': { kind: 'fence' },
      'fence-old-writer': { kind: 'fence', side: 'from' },
      'promote-standby-database': { kind: 'promotion', mode: 'unplanned', side: 'to' },
      'scale-up-standby-compute': { kind: 'capacity', side: 'to' },
      'switch-dns-to-standby': { kind: 'traffic', side: 'to' },
    });
    const back = Object.fromEntries(flattenSteps(failback.root).map((d) => [d.id, d.role]));
    expect(back).toMatchObject({
      'freeze-standby-compute': { kind: 'capacity', side: 'from' },
      'scale-down-standby-compute': { kind: 'capacity', side: 'from' },
    });
  });

  it('refuses an unplanned promotion without an RPO gate, saying what to add', () => {
    const book = runbook('no-gate', 'no gate', sequence(fence(), promote(), traffic()));
    expect(lintRunbooks([book])).toEqual([
      {
        runbook: 'no-gate',
        stepId: 'promote-db',
        rule: 'rpo-gate-before-unplanned-promotion',
        message:
          'unplanned promotion "promote-db" is not preceded by an RPO gate: the data loss must be judged first. ' +
          'Add an RPO gate (rpoGuard) before "promote-db", in sequence ahead of it (a step in a parallel branch beside it does not count).',
      },
    ]);
  });

  it('does not count an RPO gate in a parallel sibling, nor one after the promotion', () => {
    const beside = runbook('beside', 'beside', sequence(fence(), parallel(rpo(), promote()), traffic()));
    const [finding] = lintRunbooks([beside]);
    expect(finding).toMatchObject({ runbook: 'beside', stepId: 'promote-db', rule: 'rpo-gate-before-unplanned-promotion' });
    expect(finding!.message).toMatch(/^unplanned promotion "promote-db" is not preceded by an RPO gate \("check-rpo" runs in parallel with it: that does not count\)/);
    const after = runbook('after', 'after', sequence(fence(), promote(), rpo(), traffic()));
    expect(lintRunbooks([after])[0]!.message).toContain('("check-rpo" runs after it: that does not count)');
  });

  it('refuses an unplanned promotion without a fence', () => {
    const book = runbook('no-fence', 'no fence', sequence(rpo(), parallel(fence(), promote())));
    expect(lintRunbooks([book])).toMatchObject([{ stepId: 'promote-db', rule: 'fence-before-unplanned-promotion' }]);
    expect(lintRunbooks([book])[0]!.message).toContain('Add a fence of the old writer (publishWriterEpoch, fenceOldWriter) before "promote-db"');
  });

  it('counts guards that precede an enclosing node, and asks nothing of a planned promotion', () => {
    const guarded = parallel(sequence(s('detach-gate'), promote()), capacity());
    const nested = runbook('nested', 'nested', sequence(rpo(), fence(), guarded, traffic()));
    expect(lintRunbooks([nested])).toEqual([]);
    expect(lintRunbooks([runbook('planned', 'planned', sequence(promote('planned'), traffic()))])).toEqual([]);
  });

  it('refuses traffic that moves before, or beside, a capacity or promotion step of its side', () => {
    const beside = runbook('beside', 'beside', sequence(rpo(), fence(), promote(), parallel(capacity(), traffic())));
    expect(lintRunbooks([beside])).toEqual([
      {
        runbook: 'beside',
        stepId: 'switch-dns',
        rule: 'traffic-after-its-side',
        message:
          'traffic step "switch-dns" moves traffic to the \'to\' side, but capacity step "scale-up" of that side runs in parallel with it: ' +
          'traffic could reach a region that cannot serve yet. Move "scale-up" before "switch-dns", in sequence ahead of it.',
      },
    ]);
    const early = runbook('early', 'early', sequence(traffic('switch-back', 'from'), promote('planned', 'promote-back', 'from')));
    expect(lintRunbooks([early])).toMatchObject([{ stepId: 'switch-back', rule: 'traffic-after-its-side' }]);
    expect(lintRunbooks([early])[0]!.message).toContain('promotion step "promote-back" of that side runs after it: traffic could reach a region that cannot write yet');
  });

  it('lets the other side scale after the traffic has moved (failback\'s standby scale-down)', () => {
    const book = runbook('ok', 'ok', sequence(capacity('scale-up-original', 'to'), promote('planned'), traffic(), capacity('scale-down', 'from')));
    expect(lintRunbooks([book])).toEqual([]);
  });

  it('refuses one step id for two different steps across runbooks, and allows a shared child runbook', () => {
    const shared = runbook('drain', 'drain', sequence(s('drain-queues'), s('flush-cache')));
    const a = runbook('a', 'a', sequence(childRunbook(shared), s('notify')));
    const b = runbook('b', 'b', sequence(s('prepare'), childRunbook(shared)));
    expect(lintRunbooks([a, b, shared])).toEqual([]);
    const clash = runbook('c', 'c', sequence(s('notify')));
    expect(lintRunbooks([a, clash])).toEqual([
      {
        runbook: 'c',
        stepId: 'notify',
        rule: 'unique-step-ids',
        message:
          'step id "notify" of runbook "c" is also the id of a different step in runbook "a": ids are journal keys and name one step. ' +
          'Rename one of them, or use the very same step in both (a shared child runbook, with childRunbook).',
      },
    ]);
  });

  it('names the child runbook a step comes from', () => {
    const db = runbook('db', 'db', sequence(fence(), promote()));
    const book = runbook('outer', 'outer', sequence(childRunbook(db), traffic()));
    const [finding] = lintRunbooks([book]);
    expect(finding).toMatchObject({ runbook: 'outer', stepId: 'promote-db', rule: 'rpo-gate-before-unplanned-promotion' });
    expect(finding!.message).toMatch(/^unplanned promotion "promote-db" \(in child runbook "db"\) is not preceded by an RPO gate/);
  });
});

describe('childRunbook', () => {
  it('is a sequence named after the runbook, holding its tree', () => {
    const child = runbook('drain', 'drain', sequence(s('drain-queues')));
    expect(childRunbook(child)).toEqual({ kind: 'sequence', runbook: 'drain', children: [child.root] });
  });
});
