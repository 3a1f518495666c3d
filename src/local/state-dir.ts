import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Level } from 'level';
import { UserInputError } from '../errors/errors.js';

/** The flag that lets local mode start over state it finds lost or damaged. */
export const ACCEPT_LOST_STATE_FLAG = '--accept-lost-state';

/**
 * What `<stateDir>/state.json` records of the state this directory holds:
 * which store it is (the same id is an item in the store), and whether a
 * simulated cloud belongs to it. Its presence says "there was state here",
 * so a store that vanished is noticed instead of silently started empty.
 */
export interface StateManifest {
  version: 1;
  storeId: string;
  createdAt: string;
  /** True when the directory also holds the simulated cloud (`sim/`). */
  sim: boolean;
}

/** The parts of a local state directory. */
export interface StateDirLayout {
  dir: string;
  manifestPath: string;
  storeDir: string;
  simDir: string;
}

/** Paths of the parts of `dir`. */
export function stateDirLayout(dir: string): StateDirLayout {
  return { dir, manifestPath: join(dir, 'state.json'), storeDir: join(dir, 'dynalite'), simDir: join(dir, 'sim') };
}

/** State that was there before and is gone or damaged: local mode refuses to start over it unless told to. */
export class StateLossError extends UserInputError {
  override name = 'StateLossError';
}

/**
 * Check a local state directory before anything opens it: that it is a
 * directory, that no other process holds its store, that the store is not
 * damaged, and that what the manifest says was there still is. With
 * `acceptLoss`, damaged parts are moved aside (kept, never deleted) and the
 * start goes on. Returns the manifest, if the directory had one.
 */
export async function checkStateDir(layout: StateDirLayout, options: { acceptLoss: boolean; sim: boolean }): Promise<StateManifest | undefined> {
  await ensureDirectory(layout.dir);
  const manifest = await readManifest(layout.manifestPath);
  const files = existsSync(layout.storeDir) ? await readdir(layout.storeDir) : [];
  let damage = files.length > 0 && !files.includes('CURRENT') ? 'its leveldb CURRENT file is missing' : await openProblem(layout.storeDir, files.length > 0);
  if (damage === 'locked') {
    throw new UserInputError(`${layout.storeDir}: the state store is open in another process (another npm start with this state directory?); stop that process, or set FAILOVER_STATE_DIR to another directory`);
  }
  if (damage !== undefined) {
    if (!options.acceptLoss) throw new StateLossError(lossMessage(layout, `the state store in ${layout.storeDir} is damaged (${damage})`));
    const aside = `${layout.storeDir}.damaged-${Date.now()}`;
    await rename(layout.storeDir, aside);
    damage = undefined;
  }
  const simDamage = options.sim ? simProblem(layout.simDir) : undefined;
  if (simDamage !== undefined) {
    if (!options.acceptLoss) throw new StateLossError(lossMessage(layout, `the simulated cloud's state in ${layout.simDir} is damaged (${simDamage})`));
    await rename(layout.simDir, `${layout.simDir}.damaged-${Date.now()}`);
  }
  if (manifest && !options.acceptLoss) {
    if (!existsSync(join(layout.storeDir, 'CURRENT'))) throw new StateLossError(lossMessage(layout, `the state store ${layout.storeDir} (store ${manifest.storeId}, created ${manifest.createdAt}) is gone`));
    if (manifest.sim && options.sim && !existsSync(join(layout.simDir, 'sim-state.json'))) {
      throw new StateLossError(lossMessage(layout, `the simulated cloud's state in ${layout.simDir} is gone, while the store still has the runs that changed it`));
    }
  }
  return manifest;
}

/** A new manifest for a store known by `storeId`. */
export function newManifest(storeId: string = randomUUID(), sim = false): StateManifest {
  return { version: 1, storeId, createdAt: new Date().toISOString(), sim };
}

/** Write the manifest (temporary file, then rename). */
export async function writeManifest(path: string, manifest: StateManifest): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/** The message of a refused start: what is gone, what that means, and the two ways on. */
export function lossMessage(layout: StateDirLayout, what: string): string {
  return [
    `${layout.dir}: ${what}.`,
    'Runs in progress, their journals, decisions and the audit trail kept there may be lost, so local mode will not start over it on its own.',
    `Restore the directory from a backup, or start anyway with \`npm start -- ${ACCEPT_LOST_STATE_FLAG}\` (damaged parts are moved aside, not deleted), or remove ${layout.dir} to start afresh.`,
  ].join('\n');
}

/** Why the simulated cloud's files cannot be read back, or undefined when they can (or are not there). */
function simProblem(simDir: string): string | undefined {
  for (const file of ['sim-state.json', 'switches.json']) {
    const path = join(simDir, file);
    if (!existsSync(path)) continue;
    try {
      JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return `${file} is not valid JSON`;
    }
  }
  return undefined;
}

/** Make sure `dir` is a directory this process can use, creating it if missing; a clear UserInputError otherwise. */
export async function ensureDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new UserInputError(`FAILOVER_STATE_DIR: cannot read ${dir} (${err.code}); point it at a directory this user can write`);
  });
  if (info && !info.isDirectory()) throw new UserInputError(`FAILOVER_STATE_DIR: ${dir} is a file, not a directory; point FAILOVER_STATE_DIR at a directory (it is created if missing)`);
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UserInputError(`FAILOVER_STATE_DIR: cannot create ${dir} (${err.code}); point it at a directory this user can write`);
  });
}

async function readManifest(path: string): Promise<StateManifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<StateManifest>;
    if (parsed.version === 1 && typeof parsed.storeId === 'string' && typeof parsed.createdAt === 'string') return { ...parsed, sim: parsed.sim === true } as StateManifest;
  } catch {
    // Reported below, with what to do.
  }
  throw new UserInputError(`${path}: not a state manifest (version 1, storeId, createdAt); it says which store this directory holds. Restore it, or delete it to adopt the store as it is`);
}

/**
 * Open the leveldb behind dynalite once, read-only in effect, to learn what
 * dynalite would only report by throwing inside its request handler: the
 * store is locked by another process, or damaged. `undefined` when all is well.
 */
async function openProblem(storeDir: string, exists: boolean): Promise<string | undefined> {
  if (!exists) return undefined;
  const db = new Level(storeDir, { createIfMissing: false });
  try {
    await db.open();
    return undefined;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') return 'locked';
    return cause?.message ?? (err as Error).message;
  } finally {
    await db.close().catch(() => undefined);
  }
}
