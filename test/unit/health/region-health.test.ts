import { describe, expect, it } from 'vitest';
import {
  describeResults,
  flapEvidence,
  initialHealth,
  isFlapping,
  observe,
  roundOutcome,
  roundPassed,
  SHAKY,
  type RegionHealth,
  type RegionObservation,
  type Thresholds,
} from '../../../src/health/region-health.js';
import type { ProbeResult } from '../../../src/probes/types.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const STEP = 5_000;
const REGION = 'us-east-1';
const URL_A = 'https://use1.example.com/health';
const URL_B = 'https://use1.example.com/deep';

function ok(url = URL_A, at = T0): ProbeResult {
  return { url, ok: true, status: 200, latencyMs: 12, at };
}

function bad(url = URL_A, at = T0, error: ProbeResult['error'] = 'timeout', message?: string): ProbeResult {
  return { url, ok: false, latencyMs: 2_000, error, ...(message !== undefined ? { message } : {}), at };
}

/** A target that passed although `failed` of its `of` attempts failed. */
function shakyOk(url = URL_A, at = T0, failed = 1, of = 3): ProbeResult {
  return { ...ok(url, at), attempts: { failed, of }, message: `${failed} of ${of} attempts failed (status: expected HTTP 200, got 503)` };
}

/** A passed round ('P'), a failed one ('F'), or ('S') a passed one in which an attempt failed. */
function round(at: number, kind: boolean | 'P' | 'F' | 'S'): RegionObservation {
  const k = kind === true ? 'P' : kind === false ? 'F' : kind;
  const b = k === 'P' ? ok(URL_B, at) : k === 'S' ? shakyOk(URL_B, at) : bad(URL_B, at);
  return { region: REGION, at, results: [ok(URL_A, at), b] };
}

/**
 * Feed rounds one STEP apart; 'P' is a passing round, 'F' a failing one, 'S'
 * a passing one with a failed attempt. Round i happens at T0 + (i + 1) * STEP.
 * Returns every intermediate health.
 */
function run(pattern: string, thresholds: Thresholds = { fall: 3, rise: 3 }, start: RegionHealth = initialHealth(REGION, T0)): RegionHealth[] {
  const out: RegionHealth[] = [];
  let h = start;
  const base = start.lastObservationAt ?? T0;
  [...pattern].forEach((c, i) => {
    h = observe(h, round(base + (i + 1) * STEP, c as 'P' | 'F' | 'S'), thresholds);
    out.push(h);
  });
  return out;
}

const at = (i: number) => T0 + (i + 1) * STEP;
const states = (hs: RegionHealth[]) => hs.map((h) => h.state);
const last = (hs: RegionHealth[]): RegionHealth => hs[hs.length - 1]!;

describe('initialHealth', () => {
  it('starts unknown, with no counts and no outage', () => {
    expect(initialHealth(REGION, T0)).toEqual({ region: REGION, state: 'unknown', since: T0, consecutiveFailures: 0, consecutiveSuccesses: 0, lastResults: [], recent: [] });
  });
});

describe('roundPassed', () => {
  it('passes only when every target passed', () => {
    expect(roundPassed({ region: REGION, at: T0, results: [ok(URL_A), ok(URL_B)] })).toBe(true);
    expect(roundPassed({ region: REGION, at: T0, results: [ok(URL_A), bad(URL_B)] })).toBe(false);
  });

  it('a round with no results does not pass', () => {
    expect(roundPassed({ region: REGION, at: T0, results: [] })).toBe(false);
  });
});

describe('roundOutcome', () => {
  it('is 1 for a clean pass, SHAKY for a pass with a failed attempt, 0 for a failed round', () => {
    expect(roundOutcome(round(T0, 'P'))).toBe(1);
    expect(roundOutcome(round(T0, 'S'))).toBe(SHAKY);
    expect(roundOutcome(round(T0, 'F'))).toBe(0);
    // A failed round is failed, however many attempts of its passing targets failed.
    expect(roundOutcome({ region: REGION, at: T0, results: [shakyOk(URL_A), bad(URL_B)] })).toBe(0);
    // Attempts counted but none failed: clean.
    expect(roundOutcome({ region: REGION, at: T0, results: [{ ...ok(URL_A), attempts: { failed: 0, of: 3 } }] })).toBe(1);
  });

  it('a shaky round passes: it moves the state machine as a pass, and is kept in recent as SHAKY', () => {
    const hs = run('PPPFFS');
    expect(states(hs)).toEqual(['unknown', 'unknown', 'healthy', 'suspect', 'suspect', 'healthy']);
    expect(last(hs).recent).toEqual([1, 1, 1, 0, 0, SHAKY]);
    expect(last(hs).consecutiveSuccesses).toBe(1);
  });
});

