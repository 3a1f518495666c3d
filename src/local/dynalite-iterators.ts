import dynaliteDb, { type LevelIterator } from 'dynalite/db/index.js';

/** Marks dynalite's db module once wrapped: the module is shared by every importer in the process (and every vitest worker's re-import of this file). */
const WRAPPED = Symbol.for('failover-controller.dynalite-iterators');

/**
 * Make dynalite close the leveldb iterators of its Query and Scan.
 *
 * dynalite 4.0.0 reads a range through a stream over an abstract-level
 * iterator (`createValueStream` / `createKeyStream` in dynalite/db/index.js)
 * and, when the stream ends or is destroyed (the end of the range, or
 * `Limit` reached), ends the iterator with `iterator.return()`, the async
 * iterator protocol's method. The iterators of abstract-level 3 (under
 * level 10, its dependency) have no `return()`; they end with `close()`.
 * dynalite skips the call when `return` is missing, so no iterator is ever
 * closed: every Query and Scan leaves two open (abstract-level's value
 * iterator and the native classic-level iterator under it, with its read-ahead
 * cache and leveldb's implicit snapshot), held by the database's set of open
 * resources until the database closes. Local mode queries on every
 * controller tick and every status page load, so its heap and RSS grew
 * without bound (issue 12, item 8; bench/status-page-memory.ts).
 *
 * This gives each iterator of every dynalite store created afterwards the
 * `return()` dynalite calls, ending it with `close()`. It leaves alone an
 * iterator that has a `return()` of its own (a fixed abstract-level or
 * dynalite). Idempotent; call it before starting dynalite.
 */
export function closeDynaliteIterators(): void {
  const db = dynaliteDb as typeof dynaliteDb & { [WRAPPED]?: true };
  if (db[WRAPPED]) return;
  const create = db.create.bind(db);
  db.create = (options) => {
    const store = create(options);
    // Wrapped on the database object dynalite's streams call through (they look `keys` and `values` up on it at each call).
    const keys = store.db.keys.bind(store.db);
    const values = store.db.values.bind(store.db);
    store.db.keys = (range) => returnable(keys(range));
    store.db.values = (range) => returnable(values(range));
    return store;
  };
  db[WRAPPED] = true;
}

function returnable(iterator: LevelIterator): LevelIterator {
  iterator.return ??= async () => {
    await iterator.close();
    return { done: true, value: undefined };
  };
  return iterator;
}
