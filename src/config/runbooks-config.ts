import { dirname, isAbsolute, resolve } from 'node:path';
import * as Type from 'typebox';
import type { Static } from 'typebox';

const RunbookName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
  'x-message': 'must be a runbook name in kebab-case, such as shop-failover',
});

const ResourceName = Type.String({ minLength: 1, maxLength: 140, pattern: '^[A-Za-z0-9_.-]+$', 'x-message': 'must be a name (letters, digits and _ . -), not an ARN' });

/** The resources of the step library's services that an application's runbooks name, by name. */
const RunbookResourcesSchema = Type.Object(
  {
    /** `cluster/service`. */
    ecsServices: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{1,255}/[A-Za-z0-9_-]{1,255}$', 'x-message': 'must be cluster/service, such as shop/web' }), { maxItems: 50 }),
    ),
    /** Lambda function names (any version or alias of each). */
    functions: Type.Optional(Type.Array(ResourceName, { maxItems: 50 })),
    /** SSM Automation document names. */
    automationDocuments: Type.Optional(Type.Array(ResourceName, { maxItems: 50 })),
    /** ElastiCache global datastore ids (with the prefix AWS gave them). */
    globalDatastores: Type.Optional(Type.Array(ResourceName, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

/**
 * An application's own runbooks: a TypeScript module of the user's
 * repository that exports runbooks built with the step library
 * (`failover-controller/runbooks`). Without it, the built-in runbooks run.
 */
export const RunbooksSchema = Type.Object(
  {
    /** The module, relative to this config file (or absolute). */
    module: Type.String({ minLength: 1, pattern: '\\.(ts|mts|js|mjs)$', 'x-message': 'must be the path of a .ts or .js module, such as ./runbooks/shop.ts' }),
    /** The runbook a failover runs (default: the built-in regional-failover). */
    failover: Type.Optional(RunbookName),
    /** The runbook a failback runs (default: the built-in failback). */
    failback: Type.Optional(RunbookName),
    /** Runbooks operators (and game days) run by name; default: every other runbook the module exports. */
    named: Type.Optional(Type.Array(RunbookName, { maxItems: 50 })),
    /**
     * What the runbooks' library steps act on, in each region of the
     * application: the runbook worker's role may act on these and nothing
     * else of their kind (src/deploy/iam-policy.ts).
     */
    resources: Type.Optional(RunbookResourcesSchema),
  },
  { additionalProperties: false },
);

/** `applications[].runbooks` as validated, the module's path made absolute. */
export interface RunbooksConfig {
  /** Absolute path of the module. */
  module: string;
  failover?: string;
  failback?: string;
  /** Absent: every runbook of the module that is neither the failover nor the failback one. */
  named?: string[];
  /** What the runbooks' library steps act on, for the runbook role's policy; each list present. */
  resources: RunbookResources;
}

/** See RunbookResourcesSchema. */
export interface RunbookResources {
  ecsServices: string[];
  functions: string[];
  automationDocuments: string[];
  globalDatastores: string[];
}

/** The module's path resolved against the config file's directory (`source`), so that it does not depend on the working directory. */
export function normalizeRunbooks(input: Static<typeof RunbooksSchema> | undefined, source: string): RunbooksConfig | undefined {
  if (!input) return undefined;
  const module = isAbsolute(input.module) ? input.module : resolve(dirname(source), input.module);
  return {
    module,
    ...(input.failover !== undefined ? { failover: input.failover } : {}),
    ...(input.failback !== undefined ? { failback: input.failback } : {}),
    ...(input.named !== undefined ? { named: input.named } : {}),
    resources: {
      ecsServices: input.resources?.ecsServices ?? [],
      functions: input.resources?.functions ?? [],
      automationDocuments: input.resources?.automationDocuments ?? [],
      globalDatastores: input.resources?.globalDatastores ?? [],
    },
  };
}
