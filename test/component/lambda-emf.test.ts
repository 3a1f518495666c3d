import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfMetrics } from '../../src/adapters/metrics/emf-metrics.js';
import { ALL_METRICS, CLOUDWATCH_NAMESPACE, METRICS } from '../../src/metrics/catalog.js';
import { createProbeHandler } from '../../src/handlers/probe.js';
import { createRunbookHandler } from '../../src/handlers/runbook.js';
import type { HandlerDeps } from '../../src/handlers/handler-deps.js';
import { emfLines, emfViolations } from '../support/emf-spec.js';
import { scheduledEvent, startWorld, type World } from '../support/lambda-world.js';

type Doc = Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit?: string }[] }[] } };

/** What the invocation printed on standard output (where Lambda's log, and so EMF, goes). */
async function printed<T>(invocation: () => Promise<T>): Promise<{ result: T; docs: Doc[]; lines: string[] }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true));
  try {
    const result = await invocation();
    const lines = emfLines(chunks.join(''));
    return { result, lines, docs: lines.map((l) => JSON.parse(l) as Doc) };
  } finally {
    spy.mockRestore();
  }
}

/** The documents that carry `metric`, with their dimension sets. */
const carrying = (docs: Doc[], metric: string) => docs.filter((d) => d._aws.CloudWatchMetrics[0]!.Metrics.some((m) => m.Name === metric));

describe('EMF lines the Lambda functions print (probe and runbook worker, simulated cloud, dynalite)', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  const withEmf = (deps: HandlerDeps): HandlerDeps => ({ ...deps, metrics: () => new EmfMetrics({ log: deps.log }) });

  it('a probe invocation prints valid EMF: its rounds, probes, decisions and the gauges of the present, labels as dimensions', async () => {
    w = await startWorld();
    const probe = createProbeHandler(withEmf(w.deps('eu-west-1')));
    const { result, lines, docs } = await printed(() => w!.drive(probe(scheduledEvent(w!.clock.now()), w!.context(60_000))));
    expect(result.rounds).toBe(11);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(emfViolations(line), line.slice(0, 300)).toEqual([]);

    const known = new Map(ALL_METRICS.map((m) => [m.name, m]));
    for (const doc of docs) {
      const [directive] = doc._aws.CloudWatchMetrics;
      expect(directive!.Namespace).toBe(CLOUDWATCH_NAMESPACE);
      for (const { Name } of directive!.Metrics) {
        const metric = known.get(Name);
        expect(metric, Name).toBeDefined();
        // The first dimension set is exactly the metric's labels (no Powertools `service`), then its roll-ups.
        expect(directive!.Dimensions).toEqual([[...metric!.labels], ...(metric!.rollups ?? []).map((r) => [...r])]);
      }
    }

    // The dead man's switch counts rounds: one value per round, dimension vantage = the stack's region.
    const [rounds] = carrying(docs, METRICS.roundDuration.name);
    expect(rounds).toMatchObject({ vantage: 'eu-west-1' });
    expect(rounds![METRICS.roundDuration.name]).toHaveLength(11);
    // Probes: 11 rounds × 1 probe per region, each ok; a counter is printed as its increase.
    const probes = carrying(docs, METRICS.probes.name);
    expect(probes.map((d) => [d['region'], d['outcome'], d[METRICS.probes.name]]).sort()).toEqual([
      ['eu-west-1', 'ok', 11],
      ['us-east-1', 'ok', 11],
    ]);
    expect(carrying(docs, METRICS.decisions.name).map((d) => [d['action'], d[METRICS.decisions.name]])).toEqual([['hold', 11]]);
    // Gauges: each region healthy (a one-hot gauge sends its 1s only) and us-east-1 active.
    expect(carrying(docs, METRICS.regionState.name).map((d) => [d['region'], d['state'], d[METRICS.regionState.name]]).sort()).toEqual([
      ['eu-west-1', 'healthy', 1],
      ['us-east-1', 'healthy', 1],
    ]);
    expect(carrying(docs, METRICS.regionActive.name).map((d) => [d['region'], d[METRICS.regionActive.name]]).sort()).toEqual([
      ['eu-west-1', 0],
      ['us-east-1', 1],
    ]);
  });

  it('the worker that ends a failover prints its run, its steps and the DNS switch time; more than 99 values split into documents', async () => {
    w = await startWorld();
    const { clock } = w;
    const probeEu = createProbeHandler(withEmf(w.deps('eu-west-1')));
    const workerEu = createRunbookHandler(withEmf(w.deps('eu-west-1')), { pauseMarginMs: 2_000 });
    const minute = clock.now();
    const probing = printed(() => w!.drive(probeEu(scheduledEvent(minute), w!.context(60_000))));
    await clock.advance(1);
    await w.world.outage('us-east-1');
    const { docs: probeDocs } = await probing;
    // The failover was decided in the probe function: its detection latency, from the first failed probe.
    const [detected] = carrying(probeDocs, METRICS.detectionLatency.name);
    expect(detected).toMatchObject({ app: 'shop', region: 'us-east-1' });
    expect(detected![METRICS.detectionLatency.name]).toBeGreaterThanOrEqual(10);

    const [handed] = w.dispatched['eu-west-1']!;
    expect(handed).toBeDefined();
    const { result, lines, docs } = await printed(() => w!.drive(workerEu({ source: 'failover-controller', runId: handed!.id, app: 'shop' }, w!.context(600_000))));
    expect(result.runs).toEqual([{ id: handed!.id, status: 'succeeded' }]);
    for (const line of lines) expect(emfViolations(line), line.slice(0, 300)).toEqual([]);
    const [runs] = carrying(docs, METRICS.runs.name);
    expect(runs).toMatchObject({ app: 'shop', kind: 'failover', trigger: 'automatic', outcome: 'succeeded', [METRICS.runs.name]: 1 });
    // The roll-up the stack's "a run failed" alarm reads.
    expect(runs!._aws.CloudWatchMetrics[0]!.Dimensions).toContainEqual(['app', 'outcome']);
    const steps = carrying(docs, METRICS.stepDuration.name).map((d) => d['step']);
    expect(steps).toEqual(expect.arrayContaining(['promote-standby-database', 'switch-dns-to-standby', 'verify-application-in-standby']));
    const [dns] = carrying(docs, METRICS.dnsSwitch.name);
    expect(dns).toMatchObject({ app: 'shop', region: 'eu-west-1', mode: 'records' });
    // The worker leaves the gauges to the probe function.
    expect(carrying(docs, METRICS.regionState.name)).toEqual([]);
  });

  it('counts a run once: in the worker that executed it, not in the probe function that handed it off and followed it to its end', async () => {
    w = await startWorld();
    const { clock } = w;
    const probeSink = new EmfMetrics();
    const workerSink = new EmfMetrics();
    const probeAdds = vi.spyOn(probeSink, 'add');
    const workerAdds = vi.spyOn(workerSink, 'add');
    const probeEu = createProbeHandler({ ...w.deps('eu-west-1'), metrics: () => probeSink }, { followPollMs: 500 });
    const workerEu = createRunbookHandler({ ...w.deps('eu-west-1'), metrics: () => workerSink }, { pauseMarginMs: 2_000 });
    const probing = probeEu(scheduledEvent(clock.now()), w.context(60_000));
    await clock.advance(1);
    await w.world.outage('us-east-1');
    expect(await clock.advanceUntil(() => w!.dispatched['eu-west-1']!.length > 0, { stepMs: 250, maxMs: 30_000 })).toBe(true);
    const [handed] = w.dispatched['eu-west-1']!;
    const working = workerEu({ source: 'failover-controller', runId: handed!.id, app: 'shop' }, w.context(600_000));
    const [summary, worked] = await printed(() => w!.drive(Promise.all([probing, working]))).then((p) => p.result);
    expect(worked.runs).toEqual([{ id: handed!.id, status: 'succeeded' }]);
    // The run ended while the probe function still followed it (it stops 5.5 s before its deadline, polling every 0.5 s)…
    expect(summary.runsHandedOff).toEqual([handed!.id]);
    expect((await w.store.getRun(handed!.id))!.finishedAt!).toBeLessThan(Date.parse(summary.endedAt) - 6_000);
    // …and left the counting to the worker.
    const counted = (adds: typeof probeAdds) => adds.mock.calls.filter(([metric, , by]) => metric === METRICS.runs && by !== 0).length;
    expect([counted(probeAdds), counted(workerAdds)]).toEqual([0, 1]);
  });

  it('prints the rounds before reading the gauges, and leaves out gauges not read within the deadline', async () => {
    const emf = new EmfMetrics();
    emf.observe(METRICS.roundDuration, { vantage: 'us-east-1' }, 0.2);
    emf.collectGauges(() => new Promise(() => undefined));
    const { docs } = await printed(() => emf.flush({ deadlineMs: 50 }));
    expect(docs.map((d) => Object.keys(d).filter((k) => k.startsWith('failover_')))).toEqual([[METRICS.roundDuration.name]]);
  });

  it('prints a histogram of 250 values as three documents of at most 99, each with its dimensions', async () => {
    const emf = new EmfMetrics();
    for (let i = 0; i < 250; i++) emf.observe(METRICS.roundDuration, { vantage: 'us-east-1' }, i / 1000);
    const { lines, docs } = await printed(() => emf.flush());
    for (const line of lines) expect(emfViolations(line)).toEqual([]);
    expect(docs.map((d) => (d[METRICS.roundDuration.name] as number[]).length)).toEqual([99, 99, 52]);
    expect(docs.every((d) => d['vantage'] === 'us-east-1')).toBe(true);
  });
});

