import type { ControllerStatus } from '../controller/status-view.js';

/** What a status snapshot is built from: the controller (its `version` moves with every change it makes). */
export interface StatusSource {
  status(): Promise<ControllerStatus>;
  readonly version: number;
  now(): number;
}

/**
 * How long a serialised /status may be served while the controller reports
 * no change. It bounds how late changes made by other processes show (a
 * Lambda runbook worker's step progress, another stack's run): under the
 * status page's one-second poll, and as long as the availability report is
 * reused anyway.
 */
export const STATUS_MAX_AGE_MS = 1_000;

/**
 * GET /status, serialised once per change instead of once per request. A
 * status page polled by every operator, and scripts watching a failover,
 * would otherwise rebuild the same view (a store read per application, the
 * availability report, a sentence per region) and stringify it for each
 * request (BENCHMARKS.md, API throughput).
 *
 * A snapshot is served while the controller's `version` is the one it was
 * built at and it is younger than `maxAgeMs`; its `now` says when it was
 * built ("as of"). Requests that arrive while it is being rebuilt share that
 * build. A change made through this process (an operator's failover, a
 * round, a step of a run executing here) moves the version, so the next
 * request sees it: a caller reads its own writes.
 */
export class StatusSnapshot {
  private current?: { version: number; builtAt: number; json: string };
  private building?: { version: number; json: Promise<string> };

  constructor(
    private readonly source: StatusSource,
    private readonly maxAgeMs = STATUS_MAX_AGE_MS,
  ) {}

  /** The status as JSON text, current as described above. */
  json(): Promise<string> {
    const version = this.source.version;
    const current = this.current;
    if (current && current.version === version && this.source.now() - current.builtAt < this.maxAgeMs) return Promise.resolve(current.json);
    if (this.building?.version === version) return this.building.json;
    // The version is read before building: a change during the build leaves this snapshot behind, and the next request rebuilds.
    const building = { version, json: this.build(version) };
    this.building = building;
    const clear = () => {
      if (this.building === building) this.building = undefined;
    };
    building.json.then(clear, clear);
    return building.json;
  }

  private async build(version: number): Promise<string> {
    const status = await this.source.status();
    const json = JSON.stringify(status);
    // A slow build must not replace the snapshot of a later version that finished first.
    if (!this.current || version >= this.current.version) this.current = { version, builtAt: status.now, json };
    return json;
  }
}
