#!/usr/bin/env node
// The `failover` command. It runs the CLI compiled to dist/cli.js
// (scripts/build-cli.mjs, which `npm install` and `npm test` run), and falls
// back to the TypeScript sources through tsx when there is no build (a
// checkout whose dependencies were installed with --ignore-scripts).
// `--version` is answered here, before anything else loads.
import { existsSync, readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${version}\n`);
} else {
  const built = new URL('../dist/cli.js', import.meta.url);
  const { main, processIo } = existsSync(built) ? await import(built.href) : await (await import('tsx/esm/api')).tsImport('../src/cli/main.ts', import.meta.url);
  process.exitCode = await main(argv, processIo());
}
