import { describe, expect, it } from 'vitest';
import { runbooks } from '../../../runbooks/index.js';
import { NotFoundError } from '../../../src/errors/errors.js';
import { RunbookCatalog } from '../../../src/runbook/runbook-catalog.js';
import { runbook, sequence, step } from '../../../src/runbook/step.js';

const noop = (id: string) => step({ id, title: id, observe: async () => ({ resource: id, current: 'x', desired: 'x', done: true }) });
const ownFailover = runbook('shop-failover', 'Own failover', sequence(noop('a')));
const drain = runbook('drain-queues', 'Drain', sequence(noop('b')));

describe('RunbookCatalog', () => {
  const catalog = new RunbookCatalog(runbooks, new Map([['shop', { failover: ownFailover, named: [drain] }]]));

  it('gives each application its own runbooks where it has them, and the built-in ones elsewhere', () => {
    expect(catalog.forKind('shop', 'failover')).toBe(ownFailover);
    expect(catalog.forKind('shop', 'failback')).toBe(runbooks.failback);
    expect(catalog.forKind('ledger', 'failover')).toBe(runbooks.failover);
    expect(catalog.all('shop').map((b) => b.name)).toEqual(['shop-failover', 'failback', 'drain-queues']);
  });

  it('resumes a run with the runbook it recorded, even one that is not its kind\'s any more', () => {
    // A run started with the built-in failover before the config named its own: its journal belongs to the built-in one.
    expect(catalog.forRun({ app: 'shop', kind: 'failover', runbook: 'regional-failover' })).toBe(runbooks.failover);
    expect(catalog.forRun({ app: 'shop', kind: 'runbook', runbook: 'drain-queues' })).toBe(drain);
    // Gone from the config: said, never replaced by another runbook whose step ids would not match the journal.
    expect(() => catalog.forRun({ app: 'shop', kind: 'failover', runbook: 'old-failover' })).toThrow('does not have any more');
  });

  it('refuses an unknown named runbook, saying which it has', () => {
    expect(() => catalog.named('shop', 'drian-queues')).toThrow(NotFoundError);
    expect(() => catalog.named('shop', 'drian-queues')).toThrow('it has: drain-queues');
    expect(() => catalog.named('ledger', 'x')).toThrow('it names none');
  });
});
