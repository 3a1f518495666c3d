import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { CliContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { type CliIo, processIo, resolveIo } from './io.js';
import { buildProgram } from './program.js';

/** The process's io, for bin/failover.js. */
export { processIo };

/**
 * Run the `failover` CLI on `argv` (the arguments after the program name)
 * and return its exit code (src/cli/exit-codes.ts). Everything it touches
 * comes through `io`, so tests call it in-process. Mistakes and failures are
 * one message on stderr (and a JSON error on stdout under --json), never a
 * stack trace; FAILOVER_DEBUG=1 adds the stack of an unexpected error.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const resolved = resolveIo(io);
  const program = new Command();
  const ctx = new CliContext(resolved, program);
  buildProgram(program, ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    return reportError(err, ctx);
  } finally {
    await ctx.close();
  }
}

function reportError(err: unknown, ctx: CliContext): number {
  const { stdout, stderr, env } = ctx.io;
  // Commander has already said what was wrong (or shown the help that was asked for).
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  const json = ctx.globals().json;
  if (err instanceof CliError) {
    stderr.write(`error: ${err.message}\n`);
    if (json) stdout.write(`${JSON.stringify({ error: { message: err.message, exitCode: err.exitCode, ...err.details } }, null, 2)}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`error: unexpected failure in the CLI: ${message}${env['FAILOVER_DEBUG'] && err instanceof Error && err.stack ? `\n${err.stack}` : ' (FAILOVER_DEBUG=1 shows where)'}\n`);
  if (json) stdout.write(`${JSON.stringify({ error: { message, exitCode: EXIT.failed } }, null, 2)}\n`);
  return EXIT.failed;
}

/** True when this module is the program node was started with (`tsx src/cli/main.ts`), not an import. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url.split('?')[0]!));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await main(process.argv.slice(2), processIo());
}
