import type { FastifyInstance, FastifyRequest, onSendAsyncHookHandler, preHandlerAsyncHookHandler, RouteOptions } from 'fastify';
import * as Type from 'typebox';
import type { TSchema } from 'typebox';

/** Methods that change something: rate limited, idempotent on request, audited. */
export const MUTATING_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Nothing allowed: the query of a route that takes none, the body of a POST that takes none. */
export const NoFields = Type.Object({}, { additionalProperties: false });

type SchemaPart = 'body' | 'querystring' | 'params';

/**
 * Schema rules every route obeys, checked when it is registered (so a new
 * route cannot forget them):
 * - query, params and body are each an object schema that refuses unknown
 *   properties; a route that declares no query gets one that accepts none,
 *   a POST that declares no body gets one that accepts only an empty object
 *   (or no body at all), and a route with `:params` must declare them;
 * - a route whose schema says `hide: true` is a plugin's own (the OpenAPI
 *   document and its UI) and is left as the plugin made it.
 */
export function installRouteRules(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    if (schema['hide'] === true) return;
    const methods = ([] as string[]).concat(route.method);
    const where = `route ${methods.join(',')} ${route.url}`;
    const next: Record<string, unknown> = { ...schema };
    next['querystring'] ??= NoFields;
    if (next['params'] === undefined) {
      if (route.url.includes(':') || route.url.includes('*')) throw new Error(`${where} has path parameters but no params schema`);
      next['params'] = NoFields;
    }
    const mutating = methods.some((m) => MUTATING_METHODS.includes(m));
    if (mutating && next['body'] === undefined) {
      next['body'] = NoFields;
      // A bare `curl -X POST` sends no body at all: that is the empty object the schema allows.
      // (Only no body at all: a JSON `null` is a malformed body and stays one.)
      const emptyBody = async (request: FastifyRequest) => {
        if (request.body === undefined) request.body = {};
      };
      const own = route.preValidation as unknown;
      route.preValidation = (own === undefined ? [emptyBody] : [...(Array.isArray(own) ? own : [own]), emptyBody]) as RouteOptions['preValidation'];
    }
    for (const part of ['querystring', 'params', ...(mutating ? ['body'] : [])] as SchemaPart[]) {
      const problem = strictnessProblem(next[part] as TSchema);
      if (problem) throw new Error(`${where}: ${part} schema ${problem}`);
    }
    route.schema = next;
  });
}

/** Why a part schema is not a closed object, or undefined when it is. */
function strictnessProblem(schema: TSchema | undefined): string | undefined {
  if (!schema || typeof schema !== 'object') return 'is missing';
  const s = schema as Record<string, unknown>;
  if (s['type'] !== 'object') return 'must be an object schema (Type.Object)';
  if (s['additionalProperties'] !== false) return 'must refuse unknown properties (additionalProperties: false)';
  return undefined;
}

/** Hooks that only routes which change something carry. */
export interface MutatingRouteHooks {
  preHandler?: preHandlerAsyncHookHandler;
  onSend?: onSendAsyncHookHandler;
}

/**
 * Attach hooks to every mutating route registered from now on, as route
 * hooks: reads (a status page polls every second) then run none of them. On
 * a route, they run after the instance's own hooks of the same kind, in the
 * order they were attached, and also for the answers the instance's hooks
 * send early (a 401 from auth still passes the route's onSend).
 */
export function onMutatingRoutes(app: FastifyInstance, hooks: MutatingRouteHooks): void {
  app.addHook('onRoute', (route) => {
    if (!([] as string[]).concat(route.method).some((m) => MUTATING_METHODS.includes(m))) return;
    const append = <T>(own: T | T[] | undefined, hook: T): T[] => (own === undefined ? [hook] : [...(Array.isArray(own) ? own : [own]), hook]);
    if (hooks.preHandler) route.preHandler = append(route.preHandler as unknown, hooks.preHandler) as RouteOptions['preHandler'];
    if (hooks.onSend) route.onSend = append(route.onSend as unknown, hooks.onSend) as RouteOptions['onSend'];
  });
}

/** Run `hook` before every mutating request's handler (after auth, validation and the idempotency check, which may answer first). */
export function installBeforeChange(app: FastifyInstance, hook: () => Promise<void>): void {
  onMutatingRoutes(app, {
    preHandler: async () => {
      await hook();
    },
  });
}
