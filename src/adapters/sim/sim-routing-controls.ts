import { PermanentError, TransientError } from '../../errors/errors.js';
import type { ClusterEndpoint, RoutingControlApi, RoutingControlState } from '../../ports/traffic-switch.js';
import type { SimCloud } from './sim-cloud.js';

/** Everything SimRoutingControls holds, JSON-safe. */
export interface SimRoutingControlsSnapshot {
  controls: { arn: string; panel: string; history: { at: number; state: RoutingControlState }[] }[];
}

/** The control panel of a routing control ARN (`…:controlpanel/<id>/routingcontrol/<id>`). */
function panelOf(arn: string): string {
  return arn.replace(/\/routingcontrol\/.*$/, '');
}

/**
 * Simulated Route 53 ARC routing controls: their states with a history (the
 * health checkers see a change {@link SimCloud.delays}.healthCheckMs later),
 * one assertion rule per control panel ("at least one On", the rule ARC's
 * guides pair with active/passive controls) that refuses an update leaving
 * a panel all Off unless it is overridden, and the cluster's regional
 * endpoints, each behind its region's availability.
 */
export class SimRoutingControls {
  private readonly controls = new Map<string, { panel: string; history: { at: number; state: RoutingControlState }[] }>();

  constructor(private readonly cloud: SimCloud) {}

  /** Create a routing control (ARC's control plane, outside this model) in a state. */
  seed(arn: string, state: RoutingControlState): void {
    if (!this.controls.has(arn)) this.controls.set(arn, { panel: panelOf(arn), history: [{ at: this.cloud.clock.now(), state }] });
  }

  /** The data plane as seen through a cluster's endpoints. */
  cluster(endpoints: ClusterEndpoint[]): RoutingControlApi {
    return {
      getRoutingControlState: (arn) =>
        this.viaEndpoints(endpoints, 'GetRoutingControlState', arn, () => this.control(arn).history.at(-1)!.state),
      updateRoutingControlStates: async (entries, override) => {
        // ARC refuses an empty update (ValidationException); the adapter says so without a request, and so does the model.
        if (entries.length === 0) throw new PermanentError('UpdateRoutingControlStates: needs at least one routing control state entry');
        const target = entries.map((e) => `${e.routingControlArn}=${e.state}`).join(',');
        return this.viaEndpoints(endpoints, 'UpdateRoutingControlStates', target, () => this.update(entries, override));
      },
    };
  }

  /** The control's state at `at` (at most now), as a RECOVERY_CONTROL health check reads it. */
  stateAt(arn: string, at: number): RoutingControlState | undefined {
    const control = this.controls.get(arn);
    if (!control) return undefined;
    return control.history.filter((h) => h.at <= at).at(-1)?.state ?? control.history[0]!.state;
  }

  snapshot(): SimRoutingControlsSnapshot {
    return { controls: [...this.controls].map(([arn, c]) => ({ arn, panel: c.panel, history: structuredClone(c.history) })) };
  }

  restore(snapshot: SimRoutingControlsSnapshot | undefined): void {
    this.controls.clear();
    for (const c of snapshot?.controls ?? []) this.controls.set(c.arn, { panel: c.panel, history: structuredClone(c.history) });
  }

  private update(entries: { routingControlArn: string; state: RoutingControlState }[], override?: string[]): void {
    for (const entry of entries) this.control(entry.routingControlArn);
    const next = new Map([...this.controls].map(([arn, c]) => [arn, c.history.at(-1)!.state]));
    for (const entry of entries) next.set(entry.routingControlArn, entry.state);
    const panels = new Set(entries.map((e) => panelOf(e.routingControlArn)));
    for (const panel of panels) {
      const on = [...this.controls].filter(([arn, c]) => c.panel === panel && next.get(arn) === 'On');
      if (on.length === 0 && !(override ?? []).some((rule) => rule.startsWith(panel))) {
        throw new PermanentError(
          `UpdateRoutingControlStates: ValidationException: the assertion rule of ${panel} (at least one On) would be violated; override it only by break-glass`,
        );
      }
    }
    const now = this.cloud.clock.now();
    for (const entry of entries) {
      const control = this.control(entry.routingControlArn);
      if (control.history.at(-1)!.state !== entry.state) control.history.push({ at: now, state: entry.state });
      control.history.splice(0, Math.max(0, control.history.length - 50));
    }
  }

  /**
   * Try the cluster's endpoints in a fresh random order (the cloud's random,
   * the shuffle ArcRoutingControls uses), moving on only from an endpoint
   * whose region does not answer (down: refused; hanging: after the client's
   * deadline), as the adapter does at EndpointTemporarilyUnavailableException,
   * a 5xx or a network failure. Any other error is the request's, and the
   * next endpoint would say the same: an injected Throttling is a
   * TransientError at once (the adapter's ThrottlingException), a missing
   * control a PermanentError. Like the adapter, a cluster without endpoints
   * is a PermanentError, and when every endpoint failed a TransientError.
   */
  private async viaEndpoints<T>(endpoints: ClusterEndpoint[], operation: string, target: string, fn: () => T): Promise<T> {
    if (endpoints.length === 0) throw new PermanentError(`${operation}: the ARC cluster has no endpoints in the config`);
    const failures: string[] = [];
    for (const endpoint of this.cloud.shuffle(endpoints)) {
      try {
        return await this.cloud.call('arc', operation, endpoint.region, target, fn);
      } catch (err) {
        if (!(err instanceof TransientError) || this.cloud.regionAvailable(endpoint.region)) throw err;
        failures.push(`${endpoint.region}: ${err.message}`);
      }
    }
    throw new TransientError(`${operation}: no cluster endpoint answered (${failures.join('; ')})`);
  }

  private control(arn: string): { panel: string; history: { at: number; state: RoutingControlState }[] } {
    const control = this.controls.get(arn);
    if (!control) throw new PermanentError(`ResourceNotFoundException: routing control ${arn} not found`);
    return control;
  }
}
