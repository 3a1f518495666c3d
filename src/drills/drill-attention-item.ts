import type { AttentionItem } from '../controller/attention.js';
import type { DrillRecord, DrillStage } from './drill.js';

/** How a stage reads in the banner's title. */
const STAGE_WORDS: Record<DrillStage, string> = {
  detecting: 'detecting the outage',
  'failing-over': 'failing over',
  'running-runbooks': 'running named runbooks',
  'awaiting-primary': 'waiting for the primary',
  'failing-back': 'failing back',
  ended: 'ended',
};

/**
 * The banner of a game day in progress, for the status page and the CLI:
 * on-call must see that the region is down on purpose (and not page anyone
 * for it), who started it and when, where it stands, what it does next, how
 * to follow or stop it, and where its report is. Pure: `now` only says how
 * long ago it started.
 *
 * Kind `drill`, severity `info` (awareness: nothing to do unless a real
 * incident wants the region back). `warning` once the drill has asked for
 * an operator because its injected outage cannot be healed (see
 * DrillBook.heal): the region then stays down until a person heals it.
 *
 * The commands are the ones that exist: `failover drill --id … --wait`
 * follows it in the CLI; the CLI has no abort, so the abort is the API's
 * (POST /drills/:id/abort), as a curl command over FAILOVER_URL and
 * FAILOVER_TOKEN, the CLI's own settings.
 */
export function drillAttentionItem(drill: DrillRecord, now: number): AttentionItem {
  const healed = drill.milestones.healedAt !== undefined;
  const what =
    drill.trigger === 'manual-failover'
      ? `${drill.app} is failed over from ${drill.from} to ${drill.to} on purpose`
      : healed
        ? `${drill.from} was taken down on purpose and is healed`
        : `${drill.from} is down on purpose`;
  const stuck = drill.healFailure?.alarmedAt !== undefined;
  const startedAt = drill.milestones.startedAt;
  const details = [
    `Started by ${drill.startedBy} at ${new Date(startedAt).toISOString()} (${ago(now - startedAt)} ago), for ${drill.app}: ${drill.from} → ${drill.to}${drill.failback ? ' and back' : ', staying there'}.`,
    stageSentence(drill),
    `Next: ${nextStep(drill)}.`,
  ];
  if (drill.trigger === 'injected-outage' && !healed) details.push(`Alerts that ${drill.from} is down come from this drill; aborting it heals ${drill.from} (a run in flight finishes first).`);
  if (drill.healFailure) details.push(`The heal of ${drill.from} keeps failing since ${new Date(drill.healFailure.since).toISOString()}: ${drill.healFailure.error}.`);
  if (drill.error) details.push(`Drill error: ${drill.error}.`);
  return {
    kind: 'drill',
    severity: stuck ? 'warning' : 'info',
    title: `Game day ${drill.id} in progress: ${what} (stage: ${STAGE_WORDS[drill.stage]})`,
    details,
    commands: [
      `failover drill --id ${drill.id} --wait`,
      `curl -X POST "$FAILOVER_URL/drills/${drill.id}/abort" -H "Authorization: Bearer $FAILOVER_TOKEN" -H 'content-type: application/json' -d '{"reason":"why"}'`,
    ],
    link: { href: `/drills/${encodeURIComponent(drill.id)}/report`, text: 'drill report' },
  };
}

/** Where the drill stands, with the run it follows. */
function stageSentence(drill: DrillRecord): string {
  switch (drill.stage) {
    case 'detecting':
      return drill.milestones.detectedAt === undefined
        ? `Stage: detecting. The controller has not judged ${drill.from} down yet.`
        : `Stage: detecting. ${drill.from} was judged down at ${new Date(drill.milestones.detectedAt).toISOString()}; the failover is being decided.`;
    case 'failing-over':
      return `Stage: failing over. ${drill.failoverRunId ? `Run ${drill.failoverRunId} moves ${drill.app} to ${drill.to}.` : `The failover to ${drill.to} is starting.`}`;
    case 'running-runbooks':
      return `Stage: running named runbooks. ${runbookSentence(drill)}`;
    case 'awaiting-primary':
      return `Stage: waiting for the primary. ${drill.app} runs in ${drill.to}; ${drill.milestones.healedAt !== undefined ? `${drill.from} is healed and must be judged healthy again.` : `${drill.from} is not healed yet.`}`;
    case 'failing-back':
      return `Stage: failing back. ${drill.failbackRunId ? `Run ${drill.failbackRunId} moves ${drill.app} back to ${drill.from}.` : `The failback to ${drill.from} is starting.`}`;
    case 'ended':
      return `Stage: ended (${drill.status}).`;
  }
}

/** Which named runbook runs, and how many are left. */
function runbookSentence(drill: DrillRecord): string {
  const names = drill.runbooks ?? [];
  const current = drill.runbookRuns?.at(-1);
  if (!current) return `Runbook ${names[0] ?? '?'} (1 of ${names.length}) is starting.`;
  const at = `${drill.runbookRuns!.length} of ${names.length}`;
  return current.endedAt === undefined
    ? `Run ${current.runId} of runbook ${current.name} (${at}) is under way.`
    : `Runbook ${current.name} (${at}) has ended; the next step is starting.`;
}

/** What the drill does next, from where it stands. */
function nextStep(drill: DrillRecord): string {
  switch (drill.stage) {
    case 'detecting':
      return drill.decider === 'operator'
        ? `once ${drill.from} is judged down, the drill fails over to ${drill.to} by hand, as the paged operator would`
        : `the controller decides the failover to ${drill.to} on its own; should it hold, the drill fails over by hand, as the paged operator would`;
    case 'failing-over': {
      const runbooks = drill.runbooks?.length ? `runs the named runbooks ${drill.runbooks.join(', ')}, then ` : '';
      return drill.failback
        ? `when the run ends, the drill ${runbooks}heals ${drill.from} and fails back once the controller judges it healthy again`
        : `when the run ends, the drill ${runbooks}heals ${drill.from} and ends; ${drill.app} stays in ${drill.to}`;
    }
    case 'running-runbooks':
      return drill.failback
        ? `when the named runbooks have succeeded, the drill heals ${drill.from} and fails back once the controller judges it healthy again; ` +
          'a runbook that fails ends the drill, with no failback'
        : `when the named runbooks have succeeded, the drill heals ${drill.from} and ends; ${drill.app} stays in ${drill.to}`;
    case 'awaiting-primary':
      return `the drill fails back to ${drill.from} once the controller judges it healthy again (the policy's failback hold-down is not waited for)`;
    case 'failing-back':
      return `the drill ends with its report when the failback run ends`;
    case 'ended':
      return 'nothing: the report is final';
  }
}

/** "42 s", "3 min 05 s", "2 h 07 min". */
function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
