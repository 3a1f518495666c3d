#!/usr/bin/env node
// Compile the `failover` CLI to dist/cli.js, so that it starts without
// compiling TypeScript at run time (tsx takes seconds; node with the bundle,
// a fraction of one). ES modules, every package left external (they are in
// node_modules beside it), and split where the sources import dynamically:
// the AWS SDK clients load only for the commands that call AWS. `npm install` runs this (the `prepare` script),
// and so does `npm test`, so a checkout's dist/ follows its sources; run
// `npm run build` after changing src/ to use the CLI at once.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist',
  entryNames: 'cli',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
