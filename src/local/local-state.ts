import type { Logger } from 'pino';
import { type EmbeddedDynamo, startEmbeddedDynamo } from './embedded-dynamo.js';
import { ACCEPT_LOST_STATE_FLAG, checkStateDir, lossMessage, newManifest, type StateDirLayout, StateLossError, type StateManifest, writeManifest } from './state-dir.js';

/** Options of {@link openLocalState}. */
export interface LocalStateOptions {
  /** Start even though state that was there is gone or damaged (`--accept-lost-state`). */
  acceptLoss: boolean;
  /** The directory also holds the simulated cloud. */
  sim: boolean;
  log: Logger;
}

/**
 * Open local mode's state: check the directory, start the embedded store,
 * and make sure the store is the one the directory had. A first start
 * creates the manifest; a later one that finds the store gone, empty or
 * replaced refuses (StateLossError) unless `acceptLoss`, and then says
 * loudly what it starts without.
 */
export async function openLocalState(layout: StateDirLayout, options: LocalStateOptions): Promise<EmbeddedDynamo> {
  const manifest = await checkStateDir(layout, options);
  const dynamo = await startEmbeddedDynamo(layout.dir);
  try {
    await adoptStore(layout, dynamo, manifest, options);
  } catch (err) {
    await dynamo.close();
    throw err;
  }
  return dynamo;
}

async function adoptStore(layout: StateDirLayout, dynamo: EmbeddedDynamo, manifest: StateManifest | undefined, options: LocalStateOptions): Promise<void> {
  const found = await dynamo.identity.read();
  if (manifest && found === manifest.storeId) {
    if (options.sim && !manifest.sim) await writeManifest(layout.manifestPath, { ...manifest, sim: true });
    return;
  }
  if (manifest) {
    const what = found === undefined ? `the state store (store ${manifest.storeId}, created ${manifest.createdAt}) is empty or was replaced` : `the state store is ${found}, not the store ${manifest.storeId} this directory had`;
    if (!options.acceptLoss) throw new StateLossError(lossMessage(layout, what));
    options.log.warn({ stateDir: layout.dir, lost: manifest.storeId }, `${what}: starting over it, as ${ACCEPT_LOST_STATE_FLAG} asked; runs, journals and the audit trail of the old store are not here`);
  } else if (found === undefined && !(await dynamo.identity.empty())) {
    // State from before manifests existed: adopt it as it is.
    options.log.info({ stateDir: layout.dir }, 'state store adopted: it now has a manifest');
  }
  const next = newManifest(found ?? undefined, options.sim);
  if (found === undefined) await dynamo.identity.write(next.storeId);
  await writeManifest(layout.manifestPath, next);
}
