import { PermanentError } from '../../errors/errors.js';
import type { CloudProviders } from '../../ports/providers.js';
import type { StepContext } from '../step.js';

/** The optional services of the step library (CloudProviders), as people call them. */
const SERVICE_NAMES = {
  ecs: 'ECS',
  functions: 'Lambda (function invoker)',
  automation: 'SSM Automation',
  cache: 'ElastiCache global datastore',
} as const;

/** The library's optional cloud services. */
export type LibraryService = keyof typeof SERVICE_NAMES;

/**
 * One of the cloud's optional services, or a PermanentError that says which
 * one this process was built without: retrying cannot make it appear.
 */
export function requireService<K extends LibraryService>(ctx: StepContext, key: K, stepId: string): NonNullable<CloudProviders[K]> {
  const service = ctx.cloud[key];
  if (!service) {
    throw new PermanentError(
      `${stepId}: this cloud has no ${SERVICE_NAMES[key]} provider (cloud.${key} is not set): ` +
        'build the providers with it, or leave the step out of the runbook',
    );
  }
  return service as NonNullable<CloudProviders[K]>;
}
