import { parseConfig, validateConfig } from '/work/main/src/config/load-config.ts';
import { readFileSync } from 'node:fs';
const base = readFileSync('/work/main/examples/failover.yaml','utf8');
function tryit(label: string, text: string) {
  try { parseConfig(text); console.log(label, 'OK'); } catch (e: any) { console.log(label, JSON.stringify(e.issues)); }
}
tryit('provider', base.replace(/^provider: sim/m, 'provider: gcp'));
tryit('twomissing', base.replace('        database: { engine: rds, instanceId: shop-db-euw1 }\n        compute: { autoScalingGroup: shop-web-euw1, standbyCapacity: 1, activeCapacity: 4 }\n', ''));
tryit('twoextra', base.replace('rtoSeconds: 120', 'rtoSeconds: 120\n      foo: 1\n      bar: 2'));
tryit('several', base.replace('http://127.0.0.1:18102/health', 'ftp://x').replace('timeoutMs: 1000', 'timeoutMs: fast').replace('probeIntervalSeconds: 2', 'probeIntervalSecs: 2'));
tryit('sem', base.replace('name: eu-west-1', 'name: us-east-1').replace('activeCapacity: 4 }\n        dns: { hostedZoneId: Z0SIMULATED0001, recordName: shop.example.com, type: CNAME, value: shop-euw1', 'activeCapacity: 0 }\n        dns: { hostedZoneId: Z0SIMULATED0002, recordName: other.example.com, type: A, value: shop-use1'));
tryit('caseName', base.replace('recordName: shop.example.com, type: CNAME, value: shop-euw1', 'recordName: Shop.Example.COM., type: CNAME, value: shop-euw1'));
tryit('zonePrefix', base.replace('hostedZoneId: Z0SIMULATED0001, recordName: shop.example.com, type: CNAME, value: shop-euw1', 'hostedZoneId: /hostedzone/Z0SIMULATED0001, recordName: shop.example.com, type: CNAME, value: shop-euw1'));
tryit('ftp-like', base.replace('http://127.0.0.1:18102/health', 'http:/x'));
tryit('space', base.replace('http://127.0.0.1:18102/health', 'http://a b'));
