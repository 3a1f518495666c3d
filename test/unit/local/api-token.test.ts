import { mkdtemp, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/api/auth/token-verifier.js';
import type { ApiConfig } from '../../../src/config/types.js';
import { UserInputError } from '../../../src/errors/errors.js';
import { localApiAuth } from '../../../src/local/api-token.js';

const log = pino({ level: 'silent' });
const none: ApiConfig = { auth: 'token', tokens: [], iamPrincipals: [], rateLimit: { max: 30, windowSeconds: 60 } };

describe('the local API token', () => {
  it('is generated on first start into <stateDir>/api-token (0600), only its hash used, and kept for later starts', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'token-')), 'state');
    const first = await localApiAuth(none, dir, log);
    const file = join(dir, 'api-token');
    const token = (await readFile(file, 'utf8')).trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.tokens).toEqual([{ name: 'local-admin', sha256: hashToken(token), roles: ['operator', 'approver'] }]);
    expect(JSON.stringify(first)).not.toContain(token);
    const again = await localApiAuth(none, dir, log);
    expect(again.tokens[0]!.sha256).toBe(hashToken(token));
  });

  it('leaves configured tokens alone and writes no file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'token-'));
    const configured: ApiConfig = { ...none, tokens: [{ name: 'alice', sha256: 'a'.repeat(64), roles: ['viewer'] }] };
    expect(await localApiAuth(configured, dir, log)).toBe(configured);
    await expect(stat(join(dir, 'api-token'))).rejects.toThrow(/ENOENT/);
  });

  it('closes a token file others can read, and refuses one that holds no token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'token-'));
    const file = join(dir, 'api-token');
    await writeFile(file, 'a-token-of-my-own-choosing\n');
    await chmod(file, 0o644);
    expect((await localApiAuth(none, dir, log)).tokens[0]!.sha256).toBe(hashToken('a-token-of-my-own-choosing'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await writeFile(file, 'short\n');
    await expect(localApiAuth(none, dir, log)).rejects.toThrow(`${file}: does not hold a token (16 or more printable characters); delete it and start again to get a new one`);
  });

  it('refuses IAM auth, which only API Gateway can provide', async () => {
    await expect(localApiAuth({ ...none, auth: 'iam' }, '/nonexistent', log)).rejects.toBeInstanceOf(UserInputError);
  });
});
