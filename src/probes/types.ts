/** One HTTP(S) probe target of a region, as configured. */
export interface ProbeTarget {
  url: string;
  method: 'GET' | 'HEAD' | 'POST';
  expectStatus: number;
  /** Substring the body must contain, when set. */
  bodyMatch?: string;
  /** Overall deadline for the probe, in milliseconds. */
  timeoutMs: number;
  /**
   * Requests sent to the target at once in every round (1–10); the target
   * passes the round when any of them passes. The config fills in 3; a
   * target built in code without it is probed once, as written.
   */
  attempts?: number;
}

/** Why a probe failed. */
export type ProbeErrorClass = 'timeout' | 'refused' | 'tls' | 'status' | 'body' | 'dns' | 'reset' | 'other';

/** How many of a round's attempts at one target failed. */
export interface AttemptCount {
  failed: number;
  of: number;
}

/**
 * The outcome of one probe: of one target in one round. With several
 * attempts it passed when any attempt passed; `attempts` says how many failed.
 */
export interface ProbeResult {
  url: string;
  ok: boolean;
  /** HTTP status when a response arrived (of the attempt the result speaks for). */
  status?: number;
  /**
   * Wall time in milliseconds (real time, not the Clock's): of the quickest
   * passing attempt, or, when none passed, of the slowest failed one (how
   * long the target held the round).
   */
  latencyMs: number;
  /** Why it failed; only on a failed result (every attempt failed). */
  error?: ProbeErrorClass;
  /** A short human-readable explanation of a failure, or of the failed attempts of a passed result. */
  message?: string;
  /** Clock time at which the probe started (ms since epoch). */
  at: number;
  /** With more than one attempt: how many failed. A passed result with failed attempts is flap evidence. */
  attempts?: AttemptCount;
}
