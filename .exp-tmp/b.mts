import { parseConfig } from '/work/main/src/config/load-config.ts';
import { ConfigSchema } from '/work/main/src/config/schema.ts';
import Value from 'typebox/value';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
const base = readFileSync('/work/main/examples/failover.yaml','utf8');
function tryit(label: string, text: string) {
  try { parseConfig(text); console.log(label, 'OK'); } catch (e: any) { console.log(label, JSON.stringify(e.issues)); }
}
tryit('missing', base.replace('        database: { engine: rds, instanceId: shop-db-euw1 }\n', ''));
tryit('dnstype', base.replace('type: CNAME, value: shop-euw1', 'type: MX, value: shop-euw1'));
tryit('provider', base.replace('provider: sim', 'provider: gcp'));
tryit('failback', base.replace('failback: manual', 'failback: auto'));
tryit('oneRegion', base.replace(/      - name: eu-west-1[\s\S]*$/, ''));
const m = parse(base.replace('expectStatus: 200', 'method: PUT\n            expectStatus: 200'));
for (const e of Value.Errors(ConfigSchema, m)) console.log(JSON.stringify(e));
const d = parse(base.replace('engine: rds, instanceId: shop-db-euw1', 'engine: mysql, instanceId: shop-db-euw1'));
for (const e of Value.Errors(ConfigSchema, d)) console.log(JSON.stringify(e));
const u = parse(base.replace('probeIntervalSeconds: 2', 'probeIntervalSecs: 2'));
for (const e of Value.Errors(ConfigSchema, u)) console.log(JSON.stringify(e));
