import type { Config } from '../config/types.js';
import type { Clock } from '../ports/clock.js';
import { serving } from '../ports/compute-provider.js';
import type { DatabaseRef } from '../ports/database-provider.js';
import type { WriterEpoch } from '../ports/state-store.js';
import type { SimProviders } from '../adapters/sim/sim-providers.js';
import { observers } from '../adapters/sim/sim-database-observer.js';
import { type LostWrites, SimWriteLedger } from '../adapters/sim/sim-write-ledger.js';

/** Why a simulated write did not land. */
export type WriteRefusal = 'region down' | 'no instance' | 'epoch' | 'no network path' | 'not a writer';

/** Options of the simulated application's writers. */
export interface AppWritersOptions {
  clock: Clock;
  config: Config;
  providers: SimProviders;
  /**
   * How an application instance reads the fencing epoch (from its region's
   * replica of the state table); absent: the application does not check it.
   */
  readEpoch?: (app: string) => Promise<WriterEpoch | undefined>;
  /** Time between two writes of each region (default 500 ms of clock time). */
  intervalMs?: number;
}

/**
 * The simulated application's writes: in every region of every application,
 * one writer on the region's instances, writing continuously to the
 * database its instances use (the one under the region's configured name).
 * A write lands only when, at that instant, the region is not dark (a
 * `down` outage), its Auto Scaling group has an instance in service, the
 * fencing epoch (when the application checks it) names its region or says
 * nothing yet, it has a connection to the database (a new one needs an
 * inbound rule of the database's security group; an open one lasts until the
 * database reboots: sim-network-fence.ts), and that database is a writer
 * that takes writes. The ledger (sim-write-ledger.ts) follows every
 * accepted write through replication, promotions and renames, and counts
 * those the application's final writer does not hold.
 */
export class SimAppWriters {
  readonly ledger: SimWriteLedger;
  readonly refused: Record<WriteRefusal, number> = { 'region down': 0, 'no instance': 0, epoch: 0, 'no network path': 0, 'not a writer': 0 };
  private loop?: { stop: AbortController; done: Promise<void> };

  constructor(private readonly options: AppWritersOptions) {
    const database = options.providers.database;
    this.ledger = new SimWriteLedger(database);
    // Beside whoever already follows the databases (the simulated network).
    database.observer = observers(...(database.observer ? [database.observer] : []), this.ledger);
  }

  /** Write every interval until `stop`. */
  start(): void {
    if (this.loop) return;
    const stop = new AbortController();
    const done = (async () => {
      while (!stop.signal.aborted) {
        await this.tick();
        await this.options.clock.sleep(this.options.intervalMs ?? 500, stop.signal).catch(() => undefined);
      }
    })();
    this.loop = { stop, done };
  }

  async stop(): Promise<void> {
    this.loop?.stop.abort();
    await this.loop?.done;
    this.loop = undefined;
  }

  /** One write from every region of every application. */
  async tick(): Promise<void> {
    for (const app of this.options.config.applications) {
      const epoch = this.options.readEpoch ? await this.options.readEpoch(app.name) : undefined;
      for (const region of app.regions) {
        const outcome = await this.write(app.name, region.name, region.database, region.compute.autoScalingGroup, epoch);
        if (outcome !== 'accepted') this.refused[outcome] += 1;
      }
    }
  }

  /** The writes lost so far, against the database of the region `app`'s DNS points at. */
  async lost(app: string, dnsRegion: string): Promise<LostWrites> {
    const region = this.options.config.applications.find((a) => a.name === app)!.regions.find((r) => r.name === dnsRegion)!;
    return this.ledger.lostAgainst(region.database);
  }

  private async write(app: string, region: string, ref: DatabaseRef, group: string, epoch: WriterEpoch | undefined): Promise<WriteRefusal | 'accepted'> {
    const { providers, clock } = this.options;
    const client = `${app}/${region}`;
    if (!providers.cloud.regionAvailable(region)) return 'region down';
    const instances = await providers.compute.describeGroup({ region, groupName: group }).then(serving, () => 0);
    if (instances === 0) {
      // The instances are gone, and their connections with them.
      providers.fence.disconnect(client);
      return 'no instance';
    }
    if (epoch && epoch.writerRegion !== region) return 'epoch';
    const name = providers.fence.connect(client, ref);
    if (name === undefined) return 'no network path';
    const db = providers.database.inspect(ref);
    if (!db || db.role !== 'writer' || (db.status !== 'available' && db.status !== 'backing-up')) return 'not a writer';
    this.ledger.accept(name, region, clock.now());
    return 'accepted';
  }
}
