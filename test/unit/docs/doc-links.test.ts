import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

/** The README and every page under docs/. */
async function pages(): Promise<string[]> {
  return ['README.md', ...(await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
}

describe('the documentation a clone has', () => {
  it('links only to files the repository has: nothing outside it (../shared), no page that is gone', async () => {
    const broken: string[] = [];
    for (const page of await pages()) {
      const text = await readFile(join(ROOT, page), 'utf8');
      if (text.includes('../shared')) broken.push(`${page}: points outside the repository (../shared)`);
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        if (!existsSync(join(ROOT, dirname(page), target!))) broken.push(`${page}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README points to the architecture document', async () => {
    expect(await readFile(join(ROOT, 'README.md'), 'utf8')).toContain('[docs/architecture.md](docs/architecture.md)');
  });
});
