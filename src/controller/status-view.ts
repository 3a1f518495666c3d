import type { AvailabilityReport } from '../availability/types.js';
import { describeResults, type HealthState, type RegionHealth } from '../health/region-health.js';
import type { Decision } from '../policy/decision.js';
import type { ProbeResult } from '../probes/types.js';
import type { RunRecord } from '../runbook/run.js';
import type { AppReadiness } from './app-attention.js';
import type { AttentionItem } from './attention.js';

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
  /** Measured availability over the last 24 h and 30 d against policy.availabilityTargetPercent, with the error budget left. */
  availability?: AvailabilityReport;
  /** Readiness checks and drift, merged over every vantage point (absent before the first evaluation). */
  readiness?: AppReadiness;
  /** What on-call must see, most urgent first, each with the next command (app-attention.ts). */
  attention?: AttentionItem[];
}

/** The whole controller as /status shows it. */
export interface ControllerStatus {
  provider: 'sim' | 'aws';
  vantage: string;
  now: number;
  applications: AppStatus[];
}

/** "eu-west-1 (standby) is unhealthy since 12:00:05Z after 3 failed rounds: 1/1 probes failed (refused)". */
export function regionSentence(name: string, role: string, h: RegionHealth, fall: number): string {
  const since = new Date(h.since).toISOString().slice(11, 19);
  const last = describeResults(h.lastResults);
  switch (h.state) {
    case 'unknown':
      return `${name} (${role}) is not judged yet: ${h.consecutiveSuccesses + h.consecutiveFailures} round(s) so far; ${last}`;
    case 'healthy':
      return `${name} (${role}) is healthy since ${since}Z: ${last}`;
    case 'suspect':
      return `${name} (${role}) is suspect: ${h.consecutiveFailures} of ${fall} failed rounds before it counts as down; ${last}`;
    case 'unhealthy':
      return `${name} (${role}) is unhealthy since ${since}Z after ${h.consecutiveFailures} failed rounds: ${last}`;
    case 'recovering':
      return `${name} (${role}) is recovering since ${since}Z: ${h.consecutiveSuccesses} good rounds; ${last}`;
  }
}

/** One region as /status shows it, from its health. */
export function regionStatus(name: string, preference: number, activeRegion: string, h: RegionHealth, fall: number): RegionStatus {
  const role = name === activeRegion ? 'active' : 'standby';
  return {
    name,
    role,
    preference,
    state: h.state,
    since: h.since,
    consecutiveFailures: h.consecutiveFailures,
    consecutiveSuccesses: h.consecutiveSuccesses,
    ...(h.lastObservationAt !== undefined ? { lastObservationAt: h.lastObservationAt } : {}),
    summary: describeResults(h.lastResults),
    sentence: regionSentence(name, role, h, fall),
    lastResults: h.lastResults,
  };
}
