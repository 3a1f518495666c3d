import { ConfigSchema } from './schema.js';

/** The JSON Schema (draft 2020-12) of failover.yaml, as committed in schema/failover.schema.json. */
export function jsonSchemaText(): string {
  return `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...ConfigSchema }, null, 2)}\n`;
}
