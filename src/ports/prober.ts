import type { ProbeResult, ProbeTarget } from '../probes/types.js';

/** Runs probes; the HTTP implementation is probes/http-prober.ts. */
export interface Prober {
  /** Probe every target; results in the same order. Never throws for a failed probe. */
  round(targets: ProbeTarget[]): Promise<ProbeResult[]>;
}
