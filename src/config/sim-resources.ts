import * as Type from 'typebox';
import type { Static } from 'typebox';

const Region = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$', 'x-message': 'must be a region name such as eu-west-1' });
const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_.:/-]+$', 'x-message': 'must be a resource name (letters, digits and _ . : / -)' });

/**
 * The simulated world's services beyond the applications' databases, groups
 * and DNS, for user runbooks' steps (ECS services, Lambda functions, SSM
 * Automation documents, ElastiCache global datastores): the resources the
 * steps name must exist, as on AWS.
 */
export const SimResourcesSchema = {
  ecsServices: Type.Optional(
    Type.Array(
      Type.Object({ region: Region, cluster: Name, service: Name, desiredCount: Type.Integer({ minimum: 0, maximum: 10_000, 'x-message': 'must be a task count from 0' }) }, { additionalProperties: false }),
      { maxItems: 200 },
    ),
  ),
  functions: Type.Optional(Type.Array(Type.Object({ region: Region, name: Name }, { additionalProperties: false }), { maxItems: 200 })),
  automationDocuments: Type.Optional(
    Type.Array(
      Type.Object(
        {
          region: Region,
          name: Name,
          durationMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000, 'x-message': 'must be a whole number of milliseconds from 0 to 3600000' })),
          outcome: Type.Optional(Type.Union([Type.Literal('Success'), Type.Literal('Failed')], { 'x-message': 'must be Success or Failed' })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
  ),
  globalDatastores: Type.Optional(
    Type.Array(
      Type.Object(
        {
          id: Name,
          members: Type.Array(
            Type.Object(
              { region: Region, replicationGroupId: Name, role: Type.Union([Type.Literal('primary'), Type.Literal('secondary')], { 'x-message': 'must be primary or secondary' }) },
              { additionalProperties: false },
            ),
            { minItems: 2, maxItems: 3 },
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
  ),
};

const SimResourcesObject = Type.Object(SimResourcesSchema);

/** The simulated resources as configured (`simulation.ecsServices`, …), each list present (empty when not given). */
export interface SimResources {
  ecsServices: Static<typeof SimResourcesObject>['ecsServices'] & object;
  functions: Static<typeof SimResourcesObject>['functions'] & object;
  automationDocuments: Static<typeof SimResourcesObject>['automationDocuments'] & object;
  globalDatastores: Static<typeof SimResourcesObject>['globalDatastores'] & object;
}

/** Each list, empty when absent. */
export function normalizeSimResources(input: Partial<Static<typeof SimResourcesObject>> | undefined): SimResources {
  return {
    ecsServices: input?.ecsServices ?? [],
    functions: input?.functions ?? [],
    automationDocuments: input?.automationDocuments ?? [],
    globalDatastores: input?.globalDatastores ?? [],
  };
}
