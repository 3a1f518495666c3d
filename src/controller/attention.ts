/**
 * Something on-call must see about one application, in the order they
 * should act on it: the application is down, an operator is needed, the
 * world drifted from what the controller believes, a readiness check fails,
 * a drill is in progress. The status page shows each as a banner and the CLI
 * as a block; both show `commands`, the next thing to run.
 */
export interface AttentionItem {
  /** What kind of thing it is; the page styles each kind its own way. */
  kind: 'down' | 'operator' | 'drift' | 'readiness' | 'drill';
  /** `critical` pages, `warning` needs a look today, `info` is for awareness (a drill). */
  severity: 'critical' | 'warning' | 'info';
  /** One line: what is wrong (or going on). */
  title: string;
  /** The evidence, one sentence each. */
  details: string[];
  /** The exact commands that settle it, in the order to run them. */
  commands: string[];
  /** A page with more (a drill's report). */
  link?: { href: string; text: string };
}

const ORDER: Record<AttentionItem['kind'], number> = { down: 0, operator: 1, drift: 2, readiness: 3, drill: 4 };
const SEVERITY: Record<AttentionItem['severity'], number> = { critical: 0, warning: 1, info: 2 };

/** Most urgent first: by severity, then by kind. */
export function byUrgency(items: AttentionItem[]): AttentionItem[] {
  return [...items].sort((a, b) => SEVERITY[a.severity] - SEVERITY[b.severity] || ORDER[a.kind] - ORDER[b.kind]);
}
