import * as esbuild from 'esbuild';
import { SimWorld } from '../../src/sim/sim-world.js';
const out = '/work/main/.bench-build/exp-child.mjs';
await esbuild.build({ entryPoints: ['/work/main/bench/lib/exp-child.ts'], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error', banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
const endpoints = await Promise.all(Array.from({ length: 10 }, (_, i) => SimWorld.endpoint(`b-${i}`)));
const urls = endpoints.map((e) => e.url('/health'));
const { execFile } = await import('node:child_process');
await new Promise<void>((res) => execFile(process.execPath, [out, process.argv[2]!, process.argv[3] ?? '8', '64', ...urls], (e, so, se) => { process.stdout.write(so + se); res(); }));
await Promise.all(endpoints.map((e) => e.stop()));