describe('the EMF validator', () => {
  it('refuses documents that break the specification', () => {
    const ok = { _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['a']], Metrics: [{ Name: 'm', Unit: 'Count' }] }] }, a: 'x', m: 1 };
    expect(emfViolations(JSON.stringify(ok))).toEqual([]);
    const broken = (patch: (d: any) => void) => {
      const d = structuredClone(ok) as any;
      patch(d);
      return emfViolations(JSON.stringify(d));
    };
    expect(broken((d) => delete d.a)).toEqual(['dimension a: the root member must be a string of 1–1024 characters']);
    expect(broken((d) => (d.m = 'one'))).toEqual(['metric m: the root member must be a number or an array of at most 100 numbers']);
    expect(broken((d) => (d.m = Array.from({ length: 101 }, () => 1)))).toHaveLength(1);
    expect(broken((d) => (d._aws.CloudWatchMetrics[0].Metrics[0].Unit = 'Things'))).not.toEqual([]);
    expect(broken((d) => (d._aws.CloudWatchMetrics[0].Dimensions = [Array.from({ length: 31 }, (_, i) => `d${i}`)]))).not.toEqual([]);
    expect(broken((d) => delete d._aws.Timestamp)).not.toEqual([]);
    expect(broken((d) => (d._aws.CloudWatchMetrics[0].Extra = 1))).not.toEqual([]);
  });
});
