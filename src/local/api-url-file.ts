import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The file in the state directory that says where the local controller's API
 * listens (`http://127.0.0.1:8081`), for the CLI to find it whatever PORT it
 * was started with. Written once the API listens, removed on a clean stop; a
 * crash leaves it, and the CLI then says it cannot reach that address.
 */
export const API_URL_FILE = 'api-url';

/** Record where the API listens. */
export async function writeApiUrl(stateDir: string, address: string): Promise<void> {
  await writeFile(join(stateDir, API_URL_FILE), `${address}\n`, { mode: 0o600 });
}

/** Forget it on a clean stop: nothing listens there any more. */
export async function removeApiUrl(stateDir: string): Promise<void> {
  await rm(join(stateDir, API_URL_FILE), { force: true });
}
