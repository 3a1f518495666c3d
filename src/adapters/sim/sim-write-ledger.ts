import type { DatabaseRef } from '../../ports/database-provider.js';
import type { SimDatabase, SimDb } from './sim-database.js';
import type { SimDatabaseObserver } from './sim-database-observer.js';

/** One write a simulated database accepted. */
export interface AcceptedWrite {
  id: number;
  at: number;
  /** The region whose application instance wrote it. */
  region: string;
  /** The database that accepted it, by its name at that moment. */
  database: string;
}

/** The writes lost at the end of a test: accepted, and not held by the database that holds the application's data. */
export interface LostWrites {
  /** Accepted writes in all. */
  accepted: number;
  lost: AcceptedWrite[];
  /** Lost writes per database that accepted them. */
  byDatabase: Record<string, number>;
}

/**
 * Where the simulated application's writes end up: the data model behind
 * the write-loss count. A write accepted by a database is in that
 * database. A replica holds what its writer holds while it replicates (lag
 * 0: the loss counted here is loss by order, writes accepted after
 * replication stopped, which no lag wait can bring back; loss within the lag
 * is the RPO guard's business), and keeps what it held when replication
 * stopped: when its promotion starts (RDS stops replication, then reboots
 * the replica: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html).
 * A renamed database keeps its data under its new name. The simulated
 * databases tell the ledger of both (SimDatabaseObserver).
 *
 * A lost write: one some database accepted that the database holding the
 * application's data at the end (the writer under the name of the region
 * DNS points at) does not have.
 */
export class SimWriteLedger implements SimDatabaseObserver {
  readonly accepted: AcceptedWrite[] = [];
  /** What each database holds of its own: its accepted writes, and what it held when it stopped replicating. */
  private readonly own = new Map<string, Set<number>>();
  private nextId = 1;

  constructor(private readonly database: SimDatabase) {}

  /** Record a write accepted by the database named `database`. */
  accept(database: string, region: string, at: number): AcceptedWrite {
    const write: AcceptedWrite = { id: this.nextId++, at, region, database };
    this.accepted.push(write);
    this.ownOf(database).add(write.id);
    return write;
  }

  promotionStarting(id: string): void {
    // Replication stops now: what the replica holds from here on is its own.
    this.own.set(id, new Set(this.holds(id)));
  }

  renamed(oldId: string, newId: string): void {
    this.own.set(newId, this.ownOf(oldId));
    this.own.delete(oldId);
    for (const write of this.accepted) if (write.database === oldId) write.database = newId;
  }

  /** The writes a database holds now: its own, or, while it replicates, its writer's. */
  holds(id: string, seen = new Set<string>()): Set<number> {
    const db = this.inspect(id);
    if (db && replicating(db) && !seen.has(id)) return this.holds(db.sourceId!, seen.add(id));
    return this.ownOf(id);
  }

  /** The writes the database under `holder`'s name does not hold: lost, unless that database is the application's writer. */
  lostAgainst(holder: DatabaseRef): LostWrites {
    const held = this.holds(this.idOf(holder));
    const lost = this.accepted.filter((w) => !held.has(w.id));
    const byDatabase: Record<string, number> = {};
    for (const write of lost) byDatabase[write.database] = (byDatabase[write.database] ?? 0) + 1;
    return { accepted: this.accepted.length, lost, byDatabase };
  }

  private ownOf(id: string): Set<number> {
    let set = this.own.get(id);
    if (!set) this.own.set(id, (set = new Set()));
    return set;
  }

  private idOf(ref: DatabaseRef): string {
    return ref.engine === 'rds' ? ref.instanceId : ref.clusterId;
  }

  /** One database as the simulation holds it now, by identifier (settled to the clock). */
  private inspect(id: string): SimDb | undefined {
    return this.database.inspect({ engine: 'rds', region: '', instanceId: id });
  }
}

/** A replica that still applies its writer's changes: not being promoted. */
function replicating(db: SimDb): boolean {
  return db.role === 'replica' && db.sourceId !== undefined && db.pendingRole !== 'writer';
}
