import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeForHttpStatus } from '../../../src/cli/exit-codes.js';

describe('exit codes for API answers', () => {
  it.each([400, 401, 403, 404, 405, 413, 415, 422])('%i: the request was wrong or not allowed, fixing it is up to the caller: 2', (status) => {
    expect(exitCodeForHttpStatus(status)).toBe(EXIT.usage);
  });

  it.each([409, 429, 500, 502, 503, 504])('%i: the operation could not be done (a run in progress, rate limited, API broken): 1', (status) => {
    expect(exitCodeForHttpStatus(status)).toBe(EXIT.failed);
  });

  it.each([200, 202])('%i: success: 0', (status) => {
    expect(exitCodeForHttpStatus(status)).toBe(EXIT.ok);
  });

  it('keeps the three codes the README documents', () => {
    expect(EXIT).toEqual({ ok: 0, failed: 1, usage: 2 });
  });
});
