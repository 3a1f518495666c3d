import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach } from 'vitest';
import { type Harness, type HarnessOptions, startHarness } from './harness.js';

/**
 * For a describe block whose every test drives a fresh harness through its
 * API: start both before each test and hand them to `take`, close both after.
 */
export function harnessWithApi(take: (started: { h: Harness; api: FastifyInstance }) => void, options?: HarnessOptions): void {
  let current: { h: Harness; api: FastifyInstance } | undefined;
  beforeEach(async () => {
    const h = await startHarness(options);
    current = { h, api: await h.api() };
    take(current);
  });
  afterEach(async () => {
    await current?.api.close();
    await current?.h.close();
    current = undefined;
  });
}
