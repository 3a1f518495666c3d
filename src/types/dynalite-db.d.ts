/** dynalite's storage module (dynalite/db/index.js, CommonJS): the part src/local/dynalite-iterators.ts wraps. */
declare module 'dynalite/db/index.js' {
  /** An abstract-level iterator as dynalite's streams use it. */
  export interface LevelIterator {
    close(): Promise<void>;
    return?: () => Promise<IteratorReturnResult<undefined>>;
  }
  /** The leveldb (or in-memory) database under one dynalite server. */
  export interface LevelDatabase {
    keys(options?: object): LevelIterator;
    values(options?: object): LevelIterator;
  }
  /** What `create` returns: dynalite's store, around one database. */
  export interface DynaliteStore {
    db: LevelDatabase;
  }
  export interface DynaliteDb {
    /** Called by dynalite() for each server, through this exports object. */
    create(options?: object): DynaliteStore;
  }
  const db: DynaliteDb;
  export default db;
}
