import { readFile } from 'node:fs/promises';
import { ConfigError } from './config-error.js';

/** Read a configuration file as text; a missing or unreadable file is a ConfigError naming it. */
export async function readConfigText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [{ path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(err)})` }]);
  }
}
