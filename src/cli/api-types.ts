/**
 * The shapes of the API's answers as the CLI reads them. They come from the
 * server's own types (type-only imports: nothing of the server is loaded),
 * so a change of an answer's shape shows up in the CLI at type-check time.
 */
import type { AppStatus, ControllerStatus } from '../controller/status-view.js';
import type { RunPlan } from '../controller/planner.js';
import type { DrillPhase, DrillRecord, DrillReport } from '../drills/drill.js';
import type { JournalEntry, RunRecord, StepProgress } from '../runbook/run.js';

export type { JournalEntry, RunPlan, RunRecord, StepProgress };

/** An application in GET /status. */
export type AppStatusView = AppStatus;

/** GET /status. */
export type StatusView = ControllerStatus;

/** GET /runs/:id. */
export interface RunDetail {
  run: RunRecord;
  journal: JournalEntry[];
}

/** GET /runs. */
export interface RunList {
  runs: RunRecord[];
}

/** POST /drills {mode: 'plan'}. */
export interface PlanAnswer {
  mode: 'plan';
  plan: RunPlan;
}

/** A game-day drill (POST /drills {mode: 'game-day'}, GET /drills/:id), with its report once there is one. */
export type DrillView = DrillRecord;

export type { DrillPhase, DrillReport };
