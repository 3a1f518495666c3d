import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../src/adapters/memory/memory-state-store.js';
import { createSimProviders } from '../../../../src/adapters/sim/sim-providers.js';
import type { DnsRecordSet } from '../../../../src/ports/dns-provider.js';
import { pendingSteps, RunbookEngine } from '../../../../src/runbook/engine.js';
import type { RunRecord } from '../../../../src/runbook/run.js';
import { runbook } from '../../../../src/runbook/step.js';
import { retiredMessage, retireStaleWriter } from '../../../../src/runbook/steps/replica-steps.js';
import { ManualClock } from '../../../support/manual-clock.js';
import { SHOP_LB as LB, SHOP_LB_ZONE as LB_ZONE, shopConfig } from '../../../support/shop-config.js';


// The config names the load balancers as the ELB API reports them: without `dualstack.`.
const app = shopConfig({ alias: { routing: 'simple' } }).applications[0]!;

/** The alias as the Route 53 console writes it when an operator edits the record: `dualstack.` + the load balancer. */
const consoleAlias = (region: keyof typeof LB): DnsRecordSet => ({
  name: 'shop.example.com.',
  type: 'A',
  values: [],
  alias: { dnsName: `dualstack.${LB[region]}.`, hostedZoneId: LB_ZONE[region], evaluateTargetHealth: false },
});

const book = runbook('failback-tail', 'Set the former standby writer aside', retireStaleWriter({ id: 'retire-standby-writer', title: 'Set the former standby writer aside', side: 'from' }));

/**
 * The tail of a failback in the simulated world: both databases are
 * writers (eu-west-1 took over; us-east-1 was promoted back), and the step
 * sets eu-west-1's aside. DNS is whatever `dns` says, as the console left it.
 */
async function retireStandbyWriter(dns: DnsRecordSet) {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, random: () => 0.5 });
  sim.database.seed(app.regions[0]!.database, 'writer');
  sim.database.seed(app.regions[1]!.database, 'writer');
  sim.dns.seed('Z0SHOP', [dns]);
  const store = new MemoryStateStore();
  const engine = new RunbookEngine({ store, clock, log: pino({ level: 'silent' }), random: () => 0.5, retry: { attempts: 3, baseMs: 100, maxMs: 1_000 } });
  const run: RunRecord = { id: 'run-failback-1', app: 'shop', kind: 'failback', runbook: book.name, from: 'eu-west-1', to: 'us-east-1', trigger: 'manual', reason: 'test', status: 'running', createdAt: clock.now(), steps: pendingSteps(book) };
  let finished: RunRecord | undefined;
  void engine.execute(run, book, { app, from: app.regions[1]!, to: app.regions[0]!, cloud: sim, prober: { round: async () => [] }, clock }).then((r) => (finished = r));
  await clock.advanceUntil(() => finished !== undefined, { stepMs: 100, maxMs: 10 * 60_000 });
  return { run: finished!, sim, store };
}

describe('retire-standby-writer in the simulated world, with a console-made dualstack. alias', () => {
  it('refuses while DNS, in the console’s dualstack. form, still sends traffic to eu-west-1: the writer is left alone', async () => {
    const { run, sim } = await retireStandbyWriter(consoleAlias('eu-west-1'));
    expect(run.status).toBe('failed');
    expect(run.steps[0]).toMatchObject({
      status: 'failed',
      message: `refusing to set aside rds:shop-db-eu-west-1 (eu-west-1): DNS sends the application's traffic to eu-west-1 (A alias dualstack.${LB['eu-west-1']}.); it is set aside only while DNS sends traffic to another region`,
    });
    expect(await sim.database.describe(app.regions[1]!.database)).toMatchObject({ exists: true, role: 'writer' });
    // Reads only: nothing renamed, modified or deleted.
    expect(sim.cloud.calls.filter((c) => c.service === 'rds' && !c.operation.startsWith('Describe')).map((c) => c.operation)).toEqual([]);
  });

  it('sets it aside once DNS, in the same form, names us-east-1', async () => {
    const { run, sim, store } = await retireStandbyWriter(consoleAlias('us-east-1'));
    expect(run.status, run.error).toBe('succeeded');
    expect(await sim.database.describe(app.regions[1]!.database)).toMatchObject({ exists: false });
    // The name it was set aside under is in the step's message, not only in the journal.
    const [retired] = (await store.readJournal(run.id)).filter((e) => e.type === 'act-succeeded').map((e) => String(e.detail?.['retiredAs']));
    expect(retired).toMatch(/^shop-db-eu-west-1-stale-/);
    expect(run.steps[0]!.message).toBe(`old writer rds:shop-db-eu-west-1 (eu-west-1) set aside as ${retired} (data kept); now: absent`);
  });
});

describe('retiredMessage', () => {
  it('names the new name and the kept lost writes; only what the check saw when nothing was set aside', () => {
    expect(retiredMessage('rds:shop-db (us-east-1)', 'absent', { retiredAs: 'shop-db-stale-1a2b3c4d' })).toBe('old writer rds:shop-db (us-east-1) set aside as shop-db-stale-1a2b3c4d (data kept); now: absent');
    expect(retiredMessage('aurora:shop (us-east-1)', 'replica of eu-west-1', { preservedAs: 'lost-1,lost-2' })).toBe('lost writes kept as lost-1, lost-2; now: replica of eu-west-1');
    expect(retiredMessage('rds:shop-db (us-east-1)', 'absent', { preservedAs: '' })).toBe('absent');
    expect(retiredMessage('rds:shop-db (us-east-1)', 'absent', undefined)).toBe('absent');
  });
});
