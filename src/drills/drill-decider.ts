import type { AppPolicy } from '../config/types.js';
import { UserInputError } from '../errors/errors.js';
import type { DrillDecider, DrillRecord } from './drill.js';

/** The default decider for an application: the controller where it may fail over on its own, else the operator (see DrillDecider). Pure. */
export function defaultDecider(policy: Pick<AppPolicy, 'automaticFailover'>): DrillDecider {
  return policy.automaticFailover ? 'controller' : 'operator';
}

/**
 * The decider a new game day is given: the one asked for, or the default;
 * undefined where no fault can be injected (nothing is detected or decided).
 * Throws UserInputError for a choice the drill cannot honour, before anything
 * is broken: `controller` when the policy never fails over automatically (the
 * controller would only hold), or any choice without a fault injector. Pure.
 */
export function chooseDecider(asked: DrillDecider | undefined, policy: Pick<AppPolicy, 'automaticFailover'>, app: string, canInject: boolean): DrillDecider | undefined {
  if (!canInject) {
    if (asked !== undefined) throw new UserInputError(`body.decision: no fault can be injected here, so the game day begins with a manual failover and nothing is detected or decided; leave decision out`);
    return undefined;
  }
  if (asked === 'controller' && !policy.automaticFailover) {
    throw new UserInputError(`body.decision: ${app}'s policy has automaticFailover off, so the controller can only hold; use decision operator (the default here), or turn automaticFailover on`);
  }
  return asked ?? defaultDecider(policy);
}

/** The decider of a stored drill: its own, or the default for drills stored before the choice existed. Pure. */
export function deciderOf(drill: DrillRecord, policy: Pick<AppPolicy, 'automaticFailover'>): DrillDecider {
  return drill.decider ?? defaultDecider(policy);
}
