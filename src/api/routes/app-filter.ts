import type { Config } from '../../config/types.js';
import { findApp } from '../../controller/app-lookup.js';

/**
 * The `app` filter of a list route (`?app=`), checked against the config.
 *
 * No name means no filter. A name the config does not know is a 400
 * (UserInputError from findApp, the same answer as /status/history), not an
 * empty list: an empty list reads as "nothing happened to that application",
 * which hides a typo at the very moment someone is looking for evidence.
 */
export function appFilter(config: Config, name: string | undefined): { app?: string } {
  return name === undefined ? {} : { app: findApp(config, name).name };
}
