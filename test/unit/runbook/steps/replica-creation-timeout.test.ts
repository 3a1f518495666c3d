import { describe, expect, it } from 'vitest';
import { replicaCreationTimeoutMs } from '../../../../src/runbook/steps/replica-steps.js';

const HOUR = 3600_000;

describe('replicaCreationTimeoutMs: a cross-region replica copies the whole volume, so the wait grows with it', () => {
  it('allows an hour plus 20 s per GiB of the replaced instance’s allocated storage', () => {
    expect(replicaCreationTimeoutMs(20)).toBe(HOUR + 400_000);
    expect(replicaCreationTimeoutMs(1024) / HOUR).toBeCloseTo(6.69, 2);
    expect(replicaCreationTimeoutMs(10 * 1024) / HOUR).toBeCloseTo(57.9, 1);
  });

  it('allows 6 hours when the size is not known, more than a small database needs and less than a large one', () => {
    expect(replicaCreationTimeoutMs(undefined)).toBe(6 * HOUR);
    expect(replicaCreationTimeoutMs(100)).toBeLessThan(replicaCreationTimeoutMs(undefined));
    expect(replicaCreationTimeoutMs(2048)).toBeGreaterThan(replicaCreationTimeoutMs(undefined));
  });
});
