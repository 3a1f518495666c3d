import type { ProbeResult, ProbeTarget } from '../probes/types.js';

/** Runs probes; the HTTP implementation is probes/http-prober.ts. */
export interface Prober {
  /**
   * Probe every target; one result per target, in the same order. A target
   * with `attempts` gets that many requests at once and one combined result
   * (passed when any attempt passed, with `attempts: {failed, of}`; see
   * probes/attempts.ts). Never throws for a failed probe.
   */
  round(targets: ProbeTarget[]): Promise<ProbeResult[]>;
}
