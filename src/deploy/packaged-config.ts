import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { packagedConfig } from '../config/packaged-config.js';
import type { Config } from '../config/types.js';

/**
 * Write a configuration that `loadConfig` validated as the JSON the Lambda
 * functions read (src/config/packaged-config.ts). `source` names the
 * failover.yaml it came from.
 */
export async function writePackagedConfig(path: string, config: Config, source: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(packagedConfig(config, source), null, 2)}\n`);
}
