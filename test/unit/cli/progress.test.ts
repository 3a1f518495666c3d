import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/cli/api-types.js';
import { BarReporter, chooseReporter, LineReporter, SilentReporter } from '../../../src/cli/progress.js';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

function collector(isTTY = false) {
  let text = '';
  return { write: (s: string) => ((text += s), true), isTTY, columns: 120, text: () => text };
}

function run(statuses: RunRecord['steps'][number]['status'][], overrides: Partial<RunRecord> = {}): RunRecord {
  const ids = ['promote-standby-database', 'scale-up-standby-compute', 'switch-dns-to-standby'];
  return {
    id: 'run-1', app: 'shop', kind: 'failover', runbook: 'regional-failover', from: 'us-east-1', to: 'eu-west-1', trigger: 'manual', reason: 'x', status: 'running', createdAt: T0,
    steps: statuses.map((status, i) => ({ id: ids[i]!, title: ids[i]!, status, ...(status !== 'pending' ? { startedAt: T0 } : {}), ...(status === 'succeeded' ? { finishedAt: T0 + 2_000 } : {}) })),
    ...overrides,
  };
}

describe('run reporters', () => {
  it('prints one line per step status change, never the same twice, nothing for pending steps', () => {
    const out = collector();
    const reporter = new LineReporter(out);
    reporter.update(run(['running', 'pending', 'pending']));
    reporter.update(run(['running', 'pending', 'pending']));
    reporter.update(run(['succeeded', 'running', 'pending']));
    reporter.note('waiting for approval');
    expect(out.text().split('\n')).toEqual([
      '  promote-standby-database: running',
      '  promote-standby-database: succeeded in 2.0 s',
      '  scale-up-standby-compute: running',
      'waiting for approval',
      '',
    ]);
  });

  it('says what a polling step last saw, when it changes or every 30 s, not at every poll', () => {
    const out = collector();
    const reporter = new LineReporter(out);
    const seen = (at: number, text: string) => run(['running'], { steps: [{ id: 'verify-application-in-standby', title: 'x', status: 'running', startedAt: T0, lastObservation: { at, text } }] });
    reporter.update(seen(T0 + 1_000, '1/1 probes failing (HTTP 503)'));
    reporter.update(seen(T0 + 1_000, '1/1 probes failing (HTTP 503)'));
    reporter.update(seen(T0 + 6_000, '1/1 probes failing (HTTP 503)'));
    reporter.update(seen(T0 + 9_000, '1/1 probes failing (timeout)'));
    reporter.update(seen(T0 + 39_000, '1/1 probes failing (timeout)'));
    expect(out.text().split('\n')).toEqual([
      '  verify-application-in-standby: running',
      '  verify-application-in-standby: last seen at 12:00:01Z: 1/1 probes failing (HTTP 503)',
      '  verify-application-in-standby: last seen at 12:00:09Z: 1/1 probes failing (timeout)',
      '  verify-application-in-standby: last seen at 12:00:39Z: 1/1 probes failing (timeout)',
      '',
    ]);
    const err = collector(true);
    const bar = new BarReporter(err, () => T0 + 3_000);
    bar.update(seen(T0 + 1_000, '1/1 probes failing (HTTP 503)'));
    bar.stop();
    expect(err.text()).toContain('0/1 steps | verify-application-in-standby: 1/1 probes failing (HTTP 503) | 3.0 s');
  });

  it('draws a bar on a terminal: steps done of total, the current step and the elapsed time', () => {
    const err = collector(true);
    const reporter = new BarReporter(err, () => T0 + 3_000);
    reporter.update(run(['succeeded', 'running', 'pending']));
    reporter.note('a note above the bar');
    reporter.update(run(['succeeded', 'succeeded', 'running']));
    reporter.stop();
    expect(err.text()).toContain('1/3 steps | scale-up-standby-compute | 3.0 s');
    expect(err.text()).toContain('a note above the bar\n');
    expect(err.text()).toContain('2/3 steps | switch-dns-to-standby | 3.0 s');
  });

  it('chooses silence for --json, a bar only on a terminal with progress on, lines otherwise', () => {
    const now = () => T0;
    expect(chooseReporter({ json: true, progress: true, stdout: collector(true), stderr: collector(true), now })).toBeInstanceOf(SilentReporter);
    expect(chooseReporter({ json: false, progress: true, stdout: collector(), stderr: collector(true), now })).toBeInstanceOf(BarReporter);
    expect(chooseReporter({ json: false, progress: false, stdout: collector(), stderr: collector(true), now })).toBeInstanceOf(LineReporter);
    expect(chooseReporter({ json: false, progress: true, stdout: collector(), stderr: collector(false), now })).toBeInstanceOf(LineReporter);
  });
});
