import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { hashToken } from '../api/auth/token-verifier.js';
import type { ApiConfig } from '../config/types.js';
import { UserInputError } from '../errors/errors.js';

/** Where local mode keeps its generated token, inside the state directory. */
export const TOKEN_FILE = 'api-token';

/** The caller name of the generated token, as the audit log shows it. */
const LOCAL_CALLER = 'local-admin';

/**
 * The API auth of local mode. A config with tokens is used as it is. With
 * none, `npm start` should still be usable at once and never open: a random
 * token with every role is generated on first start into
 * `<stateDir>/api-token` (mode 0600) and kept for later starts; only its
 * hash stays in memory. The CLI and the README read it from that file.
 */
export async function localApiAuth(api: ApiConfig, stateDir: string, log: Logger): Promise<ApiConfig> {
  if (api.auth === 'iam') {
    throw new UserInputError('api.auth: iam works only behind API Gateway (the AWS_IAM authorizer names the caller); use auth: token (the default) locally');
  }
  if (api.tokens.length > 0) return api;
  const path = join(stateDir, TOKEN_FILE);
  const token = await readOrCreateToken(path, log);
  log.info({ tokenFile: path }, `API token in ${path} (export FAILOVER_TOKEN=$(cat ${path}))`);
  return { ...api, tokens: [{ name: LOCAL_CALLER, sha256: hashToken(token), roles: ['operator', 'approver'] }] };
}

async function readOrCreateToken(path: string, log: Logger): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  try {
    // `wx`: never overwrite a token another start wrote a moment ago.
    await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const existing = (await readFile(path, 'utf8')).trim();
  if (!/^[\x21-\x7e]{16,4096}$/.test(existing)) {
    throw new UserInputError(`${path}: does not hold a token (16 or more printable characters); delete it and start again to get a new one`);
  }
  if (((await stat(path)).mode & 0o077) !== 0) {
    log.warn({ tokenFile: path }, `${path} was readable by others; made it 0600`);
    await chmod(path, 0o600);
  }
  return existing;
}
