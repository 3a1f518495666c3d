import { PermanentError, TransientError } from '../../errors/errors.js';
import type { TrafficIntent } from '../../ports/state-store.js';
import type { RoutingControlApi } from '../../ports/traffic-switch.js';
import { askNameServers, describeAnswers, majorityRegion } from '../../traffic/answer-check.js';
import { evacuatedWhileServing, votersOf, votesOf } from '../../traffic/switch-layout.js';
import { canReturn } from '../../traffic/static-stability.js';
import type { ActResult, StepContext, StepObservation } from '../step.js';
import { regionOf, type Side } from './side.js';

function traffic(ctx: StepContext): NonNullable<StepContext['traffic']> & { providers: NonNullable<StepContext['cloud']['traffic']> } {
  const providers = ctx.cloud.traffic;
  if (!ctx.traffic || !providers)
    throw new PermanentError(
      `${ctx.app.name}: traffic.mode ${ctx.app.traffic.mode} needs the data-plane switch providers, which this process was built without`,
    );
  return { ...ctx.traffic, providers };
}

/** The zone's authoritative servers: the config's, else those provisioning stored. */
async function nameServers(ctx: StepContext): Promise<string[]> {
  const configured = ctx.app.traffic.nameServers;
  if (configured) return configured;
  const setup = await traffic(ctx).store.getTrafficSetup(ctx.app.name);
  if (!setup || setup.nameServers.length === 0) {
    throw new PermanentError(
      `${ctx.app.name}: no authoritative name servers to verify the switch against: run \`failover provision --apply\` (it stores the zone's), or set traffic.nameServers`,
    );
  }
  return setup.nameServers;
}

function clusterOf(ctx: StepContext): { api: RoutingControlApi; controls: Record<string, string> } {
  const rc = ctx.app.traffic.routingControl;
  if (!rc) throw new PermanentError(`${ctx.app.name}: traffic.routingControl is required with mode routing-control`);
  return { api: traffic(ctx).providers.routingControls(rc.clusterEndpoints), controls: rc.controls };
}

/** Each region's votes, as every voter casts them from this intent: `us-east-1 out (eu-west-1 votes 1), eu-west-1 in (us-east-1 votes 0)`. */
function describeVotes(app: StepContext['app'], intent: Pick<TrafficIntent, 'serving' | 'evacuated'> | undefined): string {
  const evacuated = intent?.evacuated ?? evacuatedWhileServing(app, app.regions[0]!.name);
  const regions = app.regions.map((r) => {
    const out = evacuated.includes(r.name);
    return `${r.name} ${out ? 'out' : 'in'} (${votersOf(app, r.name).join(', ')} vote${votersOf(app, r.name).length === 1 ? 's' : ''} ${out ? 1 : 0})`;
  });
  return `${intent ? `serve ${intent.serving}` : 'never switched'}: ${regions.join(', ')}`;
}

/** The state of a data-plane switch: the votes (or routing controls) and each authoritative server's answer. */
export async function observeTraffic(ctx: StepContext, side: Side): Promise<StepObservation> {
  const target = regionOf(ctx, side).name;
  const { store } = traffic(ctx);
  const answers = await askNameServers(traffic(ctx).providers.authoritativeDns, await nameServers(ctx), ctx.app);
  const majority = majorityRegion(answers);
  const desiredIntent = { serving: target, evacuated: evacuatedWhileServing(ctx.app, target) };
  let current: string;
  let desired: string;
  let switched: boolean;
  if (ctx.app.traffic.mode === 'routing-control') {
    const { api, controls } = clusterOf(ctx);
    const states = await Promise.all(
      Object.entries(controls).map(async ([region, arn]) => [region, await api.getRoutingControlState(arn)] as const),
    );
    current = `routing controls: ${states.map(([r, s]) => `${r} ${s}`).join(', ')}`;
    desired = `routing controls: ${Object.keys(controls)
      .map((r) => `${r} ${r === target ? 'On' : 'Off'}`)
      .join(', ')}`;
    const intent = await store.getTrafficIntent(ctx.app.name);
    switched = intent?.serving === target && states.every(([region, state]) => state === (region === target ? 'On' : 'Off'));
  } else {
    const intent = await store.getTrafficIntent(ctx.app.name);
    current = `votes: ${describeVotes(ctx.app, intent)}`;
    desired = `votes: ${describeVotes(ctx.app, desiredIntent)}`;
    switched = intent?.serving === target && sameSet(intent.evacuated, desiredIntent.evacuated);
  }
  return {
    resource: `dns:${ctx.app.regions[0]!.dns.recordName} (${ctx.app.traffic.mode})`,
    current: `${current}; answers: ${describeAnswers(answers)}`,
    desired: `${desired}; a majority of ${answers.length} name servers answer ${target}`,
    done: switched && majority === target,
  };
}

