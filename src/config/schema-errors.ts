import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import type { ConfigIssue } from './config-error.js';

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
  const errors = [...(Value.Errors(schema, value) as Iterable<SchemaError>)];
  const issues = new Map<string, string>();
  for (const error of withoutLosingBranches(schema, value, errors)) {
    for (const issue of toIssues(schema, error)) {
      if (!issues.has(issue.path)) issues.set(issue.path, issue.message);
    }
  }
  return [...issues].map(([path, message]) => ({ path, message }));
}

/**
 * A union reports an error per branch and then one for itself. Keep what
 * helps: when a branch is chosen by a discriminating literal (database
 * `engine`), that branch's errors alone; otherwise the union's own error,
 * which carries its `x-message` ("must be GET, HEAD or POST").
 */
function withoutLosingBranches(root: TSchema, value: unknown, errors: SchemaError[]): SchemaError[] {
  const dropped = new Set<SchemaError>();
  const unions = errors.filter((e) => e.keyword === 'anyOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (dropped.has(union)) continue;
    const branches = (schemaAt(root, union.schemaPath)?.['anyOf'] as Record<string, unknown>[] | undefined) ?? [];
    const chosen = chosenBranch(branches, valueAt(value, union.instancePath));
    const prefix = `${union.schemaPath}/anyOf/`;
    for (const error of errors) {
      if (!error.schemaPath.startsWith(prefix)) continue;
      const branch = Number(error.schemaPath.slice(prefix.length).split('/')[0]);
      if (branch !== chosen) dropped.add(error);
    }
    if (chosen !== undefined) dropped.add(union);
  }
  return errors.filter((e) => !dropped.has(e));
}

/** The branch whose discriminating literal (a `const` property every branch has) matches the value. */
function chosenBranch(branches: Record<string, unknown>[], value: unknown): number | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const props = branches.map((b) => (b['properties'] as Record<string, Record<string, unknown>> | undefined) ?? {});
  const key = Object.keys(props[0] ?? {}).find((k) => props.every((p) => p[k] && 'const' in p[k]!));
  if (!key) return undefined;
  const index = props.findIndex((p) => p[key]!['const'] === (value as Record<string, unknown>)[key]);
  return index >= 0 ? index : undefined;
}

function toIssues(root: TSchema, error: SchemaError): ConfigIssue[] {
  // "schema is false" duplicates the additionalProperties error of the parent.
  if (error.keyword === 'boolean') return [];
  const segments = pointerSegments(error.instancePath);
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params['additionalProperties'] as string[] | undefined) ?? [];
    return extra.map((field) => ({ path: formatPath([...segments, field]), message: 'is not a known field' + suggestion(root, error.schemaPath, field) }));
  }
  if (error.keyword === 'required') {
    const missing = (error.params['requiredProperties'] as string[] | undefined) ?? (error.params['missingProperty'] ? [String(error.params['missingProperty'])] : []);
    return missing.map((field) => ({ path: formatPath([...segments, field]), message: 'is required' }));
  }
  const schema = schemaAt(root, error.schemaPath);
  const custom = schema?.['x-message'];
  return [{ path: formatPath(segments), message: typeof custom === 'string' ? custom : error.message }];
}

function valueAt(value: unknown, pointer: string): unknown {
  let node = value;
  for (const segment of pointerSegments(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** "did you mean" for a misspelt field, from the properties the schema knows. */
function suggestion(root: TSchema, schemaPath: string, field: string | undefined): string {
  const schema = schemaAt(root, schemaPath);
  const known = Object.keys((schema?.['properties'] as object | undefined) ?? {});
  if (!field || known.length === 0) return '';
  const lower = field.toLowerCase();
  const close = known.find((k) => {
    const key = k.toLowerCase();
    return key === lower || levenshtein(key, lower) <= Math.max(2, Math.floor(key.length / 5)) || (lower.length >= 4 && (key.startsWith(lower) || lower.startsWith(key)));
  });
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
