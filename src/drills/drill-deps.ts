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
  /** The operator's manual failover (refused while a run holds the app). */
  failover(request: { app: string; to: string; reason: string; by: string }): Promise<RunRecord>;
  /** The operator's failback to the primary (manual: no hold-down). */
  failback(request: { app: string; reason: string; by: string }): Promise<RunRecord>;
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
