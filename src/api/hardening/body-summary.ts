/** Keys whose values never go into the audit log. */
const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|session|credential|api[-_]?key/i;

const MAX_STRING = 200;
const MAX_KEYS = 20;
const MAX_ITEMS = 10;
const MAX_DEPTH = 4;
const MAX_SUMMARY = 2_000;

/**
 * A short, safe rendering of a request body for the audit log: values of
 * secret-looking keys replaced, long strings, arrays and objects cut, deep
 * nesting elided, at most 2,000 characters. Hostile bodies (huge, deep,
 * full of control characters) are summarised, never stored whole.
 */
export function summarizeBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  const text = JSON.stringify(shrink(body, 0)) ?? String(body);
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text;
}

function shrink(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[…]' : '{…}';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => shrink(v, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `…(${value.length} items)`] : items;
  }
  // Null prototype: a `__proto__` key in the body stays a plain key here.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const keys = Object.keys(value);
  for (const key of keys.slice(0, MAX_KEYS)) out[key] = SECRET_KEY.test(key) ? '[redacted]' : shrink((value as Record<string, unknown>)[key], depth + 1);
  if (keys.length > MAX_KEYS) out['…'] = `${keys.length} keys`;
  return out;
}
