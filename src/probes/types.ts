/** One HTTP(S) probe target of a region, as configured. */
export interface ProbeTarget {
  url: string;
  method: 'GET' | 'HEAD' | 'POST';
  expectStatus: number;
  /** Substring the body must contain, when set. */
  bodyMatch?: string;
  /** Overall deadline for the probe, in milliseconds. */
  timeoutMs: number;
}

/** Why a probe failed. */
export type ProbeErrorClass = 'timeout' | 'refused' | 'tls' | 'status' | 'body' | 'dns' | 'reset' | 'other';

/** The outcome of one probe. */
export interface ProbeResult {
  url: string;
  ok: boolean;
  /** HTTP status when a response arrived. */
  status?: number;
  /** Wall time of the probe in milliseconds (real time, not the Clock's). */
  latencyMs: number;
  error?: ProbeErrorClass;
  /** A short human-readable explanation of a failure. */
  message?: string;
  /** Clock time at which the probe started (ms since epoch). */
  at: number;
}
