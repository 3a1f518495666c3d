import { describe, expect, it } from 'vitest';
import { attemptsOf, combineAttempts } from '../../../src/probes/attempts.js';
import type { ProbeResult } from '../../../src/probes/types.js';

const URL = 'https://use1.example.com/health';
const pass = (latencyMs: number, at = 1_000): ProbeResult => ({ url: URL, ok: true, status: 200, latencyMs, at });
const fail = (latencyMs: number, error: ProbeResult['error'], message: string, status?: number): ProbeResult => ({
  url: URL,
  ok: false,
  latencyMs,
  at: 1_000,
  error,
  message,
  ...(status !== undefined ? { status } : {}),
});
const s503 = (latencyMs = 4) => fail(latencyMs, 'status', 'expected HTTP 200, got 503', 503);
const timeout = (latencyMs = 1_000) => fail(latencyMs, 'timeout', 'no complete response within 1000 ms');

describe('combineAttempts', () => {
  it('returns a single attempt as it is (no attempt count): a target probed once reads as before', () => {
    const only = s503();
    expect(combineAttempts([only])).toBe(only);
    expect(() => combineAttempts([])).toThrow(RangeError);
  });

  it('passes when every attempt passed: the quickest one speaks, with 0 failed', () => {
    expect(combineAttempts([pass(12), pass(7), pass(9)])).toEqual({ ...pass(7), attempts: { failed: 0, of: 3 } });
  });

  it('passes when any attempt passed, counting the failed ones and saying why they failed, with no error class', () => {
    const r = combineAttempts([s503(), pass(9), s503(3)]);
    expect(r).toEqual({ url: URL, ok: true, status: 200, latencyMs: 9, at: 1_000, attempts: { failed: 2, of: 3 }, message: '2 of 3 attempts failed (status: expected HTTP 200, got 503)' });
    expect(r.error).toBeUndefined();
    expect(combineAttempts([timeout(), pass(5), s503()]).message).toBe('2 of 3 attempts failed (timeout, status)');
  });

  it('fails when every attempt failed: the first one’s error, status and message, the slowest one’s latency', () => {
    expect(combineAttempts([s503(4), s503(6), s503(5)])).toEqual({ ...s503(6), attempts: { failed: 3, of: 3 }, message: 'expected HTTP 200, got 503; all 3 attempts failed' });
    const mixed = combineAttempts([s503(4), timeout(1_000), timeout(998)]);
    expect(mixed).toMatchObject({ ok: false, error: 'status', status: 503, latencyMs: 1_000, attempts: { failed: 3, of: 3 } });
    expect(mixed.message).toBe('expected HTTP 200, got 503; all 3 attempts failed (status, timeout x2)');
  });

  it('is stamped with the earliest start of its attempts', () => {
    expect(combineAttempts([pass(3, 1_002), pass(3, 1_000)]).at).toBe(1_000);
  });
});

describe('attemptsOf', () => {
  it('is 1 when unset, and stays within 1..10 whatever a caller built', () => {
    expect(attemptsOf({})).toBe(1);
    expect(attemptsOf({ attempts: 3 })).toBe(3);
    expect(attemptsOf({ attempts: 0 })).toBe(1);
    expect(attemptsOf({ attempts: 50 })).toBe(10);
    expect(attemptsOf({ attempts: 2.7 })).toBe(2);
    expect(attemptsOf({ attempts: Number.NaN })).toBe(1);
  });
});