describe('observe: transitions', () => {
  it('unknown → healthy only after `rise` consecutive successes', () => {
    const hs = run('PPP');
    expect(states(hs)).toEqual(['unknown', 'unknown', 'healthy']);
    expect(hs.map((h) => h.consecutiveSuccesses)).toEqual([1, 2, 3]);
    expect(last(hs).since).toBe(at(2));
    expect(last(hs).failingSince).toBeUndefined();
  });

  it('unknown → unhealthy only after `fall` consecutive failures', () => {
    const hs = run('FFF');
    expect(states(hs)).toEqual(['unknown', 'unknown', 'unhealthy']);
    expect(hs.map((h) => h.consecutiveFailures)).toEqual([1, 2, 3]);
    expect(last(hs).since).toBe(at(2));
    expect(last(hs).failingSince).toBe(at(0));
  });

  it('stays unknown while the rounds alternate', () => {
    expect(states(run('PFPFPF'))).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('healthy → suspect on the first failure → unhealthy at `fall` failures', () => {
    const hs = run('PPPFFF');
    expect(states(hs)).toEqual(['unknown', 'unknown', 'healthy', 'suspect', 'suspect', 'unhealthy']);
    expect(hs[3]!.since).toBe(at(3));
    expect(hs[3]!.consecutiveFailures).toBe(1);
    expect(hs[3]!.consecutiveSuccesses).toBe(0);
    expect(last(hs).since).toBe(at(5));
    expect(last(hs).failingSince).toBe(at(3));
  });

  it('suspect → healthy on one success, and the suspicion leaves no outage behind', () => {
    const hs = run('PPPFFP');
    expect(states(hs)).toEqual(['unknown', 'unknown', 'healthy', 'suspect', 'suspect', 'healthy']);
    const recovered = last(hs);
    expect(recovered.failingSince).toBeUndefined();
    expect('failingSince' in recovered).toBe(false);
    expect(recovered.consecutiveFailures).toBe(0);
    expect(recovered.since).toBe(at(5));
  });

  it('a failure count restarts after a suspicion is cleared', () => {
    // Two failures, one success, two failures: never `fall` in a row, so never unhealthy.
    expect(states(run('PPPFFPFF'))).toEqual(['unknown', 'unknown', 'healthy', 'suspect', 'suspect', 'healthy', 'suspect', 'suspect']);
    expect(last(run('PPPFFPFF')).failingSince).toBe(at(6));
  });

  it('unhealthy → recovering on a success → healthy after `rise` successes', () => {
    const hs = run('PPPFFFPPP');
    expect(states(hs).slice(5)).toEqual(['unhealthy', 'recovering', 'recovering', 'healthy']);
    expect(hs[6]!.since).toBe(at(6));
    expect(hs[7]!.since).toBe(at(6));
    expect(hs[8]!.since).toBe(at(8));
    // The outage lasts while recovering; it ends when the region is healthy again.
    expect(hs[6]!.failingSince).toBe(at(3));
    expect(hs[7]!.failingSince).toBe(at(3));
    expect(hs[8]!.failingSince).toBeUndefined();
  });

  it('recovering → unhealthy on one failure, keeping the start of the original outage', () => {
    const hs = run('PPPFFFPPF');
    expect(states(hs).slice(5)).toEqual(['unhealthy', 'recovering', 'recovering', 'unhealthy']);
    const relapsed = last(hs);
    expect(relapsed.failingSince).toBe(at(3));
    expect(relapsed.since).toBe(at(8));
    expect(relapsed.consecutiveFailures).toBe(1);
    expect(relapsed.consecutiveSuccesses).toBe(0);
  });

  it('after a relapse, recovery needs `rise` successes counted from scratch', () => {
    const hs = run('PPPFFFPPFPPP');
    expect(states(hs).slice(8)).toEqual(['unhealthy', 'recovering', 'recovering', 'healthy']);
  });

  it('unhealthy stays unhealthy on more failures, and the failure count keeps growing', () => {
    const hs = run('FFFFF');
    expect(states(hs).slice(2)).toEqual(['unhealthy', 'unhealthy', 'unhealthy']);
    expect(last(hs).consecutiveFailures).toBe(5);
    expect(last(hs).since).toBe(at(2));
    expect(last(hs).failingSince).toBe(at(0));
  });
});

describe('observe: failingSince', () => {
  it('is set at the first failed round and survives into unhealthy', () => {
    const hs = run('PPPFFFF');
    expect(hs.slice(3).map((h) => h.failingSince)).toEqual([at(3), at(3), at(3), at(3)]);
  });

  it('is absent while healthy', () => {
    for (const h of run('PPPPP')) expect(h.failingSince).toBeUndefined();
  });

  it('a second outage starts its own clock', () => {
    const hs = run('PPPFFFPPPFFF');
    expect(hs[8]!.state).toBe('healthy');
    expect(last(hs).state).toBe('unhealthy');
    expect(last(hs).failingSince).toBe(at(9));
  });
});

describe('observe: since', () => {
  it('changes only when the state changes', () => {
    const hs = run('PPPPPPFFPP');
    const healthy = hs.slice(2, 6);
    for (const h of healthy) expect(h.since).toBe(at(2));
    expect(hs[6]!.since).toBe(at(6)); // suspect
    expect(hs[7]!.since).toBe(at(6)); // still suspect
    expect(hs[8]!.since).toBe(at(8)); // healthy again
    expect(hs[9]!.since).toBe(at(8));
  });

  it('stays at the creation time while the state stays unknown', () => {
    for (const h of run('PP')) expect(h.since).toBe(T0);
  });
});

describe('observe: ordering and purity', () => {
  it('ignores an observation older than the last one seen', () => {
    const healthy = last(run('PPP'));
    const late = observe(healthy, round(at(1), false), { fall: 1, rise: 1 });
    expect(late).toBe(healthy);
    expect(late.state).toBe('healthy');
  });

  it('a late round cannot undo a newer one', () => {
    const down = last(run('PPPFFF'));
    expect(down.state).toBe('unhealthy');
    const late = observe(down, round(at(2), true), { fall: 3, rise: 1 });
    expect(late.state).toBe('unhealthy');
    expect(late.lastObservationAt).toBe(at(5));
  });

  it('records the last results and their time', () => {
    const obs = round(at(0), false);
    const h = observe(initialHealth(REGION, T0), obs, { fall: 3, rise: 3 });
    expect(h.lastResults).toEqual(obs.results);
    expect(h.lastObservationAt).toBe(at(0));
    expect(h.region).toBe(REGION);
  });

  it('does not modify the health it was given', () => {
    const before = last(run('PPPF'));
    const copy = structuredClone(before);
    observe(before, round(at(10), false), { fall: 3, rise: 3 });
    observe(before, round(at(11), true), { fall: 3, rise: 3 });
    expect(before).toEqual(copy);
  });
});

describe('observe: fall = 1, rise = 1', () => {
  const t: Thresholds = { fall: 1, rise: 1 };

  it('one success makes an unknown region healthy; one failure an unknown region unhealthy', () => {
    expect(states(run('P', t))).toEqual(['healthy']);
    expect(states(run('F', t))).toEqual(['unhealthy']);
  });

  it('healthy → unhealthy on one failure, without a suspect step', () => {
    const hs = run('PF', t);
    expect(states(hs)).toEqual(['healthy', 'unhealthy']);
    expect(hs[1]!.failingSince).toBe(at(1));
  });

  it('unhealthy → healthy on one success, without a recovering step', () => {
    const hs = run('FP', t);
    expect(states(hs)).toEqual(['unhealthy', 'healthy']);
    expect(hs[1]!.failingSince).toBeUndefined();
  });

  it('fall = 1 with rise = 3 still needs three successes to recover', () => {
    expect(states(run('PPPFPPP', { fall: 1, rise: 3 }))).toEqual(['unknown', 'unknown', 'healthy', 'unhealthy', 'recovering', 'recovering', 'healthy']);
  });

  it('fall = 3 with rise = 1 is healthy on the first success', () => {
    expect(states(run('PFFFP', { fall: 3, rise: 1 }))).toEqual(['healthy', 'suspect', 'suspect', 'unhealthy', 'healthy']);
  });
});

describe('describeResults', () => {
  it('says when there are no results yet', () => {
    expect(describeResults([])).toBe('no probe results yet');
  });

  it('counts probes that passed', () => {
    expect(describeResults([ok(URL_A), ok(URL_B)])).toBe('2/2 probes ok');
  });

  it('counts failures and explains the first one', () => {
    expect(describeResults([ok(URL_A), bad(URL_B, T0, 'status', 'HTTP 503'), bad(URL_A, T0, 'timeout', 'no answer in 2000 ms')])).toBe('2/3 probes failed (status: HTTP 503)');
  });

  it('says when a passed probe had failed attempts', () => {
    expect(describeResults([ok(URL_A), shakyOk(URL_B, T0, 2)])).toBe('2/2 probes ok; 2 of 3 attempts failed (status: expected HTTP 200, got 503)');
  });

  it('works without a message or an error class', () => {
    expect(describeResults([bad(URL_A, T0, 'refused')])).toBe('1/1 probes failed (refused)');
    expect(describeResults([{ url: URL_A, ok: false, latencyMs: 1, at: T0 }])).toBe('1/1 probes failed (error)');
  });
});

describe('isFlapping', () => {
  const damping = { window: 20, minFailures: 2 };
  const steady = 'P'.repeat(20);

  it('a steady region that fails fall rounds in a row is not flapping: a hard outage is judged on the streak alone', () => {
    const h = last(run(`${steady}FFF`));
    expect(h.state).toBe('unhealthy');
    expect(isFlapping(h, damping)).toBe(false);
  });

  it('from the onset: two rounds that saw a failure, failed or shaky, make the next streak flapping', () => {
    for (const onset of ['SSFFF', 'SPSFFF', 'FPSFFF', 'SFPFFF', 'FPFPFFF', 'SSSPPFFF']) {
      const h = last(run(`${steady}${onset}`));
      expect(h.state, onset).toBe('unhealthy');
      expect(isFlapping(h, damping), onset).toBe(true);
    }
  });

  it('a lone blip, failed or shaky, is not enough: the outage after it is judged on its streak (minFailures 2)', () => {
    for (const onset of ['FPFFF', 'SPFFF', 'SPPPPFFF']) {
      const h = last(run(`${steady}${onset}`));
      expect(h.state, onset).toBe('unhealthy');
      expect(isFlapping(h, damping), onset).toBe(false);
    }
    // With minFailures 1 a lone blip would hold the outage that follows for the whole window.
    expect(isFlapping(last(run(`${steady}SPPPPFFF`)), { window: 20, minFailures: 1 })).toBe(true);
  });

  it('a streak that outlasts the window is an outage, flap history or not', () => {
    const hs = run(`${steady}SS${'F'.repeat(21)}`);
    expect(isFlapping(hs[hs.length - 2]!, damping)).toBe(true);
    expect(isFlapping(last(hs), damping)).toBe(false);
  });

  it('evidence older than the window does not count', () => {
    const h = last(run(`${steady}SF${'P'.repeat(20)}FFF`));
    expect(flapEvidence(h, 20)).toEqual({ failed: 0, shaky: 0 });
    expect(isFlapping(h, damping)).toBe(false);
  });

  it('counts the failed and shaky rounds of the window before the streak, not the streak', () => {
    expect(flapEvidence(last(run(`${steady}FPSPSFFFF`)), 20)).toEqual({ failed: 1, shaky: 2 });
    expect(isFlapping(last(run(steady)), damping)).toBe(false);
  });
});
