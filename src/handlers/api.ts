import awsLambdaFastify from '@fastify/aws-lambda';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { LambdaRunDispatcher } from '../adapters/aws/lambda-dispatcher.js';
import { LambdaReadTransport } from '../adapters/aws/lambda-read-transport.js';
import { RemoteReads } from '../adapters/remote/remote-reads.js';
import { buildApp } from '../api/build-app.js';
import type { Controller } from '../controller/controller.js';
import { awsHandler, type FunctionParts } from './compose-aws.js';
import { requireEnvironment } from './stack-environment.js';
import { type HandlerDeps, type InvocationContext, invocationController } from './handler-deps.js';

/** Tuning of the API handler. */
export interface ApiHandlerOptions {
  /**
   * Reads re-learn the active region (DNS) and the application state from
   * the store when the last refresh is older than this (default 30 s);
   * requests that change something always do, once the app has found them
   * authenticated and valid (a refused request costs nothing). Route 53 allows five requests
   * per second per account, and a failover needs them more than a status page.
   */
  refreshMs?: number;
}

interface Api {
  controller: Controller;
  proxy: (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;
  refreshedAt: number;
}

/**
 * The HTTP API function: the same Fastify app as `npm start`, behind an API
 * Gateway HTTP API (payload format 2.0) through @fastify/aws-lambda. The app
 * and its controller are built once per container. Runs the operators start
 * here are created and handed to the runbook worker, never executed in this
 * function (it is frozen as soon as it has answered); a failover into
 * another region is refused with the name of the stack that executes it.
 */
export function createApiHandler(deps: HandlerDeps, options: ApiHandlerOptions = {}) {
  const refreshMs = options.refreshMs ?? 30_000;
  let ready: Promise<Api> | undefined;
  const build = async (): Promise<Api> => {
    const log = deps.log.child({ fn: 'api' });
    const controller = invocationController(deps, { region: deps.region, handoff: { dispatcher: deps.dispatcher } }, log);
    await controller.init();
    const api: Api = { controller, proxy: undefined as unknown as Api['proxy'], refreshedAt: deps.clock.now() };
    const refresh = async () => {
      await controller.init();
      api.refreshedAt = deps.clock.now();
    };
    // Without a UI: its static files are not in the bundle; the OpenAPI document is served at /docs/json.
    // Requests that change something re-learn the world once they are authenticated and valid (beforeChange).
    await buildApp({
      controller,
      store: deps.store,
      log,
      auth: deps.config.api,
      clock: deps.clock,
      onInstance: (app) => void (api.proxy = awsLambdaFastify<APIGatewayProxyEventV2>(app)),
      beforeChange: refresh,
    });
    return api;
  };
  return async (event: APIGatewayProxyEventV2, context: InvocationContext): Promise<unknown> => {
    ready ??= build().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    const api = await ready;
    const method = event.requestContext?.http?.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && deps.clock.now() - api.refreshedAt >= refreshMs) {
      await api.controller.init();
      api.refreshedAt = deps.clock.now();
    }
    const response = await api.proxy(event, context as Context);
    // Nothing may be left running once the answer is out: the container is frozen until the next request.
    await api.controller.settled();
    return response;
  };
}

/**
 * The API reads the world (the active region in DNS, dry-run plans) through
 * the reader function of its stack (READER_FUNCTION, src/handlers/reader.ts),
 * so that it carries neither the cloud's SDK clients nor the prober, and
 * changes nothing in the cloud; it hands the runs it starts to the worker.
 */
export const apiParts: FunctionParts = {
  world: (_config, { region, env }) => {
    const { READER_FUNCTION: reader } = requireEnvironment(env, ['READER_FUNCTION'], 'the api function');
    return new RemoteReads(new LambdaReadTransport(reader, { region }), 'runs execute in the runbook worker');
  },
  dispatcher: (runbookFunction, options) => new LambdaRunDispatcher(runbookFunction, options),
};

/** The Lambda entry point (serverless.yml: src/handlers/api.handler), composed from the environment on first use. */
export const handler = awsHandler(apiParts, (deps) => createApiHandler(deps));
