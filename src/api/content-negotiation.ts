/**
 * Whether an Accept header prefers HTML to JSON: a browser's
 * (`text/html,…,*\/*;q=0.8`) does; curl's `*\/*`, a client asking for JSON,
 * and no header at all do not (JSON is the default). Each type gets the
 * quality of the most specific range that matches it; a tie goes to JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').flatMap((part) => {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    if (!range) return [];
    const q = params.map((p) => /^\s*q=(.*)$/.exec(p)?.[1]).find((v) => v !== undefined);
    // A malformed quality (q=abc) makes the range count for nothing rather than for everything.
    const quality = q === undefined ? 1 : q.trim() === '' ? Number.NaN : Number(q);
    return Number.isFinite(quality) ? [{ range: range.trim(), quality }] : [];
  });
  const quality = (type: string): number => {
    const [major] = type.split('/');
    const exact = ranges.find((r) => r.range === type);
    const group = ranges.find((r) => r.range === `${major}/*`);
    const any = ranges.find((r) => r.range === '*/*');
    return (exact ?? group ?? any)?.quality ?? 0;
  };
  return quality('text/html') > quality('application/json');
}
