import { readConfigText } from './read-config-text.js';
import { ConfigError } from './config-error.js';
import type { Config } from './types.js';

/** Marks a file as written by `serverless package` (src/deploy/packaged-config.ts), in this layout. */
export const PACKAGED_CONFIG_FORMAT = 'failover-controller/packaged-config@1';

/**
 * The configuration as the Lambda functions read it: the failover.yaml the
 * stack is packaged with, validated by `loadConfig` at packaging time, its
 * defaults filled in, as JSON. The functions trust it, so they need neither
 * the YAML parser nor the schema validator at run time.
 */
export interface PackagedConfig {
  format: typeof PACKAGED_CONFIG_FORMAT;
  /** The failover.yaml it was made from, as given to the packaging (for messages and for people). */
  source: string;
  config: Config;
}

/** The packaged form of a configuration that `loadConfig` returned. */
export function packagedConfig(config: Config, source: string): PackagedConfig {
  return { format: PACKAGED_CONFIG_FORMAT, source, config };
}

/**
 * Read a configuration written by `serverless package`. Only checks that
 * the file is one (the validation happened when it was written); anything
 * else, such as a failover.yaml, is refused with what to do instead.
 */
export async function readPackagedConfig(path: string): Promise<PackagedConfig> {
  const text = await readConfigText(path);
  let parsed: Partial<PackagedConfig> | undefined;
  try {
    parsed = JSON.parse(text) as Partial<PackagedConfig>;
  } catch {
    parsed = undefined;
  }
  if (parsed?.format !== PACKAGED_CONFIG_FORMAT || typeof parsed.config !== 'object' || parsed.config === null) {
    throw new ConfigError(path, [
      { path: '', message: `not a configuration written by \`serverless package\` (${PACKAGED_CONFIG_FORMAT}); the functions read the JSON that packaging writes from failover.yaml` },
    ]);
  }
  return { format: PACKAGED_CONFIG_FORMAT, source: typeof parsed.source === 'string' ? parsed.source : path, config: parsed.config };
}
