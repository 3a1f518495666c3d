import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepDefinition } from 'failover-controller/runbooks';

/** Where this example keeps its feature flags: a JSON file (a real application would call its flag service). */
const flagsFile = (): string => process.env['SHOP_FLAGS_FILE'] ?? join(tmpdir(), 'shop-flags.json');

async function readFlags(): Promise<Record<string, string>> {
  try {
    return JSON.parse(await readFile(flagsFile(), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * A step of the application's own: point the `writes` flag at the region the
 * run moves to. It has the three parts every step has: `observe` (is the
 * goal already true?), `act` (the one change) and, here, the default verify
 * (observe again until done). Setting a flag to a value is idempotent, so a
 * resumed run that acts again does no harm.
 */
export function pointWritesFlag(id: string, title: string): StepDefinition {
  return {
    id,
    title,
    async observe(ctx) {
      const current = (await readFlags())['writes'] ?? 'unset';
      return { resource: `flag:writes (${flagsFile()})`, current, desired: ctx.to.name, done: current === ctx.to.name };
    },
    async act(ctx) {
      const flags = await readFlags();
      await writeFile(flagsFile(), `${JSON.stringify({ ...flags, writes: ctx.to.name })}\n`);
      return { from: flags['writes'] ?? 'unset' };
    },
  };
}
