import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import { schemaIssues } from '../config/schema-errors.js';
import { ConflictError, ForbiddenError, NotFoundError, RunInProgressError, TransientError, UserInputError } from '../errors/errors.js';

type Part = 'body' | 'querystring' | 'params' | 'headers';

/**
 * Map errors to answers: a user's mistake is a 4xx that names the field;
 * only our own faults are 500s, and those never show internals.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err.validation) {
      const part = (err.validationContext ?? 'body') as Part;
      return reply.code(400).send({ error: 'Bad Request', message: validationMessage(request, part, err) });
    }
    if (err instanceof RunInProgressError) {
      return reply.code(409).send({ error: 'Conflict', message: err.message, runId: err.runId });
    }
    if (err instanceof ConflictError) return reply.code(409).send({ error: 'Conflict', message: err.message });
    if (err instanceof ForbiddenError) return reply.code(403).send({ error: 'Forbidden', message: err.message, rule: err.rule });
    if (err instanceof NotFoundError) return reply.code(404).send({ error: 'Not Found', message: err.message });
    if (err instanceof UserInputError) return reply.code(400).send({ error: 'Bad Request', message: err.message });
    // The cloud did not answer in time (a region in trouble): say so, and that a retry may do.
    if (err instanceof TransientError) return reply.code(503).send({ error: 'Service Unavailable', message: `${err.message}; try again shortly` });
    // Fastify's own client errors: bad JSON, wrong content type, body too large.
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: httpName(err.statusCode), message: err.message });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'Internal Server Error', message: 'internal error; the controller log has the details' });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'Not Found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
}

/**
 * Re-validate with the route's schema to name every bad field the way config
 * errors do, under the part of the request it is in, as the OpenAPI document
 * and Fastify call them (`body.to`, `querystring.limit`, `params.id`).
 */
function validationMessage(request: FastifyRequest, part: Part, err: FastifyError): string {
  const schema = (request.routeOptions.schema as Record<string, TSchema | undefined> | undefined)?.[part];
  const value = part === 'querystring' ? request.query : (request as unknown as Record<string, unknown>)[part];
  const issues = schema ? schemaIssues(schema, value ?? {}) : [];
  if (issues.length === 0) return `${part}: ${err.message}`;
  return issues.map((i) => `${part}${i.path ? `.${i.path}` : ''}: ${i.message}`).join('; ');
}

function httpName(code: number): string {
  const names: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests' };
  return names[code] ?? 'Client Error';
}
