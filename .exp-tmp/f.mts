import { parseConfig } from '../src/config/load-config.ts';
import { readFileSync } from 'node:fs';
const base = readFileSync('/work/main/examples/failover.yaml','utf8');
try { parseConfig(base.replace('engine: rds, instanceId: shop-db-euw1', 'engine: rds, instanceId: 9bad')); } catch (e: any) { console.log(JSON.stringify(e.issues)); }
