import type { SimResources } from '../../config/sim-resources.js';
import type { SimProviders } from './sim-providers.js';

/** Default run time of a simulated Automation document: long enough to be seen waiting, short for a demo. */
const DEFAULT_AUTOMATION_MS = 5_000;

/**
 * Create the services the applications' own runbooks use, as the config's
 * `simulation` lists them, as an AWS account has what its owner created. A
 * new world gets them all; a saved one (`onlyMissing`) gets those it lacks,
 * so that a service added to the config appears, and one it has keeps its
 * state (its counts, a function's stored answers, a datastore's primary).
 */
export function seedSimResources(sim: SimProviders, resources: SimResources, options: { onlyMissing?: boolean } = {}): void {
  const has = options.onlyMissing ? present(sim) : undefined;
  for (const s of resources.ecsServices) {
    if (has?.ecs.has(`${s.region}/${s.cluster}/${s.service}`)) continue;
    sim.ecs.seed({ region: s.region, cluster: s.cluster, service: s.service }, { desiredCount: s.desiredCount, runningCount: s.desiredCount });
  }
  for (const f of resources.functions) if (!has?.functions.has(`${f.region}/${f.name}`)) sim.functions.seed({ region: f.region, functionName: f.name });
  for (const d of resources.automationDocuments) {
    if (has?.documents.has(`${d.region}/${d.name}`)) continue;
    sim.automation.seedDocument(d.region, d.name, { durationMs: d.durationMs ?? DEFAULT_AUTOMATION_MS, outcome: d.outcome ?? 'Success' });
  }
  for (const g of resources.globalDatastores) if (!has?.datastores.has(g.id)) sim.cache.seed(g.id, g.members);
}

/** What the world already holds of each service, by region and name. */
function present(sim: SimProviders): { ecs: Set<string>; functions: Set<string>; documents: Set<string>; datastores: Set<string> } {
  return {
    ecs: new Set(sim.ecs.snapshot().services.map((s) => `${s.region}/${s.cluster}/${s.name}`)),
    functions: new Set(sim.functions.snapshot().functions.map((f) => `${f.region}/${f.name}`)),
    documents: new Set(sim.automation.snapshot().documents.map((d) => `${d.region}/${d.name}`)),
    datastores: new Set(sim.cache.snapshot().datastores.map((d) => d.id)),
  };
}
