import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { endedRun, killAllGroups, localApi, localSetup, npmStart, waitForOutput } from '../support/npm-start.js';
import { freePort } from '../support/free-port.js';
import { grafanaQueries } from '../support/grafana-queries.js';

/** Debian's `prometheus` package: .ci/run installs it, as it installs chromium. */
const PROMETHEUS = process.env['PROMETHEUS_BIN'] ?? 'prometheus';

type Sample = { metric: Record<string, string>; value: [number, string] };

/** A real Prometheus server scraping `target` every second, with the local API's token as its bearer credential. */
async function startPrometheus(dir: string, target: string, tokenFile: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const version = spawnSync(PROMETHEUS, ['--version'], { encoding: 'utf8' });
  if (version.error) throw new Error(`${PROMETHEUS} not found: install Debian's prometheus package (apt-get install prometheus), as .ci/run does`);
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: failover-controller',
      '    metrics_path: /metrics',
      `    authorization: { type: Bearer, credentials_file: ${tokenFile} }`,
      `    static_configs: [{ targets: ['${target}'] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const args = ['--config.file', config, '--storage.tsdb.path', join(dir, 'tsdb'), '--web.listen-address', `127.0.0.1:${port}`, '--log.level', 'warn'];
  const child = spawn(PROMETHEUS, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited:\n${output}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, child, output: () => output };
    await sleep(100);
  }
  throw new Error(`prometheus not ready within 30 s:\n${output}`);
}

/** An instant PromQL query through Prometheus's HTTP API. */
async function query(url: string, promql: string): Promise<Sample[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: Sample[] } };
  if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
  return body.data.result;
}

/** Query until `done` holds of the result (Prometheus scrapes every second), at most 30 s. */
async function queryUntil(url: string, promql: string, done: (samples: Sample[]) => boolean): Promise<Sample[]> {
  let samples: Sample[] = [];
  for (let i = 0; i < 300; i++) {
    samples = await query(url, promql);
    if (done(samples)) return samples;
    await sleep(100);
  }
  throw new Error(`${promql}: still ${JSON.stringify(samples)} after 30 s`);
}

const value = (s: Sample) => Number(s.value[1]);

describe('a real Prometheus scraping npm start', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : undefined)));
    await killAllGroups();
  });

  it('after an outage and a failover, PromQL returns the failover count, the detection latency and the step durations', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'failover-prom-'));
    const setup = await localSetup(await mkdtemp(join(dir, 'state-')));
    const proc = npmStart([], setup.env);
    await waitForOutput(proc, /listening on/);
    const prometheus = await startPrometheus(dir, `127.0.0.1:${setup.apiPort}`, join(setup.stateDir, 'api-token'));
    children.push(prometheus.child);

    // Scraped with the token: the target is up, and the controller's rounds are counted.
    await queryUntil(prometheus.url, 'up{job="failover-controller"}', (s) => s.length === 1 && value(s[0]!) === 1);
    await queryUntil(prometheus.url, 'sum(failover_round_duration_seconds_count)', (s) => s.length === 1 && value(s[0]!) >= 2);
    expect(await query(prometheus.url, 'failover_region_active{app="shop"} == 1')).toMatchObject([{ metric: { region: 'us-east-1' } }]);

    expect((await localApi(setup, 'POST', '/sim/regions/us-east-1/outage')).status).toBe(200);
    const run = await endedRun(setup, proc);
    expect(run).toMatchObject({ kind: 'failover', status: 'succeeded', to: 'eu-west-1' });

    // The failover count.
    const failovers = await queryUntil(prometheus.url, 'sum(failover_runs_total{kind="failover",outcome="succeeded"})', (s) => s.length === 1 && value(s[0]!) > 0);
    expect(value(failovers[0]!)).toBe(1);
    // The detection latency: from the outage's first failed probe to the decision, which came before the run was created.
    const [detection] = await query(prometheus.url, 'sum(failover_detection_latency_seconds_sum) / sum(failover_detection_latency_seconds_count)');
    const detected = value(detection!);
    expect(detected).toBeGreaterThan(0);
    expect(detected).toBeLessThanOrEqual((run.createdAt - run.outageStartedAt!) / 1000);
    expect((await query(prometheus.url, 'failover_detection_latency_seconds_count{region="us-east-1"}')).map(value)).toEqual([1]);
    // The step durations: one sample per step that ran, each the step's own duration as the run record has it.
    const steps = await query(prometheus.url, 'sum by (step) (failover_step_duration_seconds_sum{kind="failover"})');
    const took = new Map(steps.map((s) => [s.metric['step']!, value(s)]));
    const ran = run.steps.filter((s) => s.startedAt !== undefined && s.finishedAt !== undefined);
    expect(ran.length).toBeGreaterThan(3);
    for (const step of ran) expect(took.get(step.id), step.id).toBeCloseTo((step.finishedAt! - step.startedAt!) / 1000, 3);
    expect(took.size).toBe(ran.length);
    // And what on-call looks at next: the DNS switch time, and the active region that followed it.
    expect(await query(prometheus.url, 'failover_dns_switch_seconds_count{region="eu-west-1"}')).toHaveLength(1);
    await queryUntil(prometheus.url, 'failover_region_active{app="shop"} == 1', (s) => s.length === 1 && s[0]!.metric['region'] === 'eu-west-1');

    // Every query of the Grafana dashboard is valid PromQL to this Prometheus, and finds data after a failover.
    const dashboard = JSON.parse(await readFile(join(import.meta.dirname, '../../deploy/grafana/failover-controller.json'), 'utf8')) as unknown;
    const empty: string[] = [];
    for (const { panel, expr } of grafanaQueries(dashboard)) if ((await query(prometheus.url, expr)).length === 0) empty.push(`${panel}: ${expr}`);
    expect(empty).toEqual([]);
  });
});
