import type { Context } from 'aws-lambda';
import type { Logger } from 'pino';
import { Controller, type ControllerDeps } from '../controller/controller.js';
import type { RunPlacement } from '../controller/run-launcher.js';
import type { Clock } from '../ports/clock.js';
import type { RunDispatcher } from '../ports/run-dispatcher.js';
import type { FlushingMetricsSink } from '../ports/metrics-sink.js';

/**
 * What every Lambda handler is composed from. compose-aws.ts builds it from
 * the environment for AWS; tests build it on the simulated cloud, dynalite
 * and a manual clock.
 */
export interface HandlerDeps extends Pick<ControllerDeps, 'config' | 'clock' | 'store' | 'cloud' | 'prober' | 'log' | 'runbooks' | 'notifier'> {
  /** The AWS region of this stack (AWS_REGION): it executes runs into this region only; `config.vantage` is set to it. */
  region: string;
  /** Hands new runs to the runbook worker of this region. */
  dispatcher: RunDispatcher;
  /**
   * A fresh metrics sink for one invocation (EMF on AWS), flushed as the
   * invocation ends; without it the functions record no metrics.
   */
  metrics?: () => FlushingMetricsSink;
}

/** The part of the Lambda context the handlers use. */
export type InvocationContext = Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>;

/** A controller for one invocation, its runs placed as `placement` says. */
export function invocationController(deps: HandlerDeps, placement: RunPlacement, log: Logger, extra: Pick<ControllerDeps, 'permissions' | 'metrics' | 'availability'> = {}): Controller {
  const { config, clock, store, cloud, prober, runbooks, notifier } = deps;
  return new Controller({ config, clock, store, cloud, prober, log, runbooks, placement, ...(notifier ? { notifier } : {}), ...extra });
}

/** Sleep on the deps' clock until `signal` aborts it; never rejects. */
export async function pause(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  await clock.sleep(Math.max(0, ms), signal).catch(() => undefined);
}
