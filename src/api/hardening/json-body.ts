import type { FastifyInstance } from 'fastify';
import { UserInputError } from '../../errors/errors.js';

/**
 * Fastify's own JSON body parser (secure-json-parse, refusing `__proto__`
 * and `constructor.prototype` keys), with a clear answer when that is why a
 * body was refused: the parser says only "Body is not valid JSON", which
 * sends the caller looking for a syntax error that is not there.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (err, value) => {
      if (!err) return done(null, value);
      const key = prototypeKey(body as string);
      done(key ? new UserInputError(`body: the key ${key} is not allowed in a request body (it could change the prototype of objects); leave it out`) : err);
    });
  });
}

/**
 * The key that made secure-json-parse refuse a body, when the body is
 * otherwise valid JSON. Only read after that refusal: JSON.parse itself
 * makes `__proto__` a plain own property (it never sets a prototype), so
 * looking at what it built pollutes nothing; the parsed value is dropped.
 */
function prototypeKey(body: string): '__proto__' | 'constructor.prototype' | undefined {
  let found: '__proto__' | 'constructor.prototype' | undefined;
  try {
    JSON.parse(body, (key, value: unknown) => {
      if (key === '__proto__') found ??= '__proto__';
      else if (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')) found ??= 'constructor.prototype';
      return value;
    });
  } catch {
    return undefined;
  }
  return found;
}
