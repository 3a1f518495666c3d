import type { HeartbeatResult } from '../lag/heartbeat.js';
import type { ProbeResult, ProbeTarget } from '../probes/types.js';

/** A read of a region's replication endpoint (src/lag/heartbeat.ts). */
export interface HeartbeatRequest {
  url: string;
  /** Deadline for the whole exchange. */
  timeoutMs: number;
  /** Refuse an answer from the other kind of database. */
  expectRole?: 'writer' | 'replica';
}

/** Runs probes; the HTTP implementation is probes/http-prober.ts. */
export interface Prober {
  /**
   * Probe every target; one result per target, in the same order. A target
   * with `attempts` gets that many requests at once and one combined result
   * (passed when any attempt passed, with `attempts: {failed, of}`; see
   * probes/attempts.ts). Never throws for a failed probe.
   */
  round(targets: ProbeTarget[]): Promise<ProbeResult[]>;
  /**
   * Read a region's replication heartbeat; never throws (a failure is a
   * result with its reason). On the prober because it is an HTTP read of the
   * application, like a probe: a function that reads the world through
   * another one (the API on Lambda) sends it to the reader, and holds no
   * HTTP client of its own. Absent where no step reads heartbeats (test
   * stubs): the steps then say so and use CloudWatch.
   */
  heartbeat?(request: HeartbeatRequest): Promise<HeartbeatResult>;
}
