import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from './report.js';

/**
 * Bundle a benchmark's child script (bench/lib/<name>.ts) into
 * .bench-build/<name>.mjs, to be run with plain `node`: a child then starts
 * in about a second and carries no tsx, so what it measures is our code.
 * Returns the bundle's path.
 */
export async function bundleChild(entry: string): Promise<string> {
  const outDir = join(ROOT, '.bench-build');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${basename(entry, '.ts')}.mjs`);
  await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // Bundled CommonJS dependencies still call require().
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}