/**
 * Move traffic in Route 53's data plane: record the intent (every stack votes
 * from it on its next round) and cast this process's votes now, or flip the
 * routing controls in one UpdateRoutingControlStates. No call goes to Route
 * 53's control plane, and none into the region being left: its voter, if it
 * is alive, votes from the stored intent on its own round.
 */
export async function actTraffic(ctx: StepContext, side: Side, leaving: string): Promise<ActResult> {
  const target = regionOf(ctx, side).name;
  const { store, voterRegions, providers } = traffic(ctx);
  const intent: TrafficIntent = {
    app: ctx.app.name,
    serving: target,
    evacuated: evacuatedWhileServing(ctx.app, target),
    runId: ctx.run.id,
    at: ctx.clock.now(),
  };
  if (ctx.app.traffic.mode === 'routing-control') {
    const { api, controls } = clusterOf(ctx);
    const entries = Object.entries(controls).map(([region, arn]) => ({
      routingControlArn: arn,
      state: region === target ? ('On' as const) : ('Off' as const),
    }));
    // The intent first: a crash between the two leaves an intent ahead of the controls, which the step's next look repeats, never the reverse.
    await store.putTrafficIntent(intent);
    await api.updateRoutingControlStates(entries, ctx.run.breakGlass?.safetyRulesToOverride);
    return { mode: 'routing-control', serving: target };
  }
  // The target must be able to come back without the region being left: else no vote of ours can move traffic (static-stability.ts).
  if (intent.evacuated.length > 0 && !canReturn(ctx.app, target, leaving)) {
    throw new PermanentError(
      `${target} cannot come back into DNS without the votes of ${leaving}'s stack, which is lost with it (health-checks mode, ${ctx.app.regions.length} regions): move traffic with records mode while Route 53's control plane answers, or use routing-control`,
    );
  }
  await store.putTrafficIntent(intent);
  const voters = voterRegions.filter((r) => r !== leaving && ctx.app.regions.some((ar) => ar.name === r));
  const cast = await Promise.allSettled(voters.map((voter) => providers.votes.castVotes(voter, votesOf(ctx.app, intent, voter))));
  const failed = cast.flatMap((c, i) => (c.status === 'rejected' ? [`${voters[i]}: ${String(c.reason)}`] : []));
  // Every vote lost: try again (the intent is stored; a repeat is harmless). Some cast: the rest come with the stacks' rounds.
  if (voters.length > 0 && failed.length === voters.length) throw new TransientError(`no vote could be cast (${failed.join('; ')})`);
  if (failed.length > 0) ctx.log.warn({ failed }, 'some votes were not cast now; their stacks cast them on their next round');
  return { mode: 'health-checks', serving: target, votes: voters.length - failed.length };
}

/** Done when a majority of the authoritative name servers answer with the target. */
export async function verifyTraffic(ctx: StepContext, side: Side): Promise<boolean> {
  const answers = await askNameServers(traffic(ctx).providers.authoritativeDns, await nameServers(ctx), ctx.app);
  const majority = majorityRegion(answers);
  ctx.observed?.(`the name servers answer ${describeAnswers(answers)}; wanted: a majority on ${regionOf(ctx, side).name}`);
  if (majority !== regionOf(ctx, side).name)
    ctx.log.debug({ answers: describeAnswers(answers) }, 'authoritative answers not yet on the target');
  return majority === regionOf(ctx, side).name;
}

/**
 * The retire guard of a data-plane switch (its records never change, so
 * reading them says nothing): a region's database is set aside only while
 * a majority of the authoritative name servers answer another region and
 * the stored intent serves another region (no vote can bring it back on its own).
 */
export async function refuseRetireUnlessAnsweredElsewhere(ctx: StepContext, region: string, database: string): Promise<void> {
  const answers = await askNameServers(traffic(ctx).providers.authoritativeDns, await nameServers(ctx), ctx.app);
  const answered = majorityRegion(answers);
  const intent = await traffic(ctx).store.getTrafficIntent(ctx.app.name);
  const why =
    answered === undefined
      ? `the name servers do not answer one region (${describeAnswers(answers)})`
      : answered === region
        ? `the name servers send the application's traffic to ${region} (${describeAnswers(answers)})`
        : !intent
          ? "the switch's intent is not stored (never provisioned nor switched)"
          : intent.serving === region
            ? `the switch's intent serves ${region}`
            : undefined;
  if (why)
    throw new PermanentError(`refusing to set aside ${database}: ${why}; it is set aside only while DNS sends traffic to another region`);
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
