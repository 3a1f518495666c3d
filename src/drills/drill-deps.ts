import type { Logger } from 'pino';
import type { AvailabilityReport } from '../availability/types.js';
import type { AppConfig } from '../config/types.js';
import type { RegionHealth } from '../health/region-health.js';
import type { Clock } from '../ports/clock.js';
import type { FaultInjector } from '../ports/fault-injector.js';
import type { CloudProviders } from '../ports/providers.js';
import type { StateStore } from '../ports/state-store.js';
import type { RunRecord } from '../runbook/run.js';

/** What the drills need from the controller: its view of an application, and its operator levers. */
export interface DrillControls {
  /** The applications this controller serves, by name. */
  apps(): string[];
  /** An application by name (or the only one); UserInputError when unknown. */
  findApp(name?: string): AppConfig;
  /** The controller's current view of an application. */
  view(app: string): { activeRegion: string; health: Record<string, RegionHealth> };
  /**
   * The operator's manual failover (refused while a run holds the app).
   * `drillId` marks the run as the game day's (RunRecord.drillId): it starts
   * no cooldown.
   */
  failover(request: { app: string; to: string; reason: string; by: string; drillId: string }): Promise<RunRecord>;
  /** The operator's failback to the primary (manual: no hold-down); `drillId` as for failover. */
  failback(request: { app: string; reason: string; by: string; drillId: string }): Promise<RunRecord>;
  /** The names of the application's named runbooks (config `applications[].runbooks`), which a game day may run. */
  namedRunbooks(app: string): string[];
  /**
   * The operator's run of one of the application's named runbooks, towards
   * `to` (refused while a run holds the app); `drillId` as for failover:
   * a game day runs them by hand after its failover (stage `running-runbooks`).
   */
  runNamed(request: { app: string; runbook: string; to: string; reason: string; by: string; drillId: string }): Promise<RunRecord>;
  /**
   * The pre-flight gate of the game day's failover, before anything is
   * injected: a ConflictError naming every failing check when `to` is not
   * healthy or not ready. A drill is never urgent: it is not forced past it.
   */
  preflight(request: { app: string; to: string }): Promise<void>;
  /**
   * Forget the rounds of `region` so far as flap evidence (its hysteresis
   * stays): called when a drill heals the outage it injected, whose failed
   * rounds would otherwise make the next real outage look like flapping.
   */
  forgetFlapEvidence(app: string, region: string): void;
  /** Whether runs into `region` may be started here (on AWS only the stack in that region starts them). */
  startsRunsInto(region: string): boolean;
  /** The application's availability, when the controller measures it. */
  availability(app: string): Promise<AvailabilityReport | undefined>;
}

/** Dependencies of the drill conductor. */
export interface DrillConductorDeps {
  store: StateStore;
  clock: Clock;
  log: Logger;
  environment: 'sim' | 'aws';
  /** Present in the simulated world: outages are injected. Absent on AWS: a game day starts with a manual failover. */
  faults?: FaultInjector;
  /** The cloud, read (never changed) to tell the operator where DNS points and which database writes when a drill's run stopped half way. */
  cloud?: CloudProviders;
  /** This controller's vantage point: its own stored probe rounds are the evidence a failover decision rests on. */
  vantage: string;
  controls: DrillControls;
}
