import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { API_URL_FILE } from '../local/api-url-file.js';
import type { TokenSource } from './api-client.js';
import { usageError } from './exit-codes.js';
import type { ResolvedIo } from './io.js';

/** The API the CLI talks to when neither --url nor FAILOVER_URL says otherwise: `npm start`'s. */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Where the API is and how to authenticate to it. */
export interface Connection {
  baseUrl: string;
  token?: string;
  tokenSource: TokenSource;
  /** Said once on stderr before talking to the API (e.g. a token about to cross the network in clear). */
  warnings: string[];
}

/**
 * The API's URL (--url, FAILOVER_URL, or the local default) and its token:
 * --token, FAILOVER_TOKEN, or, when the API is on this machine, the token
 * local mode wrote to `<FAILOVER_STATE_DIR or .failover>/api-token`. The
 * file is read only for loopback URLs: a token meant for the local
 * controller must never be sent to another host.
 */
export async function resolveConnection(options: { url?: string; token?: string }, io: ResolvedIo): Promise<Connection> {
  const stateDir = resolve(io.cwd, io.env['FAILOVER_STATE_DIR'] || '.failover');
  const recorded = options.url === undefined && !io.env['FAILOVER_URL'] ? await readApiUrl(join(stateDir, API_URL_FILE)) : undefined;
  const raw = options.url ?? io.env['FAILOVER_URL'] ?? recorded ?? DEFAULT_URL;
  const url = parseUrl(raw, options.url !== undefined ? '--url' : recorded !== undefined ? join(stateDir, API_URL_FILE) : 'FAILOVER_URL');
  const warnings: string[] = [];
  const explicit = options.token !== undefined ? { token: checkToken(options.token, '--token'), tokenSource: '--token' as const } : io.env['FAILOVER_TOKEN'] ? { token: checkToken(io.env['FAILOVER_TOKEN'], 'FAILOVER_TOKEN'), tokenSource: 'FAILOVER_TOKEN' as const } : undefined;
  let found: { token?: string; tokenSource: TokenSource } = explicit ?? { tokenSource: 'none' };
  if (!explicit && isLoopback(url)) {
    const file = join(stateDir, 'api-token');
    const token = await readToken(file);
    if (token) found = { token: checkToken(token, file), tokenSource: { file } };
  }
  if (found.token !== undefined && url.protocol === 'http:' && !isLoopback(url)) {
    warnings.push(`warning: sending the API token over plain http to ${url.host}; use https outside this machine`);
  }
  return { baseUrl: url.toString().replace(/\/$/, ''), ...(found.token !== undefined ? { token: found.token } : {}), tokenSource: found.tokenSource, warnings };
}

function parseUrl(raw: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`${source}: must be an http(s) URL such as ${DEFAULT_URL}, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`${source}: must be an http(s) URL such as ${DEFAULT_URL}, got "${raw}"`);
  // Credentials in the URL would be printed with every message that names the API (and are not how it authenticates).
  if (url.username || url.password) throw usageError(`${source}: must not hold a user name or password; pass the API token with FAILOVER_TOKEN or --token`);
  return url;
}

/**
 * A token as the API takes it: printable ASCII without spaces. Surrounding
 * whitespace (a token file saved with CRLF, a pasted newline) is dropped;
 * anything else is a usage error, said without echoing the token (undici
 * would otherwise refuse the header and the CLI would blame the network).
 */
function checkToken(token: string, source: string): string {
  const trimmed = token.trim();
  if (!/^[\x21-\x7e]+$/.test(trimmed)) throw usageError(`${source}: the token must be printable ASCII without spaces (is a control character or a space in it?)`);
  return trimmed;
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function readToken(file: string): Promise<string | undefined> {
  try {
    const token = (await readFile(file, 'utf8')).trim();
    return token || undefined;
  } catch {
    // No local token: the API answers 401 if it wants one, and the message says where tokens come from.
    return undefined;
  }
}

/**
 * Where the local controller of this state directory said its API listens
 * (src/local/api-url-file.ts), when it did: a controller started with another
 * PORT is found without --url. A loopback http(s) URL only.
 */
async function readApiUrl(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const url = text?.trim();
  if (!url || !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(url)) return undefined;
  return url;
}
