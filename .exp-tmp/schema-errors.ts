import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import type { ConfigIssue } from '../src/config/config-error.js';

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/**
 * Validate `value` against a TypeBox schema and return every problem as a
 * `path: message` issue, one per field, in document order.
 */
export function schemaIssues(schema: TSchema, value: unknown): ConfigIssue[] {
  const issues = new Map<string, string>();
  const errors = [...(Value.Errors(schema, value) as Iterable<SchemaError>)];
  // Unions with their own message: report that message once, drop the per-branch noise.
  const unions = errors.filter((e) => e.keyword === 'anyOf' && typeof schemaAt(schema, e.schemaPath)?.['x-message'] === 'string').map((e) => e.schemaPath + '/anyOf/');
  for (const error of errors) {
    if (unions.some((u) => error.schemaPath.startsWith(u))) continue;
    for (const issue of toIssues(schema, error)) if (!issues.has(issue.path)) issues.set(issue.path, issue.message);
  }
  return [...issues].map(([path, message]) => ({ path, message }));
}

function toIssues(root: TSchema, error: SchemaError): ConfigIssue[] {
  // "schema is false" duplicates the additionalProperties error of the parent.
  if (error.keyword === 'boolean') return [];
  const segments = pointerSegments(error.instancePath);
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params['additionalProperties'] as string[] | undefined) ?? [];
    return extra.map((f) => ({ path: formatPath([...segments, f]), message: 'is not a known field' + suggestion(root, error.schemaPath, f) }));
  }
  if (error.keyword === 'required') {
    const missing = (error.params['requiredProperties'] as string[] | undefined) ?? (error.params['missingProperty'] ? [String(error.params['missingProperty'])] : []);
    return missing.map((f) => ({ path: formatPath([...segments, f]), message: 'is required' }));
  }
  const schema = schemaAt(root, error.schemaPath);
  const custom = schema?.['x-message'];
  return [{ path: formatPath(segments), message: typeof custom === 'string' ? custom : error.message }];
}

/** "did you mean" for a misspelt field, from the properties the schema knows. */
function suggestion(root: TSchema, schemaPath: string, field: string | undefined): string {
  const schema = schemaAt(root, schemaPath);
  const known = Object.keys((schema?.['properties'] as object | undefined) ?? {});
  if (!field || known.length === 0) return '';
  const close = known.find((k) => k.toLowerCase() === field.toLowerCase() || levenshtein(k, field) <= Math.max(2, Math.floor(k.length / 4)));
  return close ? ` (did you mean ${close}?)` : ` (known fields: ${known.join(', ')})`;
}

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `['applications', '0', 'name']` → `applications[0].name`. */
export function formatPath(segments: string[]): string {
  let out = '';
  for (const s of segments) out += /^\d+$/.test(s) ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

function schemaAt(root: TSchema, schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const segment of pointerSegments(schemaPath.replace(/^#/, ''))) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
