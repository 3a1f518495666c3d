import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_URL, isLoopback, resolveConnection } from '../../../src/cli/connection.js';
import { CliError } from '../../../src/cli/exit-codes.js';
import { resolveIo } from '../../../src/cli/io.js';

const dir = await mkdtemp(join(tmpdir(), 'failover-cli-'));
await writeFile(join(dir, 'api-token'), 'local-token-from-file\n');
const io = (env: Record<string, string>) => resolveIo({ stdout: { write: () => true }, stderr: { write: () => true }, env, cwd: dir });

describe('where the CLI finds the API and its token', () => {
  it('defaults to the local controller', async () => {
    const c = await resolveConnection({}, io({ FAILOVER_STATE_DIR: join(dir, 'none') }));
    expect(c).toEqual({ baseUrl: DEFAULT_URL, tokenSource: 'none', warnings: [] });
  });

  it('takes --url and --token over the environment', async () => {
    const c = await resolveConnection({ url: 'https://failover.example.com/', token: 'flag' }, io({ FAILOVER_URL: 'http://127.0.0.1:9', FAILOVER_TOKEN: 'env' }));
    expect(c).toMatchObject({ baseUrl: 'https://failover.example.com', token: 'flag', tokenSource: '--token' });
  });

  it('takes FAILOVER_URL and FAILOVER_TOKEN from the environment', async () => {
    const c = await resolveConnection({}, io({ FAILOVER_URL: 'http://localhost:8181', FAILOVER_TOKEN: 'env', FAILOVER_STATE_DIR: '.' }));
    expect(c).toMatchObject({ baseUrl: 'http://localhost:8181', token: 'env', tokenSource: 'FAILOVER_TOKEN' });
  });

  it('reads the token local mode wrote, from FAILOVER_STATE_DIR, for a loopback URL only', async () => {
    const local = await resolveConnection({ url: 'http://127.0.0.1:8080' }, io({ FAILOVER_STATE_DIR: '.' }));
    expect(local).toMatchObject({ token: 'local-token-from-file', tokenSource: { file: join(dir, 'api-token') } });
    const remote = await resolveConnection({ url: 'https://failover.example.com' }, io({ FAILOVER_STATE_DIR: '.' }));
    expect(remote.token).toBeUndefined();
  });

  it('finds the local controller where it recorded its address, whatever PORT it was started with; --url and FAILOVER_URL win', async () => {
    const state = await mkdtemp(join(tmpdir(), 'failover-cli-state-'));
    await writeFile(join(state, 'api-url'), 'http://127.0.0.1:8093\n');
    expect((await resolveConnection({}, io({ FAILOVER_STATE_DIR: state }))).baseUrl).toBe('http://127.0.0.1:8093');
    expect((await resolveConnection({}, io({ FAILOVER_STATE_DIR: state, FAILOVER_URL: 'http://127.0.0.1:9000' }))).baseUrl).toBe('http://127.0.0.1:9000');
    expect((await resolveConnection({ url: 'http://127.0.0.1:9001' }, io({ FAILOVER_STATE_DIR: state }))).baseUrl).toBe('http://127.0.0.1:9001');
    // Only a loopback address: a file that points elsewhere is not followed (the token it would carry is for this machine).
    await writeFile(join(state, 'api-url'), 'http://attacker.example.com:80\n');
    expect((await resolveConnection({}, io({ FAILOVER_STATE_DIR: state }))).baseUrl).toBe(DEFAULT_URL);
  });

  it('warns before a token goes to another host over plain http', async () => {
    const c = await resolveConnection({ url: 'http://10.0.0.5:8080', token: 't' }, io({}));
    expect(c.warnings).toEqual([expect.stringContaining('plain http to 10.0.0.5:8080')]);
  });

  it.each(['ftp://example.com', 'not a url', 'localhost:8080'])('refuses the URL %s as a usage error naming the flag', async (url) => {
    const err = await resolveConnection({ url }, io({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ exitCode: 2, message: expect.stringMatching(/^--url: must be an http\(s\) URL/) });
  });

  it('drops whitespace around a token and refuses one that cannot go in a header as a usage error, without echoing it', async () => {
    expect((await resolveConnection({}, io({ FAILOVER_URL: 'https://failover.example.com', FAILOVER_TOKEN: 'from-a-crlf-file\r\n' }))).token).toBe('from-a-crlf-file');
    for (const [options, env, source] of [
      [{ token: 'two\nlines' }, {}, '--token'],
      [{}, { FAILOVER_TOKEN: 'with space' }, 'FAILOVER_TOKEN'],
      [{ token: 'tokén' }, {}, '--token'],
    ] as const) {
      const err = await resolveConnection({ url: 'https://failover.example.com', ...options }, io(env)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect(err).toMatchObject({ exitCode: 2, message: `${source}: the token must be printable ASCII without spaces (is a control character or a space in it?)` });
    }
  });

  it('refuses a URL with a user name or password (it would be printed with every message)', async () => {
    const err = await resolveConnection({ url: 'https://alice:s3cret@failover.example.com' }, io({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ exitCode: 2, message: '--url: must not hold a user name or password; pass the API token with FAILOVER_TOKEN or --token' });
    expect((err as Error).message).not.toContain('s3cret');
  });

  it('knows loopback hosts', () => {
    expect(['http://127.0.0.1', 'http://127.1.2.3:80', 'http://localhost:1', 'http://[::1]:8080'].map((u) => isLoopback(new URL(u)))).toEqual([true, true, true, true]);
    expect(['http://10.0.0.1', 'https://example.com', 'http://127.0.0.1.example.com'].map((u) => isLoopback(new URL(u)))).toEqual([false, false, false]);
  });
});
