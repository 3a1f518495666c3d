import type { RegionHealth } from '../health/region-health.js';
import type { Decision } from '../policy/decision.js';
import type { DriftFinding, ReadinessCheck } from '../readiness/world-report.js';
import type { RunRecord } from '../runbook/run.js';
import { isoSeconds } from '../readiness/time-words.js';
import { type AttentionItem, byUrgency } from './attention.js';

/** An application's readiness and drift, merged over every vantage point (GET /readiness). */
export interface AppReadiness {
  app: string;
  activeRegion: string;
  checks: ReadinessCheck[];
  drift: DriftFinding[];
  /** When the newest readiness evaluation ran; absent before the first. */
  readinessAt?: number;
  driftAt?: number;
}

/** What on-call's view of one application is made of. */
export interface AttentionInput {
  app: string;
  primaryRegion: string;
  activeRegion: string;
  health: Record<string, RegionHealth>;
  decision?: Decision;
  currentRun?: RunRecord;
  lastRun?: RunRecord;
  readiness?: AppReadiness;
  /** Drills in progress, already as items (drill-attention-item.ts). */
  drills: AttentionItem[];
}

/**
 * What on-call must see about one application, most urgent first, each
 * with the next command to run: the application is down; an operator is
 * needed (the policy holds and pages, a run failed); drift; failing
 * readiness checks; a drill in progress. Pure.
 */
export function appAttention(input: AttentionInput): AttentionItem[] {
  const items: AttentionItem[] = [...downOrOperator(input), ...driftItems(input), ...readinessItems(input), ...input.drills];
  return byUrgency(items);
}

function standbyOf(input: AttentionInput): string | undefined {
  return Object.entries(input.health).find(([name, h]) => name !== input.activeRegion && h.state === 'healthy')?.[0];
}

function downOrOperator(input: AttentionInput): AttentionItem[] {
  const { app, activeRegion, decision, currentRun } = input;
  const active = input.health[activeRegion];
  const items: AttentionItem[] = [];
  if (currentRun) {
    if (active?.state === 'unhealthy') {
      items.push({ kind: 'down', severity: 'critical', title: `${app} is down in ${activeRegion}; ${currentRun.kind} run ${currentRun.id} is under way`, details: [`${currentRun.kind} from ${currentRun.from} to ${currentRun.to}, started ${isoSeconds(currentRun.createdAt)}`], commands: [`failover runs ${currentRun.id}`] });
    }
    return items;
  }
  const hold = decision?.action === 'hold' && decision.attention ? decision : undefined;
  const standby = standbyOf(input);
  // Back to the primary is a failback (it rebuilds the primary's stale database first), never a failover.
  const next = !standby
    ? [`failover status --app ${app}`]
    : standby === input.primaryRegion
      ? [`failover plan --app ${app} --kind failback`, `failover failback --app ${app} --reason "${activeRegion} is down"`]
      : [`failover plan --app ${app} --to ${standby}`, `failover failover --app ${app} --to ${standby} --reason "${activeRegion} is down"`];
  if (active?.state === 'unhealthy') {
    const why = hold ? hold.reason : `${activeRegion} (active) is unhealthy`;
    items.push({ kind: 'down', severity: 'critical', title: `${app} is down: ${activeRegion} (active) is unhealthy and the controller is not failing over`, details: [why], commands: next });
  } else if (hold) {
    items.push({ kind: 'operator', severity: 'warning', title: `the controller holds and needs an operator`, details: [hold.reason], commands: [`failover status --app ${app}`] });
  }
  const last = input.lastRun;
  if (last && last.status === 'failed') {
    items.push({ kind: 'operator', severity: 'critical', title: `the last ${last.kind} (run ${last.id}) failed`, details: [last.error ?? 'see its steps'], commands: [`failover runs ${last.id}`, `failover readiness --app ${app}`] });
  }
  return items;
}

function driftItems(input: AttentionInput): AttentionItem[] {
  return (input.readiness?.drift ?? []).map((f) => ({
    kind: 'drift' as const,
    severity: f.status === 'failing' ? ('critical' as const) : ('warning' as const),
    title: f.status === 'failing' ? `drift: ${f.sentence}` : `leftover: ${f.sentence}`,
    details: [`${f.id} in ${f.region}`],
    commands: f.commands,
  }));
}

function readinessItems(input: AttentionInput): AttentionItem[] {
  const failing = (input.readiness?.checks ?? []).filter((c) => c.status === 'failing');
  if (failing.length === 0) return [];
  const regions = [...new Set(failing.map((c) => c.region))].join(', ');
  return [
    {
      kind: 'readiness',
      severity: 'warning',
      title: `${failing.length} readiness check(s) failing (${regions}): a failover or failback there would fail now`,
      details: failing.map((c) => `${c.id} (${c.region}): ${c.sentence}${c.fix ? ` Fix: ${c.fix}` : ''}`),
      commands: [`failover readiness --app ${input.app}`],
    },
  ];
}
