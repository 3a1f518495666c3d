import type { AppConfig, Config, RegionConfig } from '../config/types.js';
import { UserInputError } from '../errors/errors.js';

/** Find an application by name; the name may be left out when there is only one. */
export function findApp(config: Config, name: string | undefined): AppConfig {
  if (name === undefined) {
    if (config.applications.length === 1) return config.applications[0]!;
    throw new UserInputError(`app: required when the controller serves ${config.applications.length} applications (${names(config.applications)})`);
  }
  const app = config.applications.find((a) => a.name === name);
  if (!app) throw new UserInputError(`app: unknown application "${name}"; known: ${names(config.applications)}`);
  return app;
}

/** Find a region of an application by name. */
export function findRegion(app: AppConfig, name: string, field = 'to'): RegionConfig {
  const region = app.regions.find((r) => r.name === name);
  if (!region) throw new UserInputError(`${field}: unknown region "${name}" for ${app.name}; its regions are ${names(app.regions)}`);
  return region;
}

function names(list: { name: string }[]): string {
  return list.map((x) => x.name).join(', ');
}
