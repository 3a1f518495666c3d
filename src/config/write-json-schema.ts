/**
 * `npm run schema`: writes schema/failover.schema.json from the TypeBox
 * schema, so that editors validate failover.yaml with the same rules as the
 * loader. A test checks that the committed file is current.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { jsonSchemaText } from './json-schema.js';

const target = fileURLToPath(new URL('../../schema/failover.schema.json', import.meta.url));
await writeFile(target, jsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
