import { jsonSchemaText } from '/work/main/src/config/json-schema.ts';
import { readFileSync } from 'node:fs';
console.log(jsonSchemaText() === readFileSync('/work/main/schema/failover.schema.json','utf8'));
