import type { Context } from 'aws-lambda';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { Controller } from '../controller/controller.js';
import type { RunPlacement } from '../controller/run-launcher.js';
import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { Prober } from '../ports/prober.js';
import type { CloudProviders } from '../ports/providers.js';
import type { RunDispatcher } from '../ports/run-dispatcher.js';
import type { StateStore } from '../ports/state-store.js';
import type { RunKind } from '../runbook/run.js';
import type { Runbook } from '../runbook/step.js';

/**
 * What every Lambda handler is composed from. compose-aws.ts builds it from
 * the environment for AWS; tests build it on the simulated cloud, dynalite
 * and a manual clock.
 */
export interface HandlerDeps {
  /** The configuration, its `vantage` set to this stack's region. */
  config: Config;
  /** The AWS region of this stack (AWS_REGION): it executes runs into this region only. */
  region: string;
  clock: Clock;
  store: StateStore;
  cloud: CloudProviders;
  prober: Prober;
  log: Logger;
  runbooks: Record<RunKind, Runbook>;
  /** Hands new runs to the runbook worker of this region. */
  dispatcher: RunDispatcher;
  /** Where decisions that act or page go (the probe decides, so the probe has one). */
  notifier?: Notifier;
}

/** The part of the Lambda context the handlers use. */
export type InvocationContext = Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>;

/** A controller for one invocation, its runs placed as `placement` says. */
export function invocationController(deps: HandlerDeps, placement: RunPlacement, log: Logger): Controller {
  const { config, clock, store, cloud, prober, runbooks, notifier } = deps;
  return new Controller({ config, clock, store, cloud, prober, log, runbooks, placement, ...(notifier ? { notifier } : {}) });
}

/** Sleep on the deps' clock until `signal` aborts it; never rejects. */
export async function pause(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  await clock.sleep(Math.max(0, ms), signal).catch(() => undefined);
}
