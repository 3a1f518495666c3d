/**
 * Malformed and hostile request bodies, generated from a route's body
 * schema (as the OpenAPI document shows it), for the security suite. Every
 * body generated here is invalid for its route: none may be answered with
 * anything but a 4xx.
 */

/** One request body: the raw text and its content type. */
export interface HostileBody {
  label: string;
  contentType: string;
  payload: string;
}

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  const?: unknown;
  maxLength?: number;
  pattern?: string;
}

const JSON_TYPE = 'application/json';

/** A value each known property name accepts (the application and regions of the harness). */
const VALID: Record<string, unknown> = { to: 'eu-west-1', reason: 'security suite', by: 'tester', app: 'shop', comment: 'c', token: 'not-a-token', mode: undefined };

/** The smallest body the schema accepts: its required properties with a valid value each. */
export function validTemplate(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of schema.required ?? []) out[name] = sampleValue(name, schema.properties?.[name] ?? {});
  return out;
}

function sampleValue(name: string, schema: JsonSchema): unknown {
  const literal = schema.const ?? schema.anyOf?.find((b) => b.const !== undefined)?.const;
  if (literal !== undefined) return literal;
  if (VALID[name] !== undefined) return VALID[name];
  if (schema.type === 'boolean') return false;
  if (schema.type === 'integer' || schema.type === 'number') return 1;
  return 'x';
}

/** Values of a type the property does not have. */
function wrongTypes(schema: JsonSchema): unknown[] {
  const types = new Set([schema.type, ...(schema.anyOf ?? []).map((b) => b.type ?? typeof b.const)].filter(Boolean));
  const candidates: [string, unknown][] = [
    ['string', 'surprise'],
    ['number', 42],
    ['integer', -1],
    ['boolean', true],
    ['null', null],
    ['array', ['eu-west-1']],
    ['object', { nested: 'eu-west-1' }],
  ];
  // A union of literals is satisfied only by those literals: any other string is a wrong value too.
  return candidates.filter(([t]) => !types.has(t) && !(t === 'integer' && types.has('number'))).map(([, v]) => v);
}

const CONTROL = ['\u0000', '\u0007', '\u001b[31m', '\u202e', '\u2066', '\u007f'];

/** Bodies that are wrong whatever the route: not JSON, not an object, wrong content types, prototype keys, depth, size. */
export function genericHostileBodies(template: Record<string, unknown>): HostileBody[] {
  const json = (label: string, payload: string): HostileBody => ({ label, contentType: JSON_TYPE, payload });
  const base = JSON.stringify(template).slice(1, -1);
  const withBase = (extra: string) => `{${base}${base ? ',' : ''}${extra}}`;
  const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
  const deepArray = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
  return [
    json('truncated JSON', '{"to":'),
    json('a lone brace', '{'),
    json('trailing garbage', `${JSON.stringify(template)}xyz`),
    json('single quotes', "{'to':'eu-west-1'}"),
    json('JSON null', 'null'),
    json('JSON true', 'true'),
    json('a number', '12345'),
    json('a string', '"eu-west-1"'),
    json('an empty array', '[]'),
    json('an array of the valid body', `[${JSON.stringify(template)}]`),
    json('NaN', '{"to": NaN}'),
    json('a comment', `/* hi */ ${JSON.stringify(template)}`),
    json('__proto__ at the top', withBase('"__proto__":{"polluted":"yes"}')),
    json('__proto__ nested', withBase('"x":{"y":{"__proto__":{"polluted":"yes"}}}')),
    json('__proto__ in an array', withBase('"x":[{"__proto__":{"polluted":"yes"}}]')),
    json('constructor.prototype at the top', withBase('"constructor":{"prototype":{"polluted":"yes"}}')),
    json('constructor.prototype nested', withBase('"x":{"constructor":{"prototype":{"polluted":"yes"}}}')),
    json('prototype key', withBase('"prototype":{"polluted":"yes"}')),
    json('an unknown field', withBase('"forceful":true')),
    json('an unknown nested object', withBase('"extra":{"a":{"b":{"c":1}}}')),
    json('a duplicate-looking field in another case', withBase('"TO":"eu-west-1"')),
    json('deeply nested objects (fits the limit)', deep(2_000)),
    json('deeply nested objects (over the limit)', deep(4_000)),
    json('deeply nested arrays', deepArray(5_000)),
    json('a body over 16 KB', withBase(`"padding":"${'x'.repeat(20_000)}"`)),
    json('an empty body with a JSON content type', ''),
    json('a UTF-8 BOM', `\ufeff${JSON.stringify({ ...template, extra: 1 })}`),
    json('invalid UTF-8 escapes', '{"to":"\\ud800"}'),
    { label: 'text/plain', contentType: 'text/plain', payload: 'eu-west-1' },
    { label: 'text/plain JSON', contentType: 'text/plain', payload: JSON.stringify({ ...template, extra: 1 }) },
    { label: 'an XML body', contentType: 'application/xml', payload: '<failover><to>eu-west-1</to></failover>' },
    { label: 'a form with an unknown field', contentType: 'application/x-www-form-urlencoded', payload: 'to=eu-west-1&reason=x&forceful=1' },
    { label: 'multipart', contentType: 'multipart/form-data; boundary=x', payload: '--x\r\nContent-Disposition: form-data; name="to"\r\n\r\neu-west-1\r\n--x--' },
    { label: 'an unknown content type', contentType: 'application/x-evil', payload: JSON.stringify(template) },
    { label: 'JSON declared as another charset', contentType: 'application/json; charset=utf-7', payload: '+AHsAfQ-' },
  ];
}

/** Bodies wrong in one property at a time, from the route's schema. */
export function schemaHostileBodies(schema: JsonSchema): HostileBody[] {
  const template = validTemplate(schema);
  const bodies: HostileBody[] = [];
  const add = (label: string, body: unknown) => bodies.push({ label, contentType: JSON_TYPE, payload: JSON.stringify(body) });
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    for (const value of wrongTypes(property)) add(`${name}: ${JSON.stringify(value)}`, { ...template, [name]: value });
    if (property.type === 'string' || property.anyOf) {
      if (property.maxLength !== undefined) add(`${name}: a string over maxLength`, { ...template, [name]: 'y'.repeat(property.maxLength + 1) });
      add(`${name}: a huge string`, { ...template, [name]: 'z'.repeat(15_000) });
      for (const c of CONTROL) add(`${name}: control character ${JSON.stringify(c)}`, { ...template, [name]: `a${c}b` });
    }
    if (name === 'to' || name === 'region') add(`${name}: an unknown region`, { ...template, [name]: 'mars-north-1' });
    if (name === 'app') add(`${name}: an unknown application`, { ...template, [name]: 'nope' });
  }
  for (const name of schema.required ?? []) {
    const { [name]: _dropped, ...rest } = template;
    add(`without ${name}`, rest);
  }
  add('the valid body plus an unknown field', { ...template, unexpected: 'x' });
  add('an empty object plus an unknown field', { unexpected: 'x' });
  return bodies;
}
