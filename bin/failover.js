#!/usr/bin/env node
// The `failover` command. The project runs its TypeScript through tsx at run
// time (there is no build step): load src/cli/main.ts through tsx's API and
// hand it the process. Everything else (parsing, output, exit codes) is main's.
import { tsImport } from 'tsx/esm/api';

const { main, processIo } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2), processIo());
