import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';

/** An integer as a query or path value: decimal digits and nothing else (at most 15, exact as a JavaScript number). */
const DECIMAL_INTEGER = /^-?[0-9]{1,15}$/;

/**
 * The validator of every route: TypeBox's (@fastify/type-provider-typebox),
 * which leaves bodies as they are and converts query and path values to the
 * schema's types, with one rule added. That conversion takes whatever
 * `Number()` takes and then truncates, so `?limit=1.5` became 1, `0x10` 16
 * and `1e1` 10: a typo quietly changed the request. Here a query or path
 * value for an integer field must be plain decimal digits first; anything
 * else is refused before it is converted, and the error handler names the
 * field with the schema's own message.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const validate = TypeBoxValidatorCompiler(route);
  if (route.httpPart !== 'querystring' && route.httpPart !== 'params') return validate;
  const integers = integerFields(route.schema);
  if (integers.length === 0) return validate;
  return (value: unknown) => {
    const fields = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    const loose = integers.filter((name) => typeof fields[name] === 'string' && !DECIMAL_INTEGER.test(fields[name]));
    if (loose.length === 0) return validate(value);
    const error: FastifySchemaValidationError[] = loose.map((name) => ({
      keyword: 'type',
      instancePath: `/${name}`,
      schemaPath: `#/properties/${name}/type`,
      params: { type: 'integer' },
      message: 'must be an integer in decimal digits',
    }));
    return { error };
  };
};

/** The properties of an object schema that are integers. */
function integerFields(schema: TSchema): string[] {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  return Object.keys(properties).filter((name) => properties[name]?.type === 'integer');
}
