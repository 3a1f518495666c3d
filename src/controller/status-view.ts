import type { HealthState } from '../health/region-health.js';
import type { Decision } from '../policy/decision.js';
import type { ProbeResult } from '../probes/types.js';
import type { RunRecord } from '../runbook/run.js';

/** One region as /status shows it. */
export interface RegionStatus {
  name: string;
  role: 'active' | 'standby';
  /** Position in the config: 0 is the primary. */
  preference: number;
  state: HealthState;
  since: number;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  lastObservationAt?: number;
  /** e.g. "1/1 probes ok" */
  summary: string;
  /** What the controller thinks of the region and why, in one sentence. */
  sentence: string;
  lastResults: ProbeResult[];
}

/** One application as /status shows it. */
export interface AppStatus {
  name: string;
  primaryRegion: string;
  activeRegion: string;
  /** The policy's latest conclusion and its reason. */
  decision?: Pick<Decision, 'action' | 'reason' | 'at'> & { attention?: boolean };
  regions: RegionStatus[];
  currentRun?: RunRecord;
  lastRun?: RunRecord;
}

/** The whole controller as /status shows it. */
export interface ControllerStatus {
  provider: 'sim' | 'aws';
  vantage: string;
  now: number;
  applications: AppStatus[];
}
