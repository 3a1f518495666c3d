import type { Runbook, RunbookNode, StepDefinition, StepRole } from './step.js';

/** The rules of {@link lintRunbooks}. */
export type LintRule =
  /** An unplanned promotion must follow an RPO gate. */
  | 'rpo-gate-before-unplanned-promotion'
  /** An unplanned promotion must follow a fence of the old writer. */
  | 'fence-before-unplanned-promotion'
  /** A traffic step must follow every promotion and capacity step of its side. */
  | 'traffic-after-its-side'
  /** A step id names one step definition, in every runbook given. */
  | 'unique-step-ids';

/** One thing wrong with a runbook's plan: which runbook and step, the rule, and what to add or move. */
export interface LintFinding {
  runbook: string;
  stepId?: string;
  rule: LintRule;
  message: string;
}

/** A step where it sits in a runbook: the steps certain to have finished before it starts, and the child runbook it came from. */
interface Placed {
  step: StepDefinition;
  before: ReadonlySet<StepDefinition>;
  child?: string;
}

/**
 * Place every step of `node`, given the steps finished before it starts;
 * returns the steps finished once it has. A sequence's child follows its
 * earlier siblings; a parallel group's children follow only what preceded
 * the group, never each other.
 */
function place(
  node: RunbookNode,
  before: ReadonlySet<StepDefinition>,
  child: string | undefined,
  out: Placed[],
): ReadonlySet<StepDefinition> {
  if (node.kind === 'step') {
    out.push({ step: node.step, before, ...(child !== undefined ? { child } : {}) });
    return new Set([...before, node.step]);
  }
  if (node.kind === 'sequence') {
    const name = node.runbook ?? child;
    let done = before;
    for (const c of node.children) done = place(c, done, name, out);
    return done;
  }
  const after = new Set(before);
  for (const c of node.children) for (const s of place(c, before, child, out)) after.add(s);
  return after;
}

/** The steps of a runbook in execution order, each with what precedes it. */
function placeAll(book: Runbook): Placed[] {
  const out: Placed[] = [];
  place(book.root, new Set(), undefined, out);
  return out;
}

/** `"promote-db"`, or `"promote-db" (in child runbook "db")` */
function named(p: Placed): string {
  return `"${p.step.id}"${p.child ? ` (in child runbook "${p.child}")` : ''}`;
}

/** How `other` stands to `p`, neither preceding it: after it, or beside it. */
function relation(other: Placed, p: Placed): string {
  return other.before.has(p.step) ? 'runs after it' : 'runs in parallel with it';
}

const sideOf = (role: StepRole): 'from' | 'to' => role.side ?? 'to';

/** An unplanned promotion's guards: an RPO gate and a fence, each finished before it starts. */
function unguardedPromotions(book: Runbook, placed: Placed[]): LintFinding[] {
  const guards = [
    {
      kind: 'rpo-gate',
      rule: 'rpo-gate-before-unplanned-promotion',
      what: 'an RPO gate',
      add: 'an RPO gate (rpoGuard)',
      why: 'the data loss must be judged first',
    },
    {
      kind: 'fence',
      rule: 'fence-before-unplanned-promotion',
      what: 'a fence',
      add: 'a fence of the old writer (publishWriterEpoch, fenceOldWriter)',
      why: 'the old writer must take no write the new one lacks',
    },
  ] as const;
  const findings: LintFinding[] = [];
  for (const p of placed) {
    if (p.step.role?.kind !== 'promotion' || p.step.role.mode !== 'unplanned') continue;
    for (const guard of guards) {
      if ([...p.before].some((s) => s.role?.kind === guard.kind)) continue;
      const elsewhere = placed.filter((q) => q.step.role?.kind === guard.kind);
      const seen = elsewhere.length ? ` (${elsewhere.map((q) => `${named(q)} ${relation(q, p)}`).join('; ')}: that does not count)` : '';
      findings.push({
        runbook: book.name,
        stepId: p.step.id,
        rule: guard.rule,
        message:
          `unplanned promotion ${named(p)} is not preceded by ${guard.what}${seen}: ${guard.why}. ` +
          `Add ${guard.add} before "${p.step.id}", in sequence ahead of it (a step in a parallel branch beside it does not count).`,
      });
    }
  }
  return findings;
}

/** Traffic moves to a side only after every promotion and capacity step of that side has finished. */
function earlyTraffic(book: Runbook, placed: Placed[]): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const t of placed) {
    if (t.step.role?.kind !== 'traffic') continue;
    const side = sideOf(t.step.role);
    for (const q of placed) {
      const role = q.step.role;
      if (q === t || !role || (role.kind !== 'promotion' && role.kind !== 'capacity')) continue;
      if (sideOf(role) !== side || t.before.has(q.step)) continue;
      findings.push({
        runbook: book.name,
        stepId: t.step.id,
        rule: 'traffic-after-its-side',
        message:
          `traffic step ${named(t)} moves traffic to the '${side}' side, ` +
          `but ${role.kind} step ${named(q)} of that side ${relation(q, t)}: ` +
          `traffic could reach a region that cannot ${role.kind === 'promotion' ? 'write' : 'serve'} yet. ` +
          `Move "${q.step.id}" before "${t.step.id}", in sequence ahead of it.`,
      });
    }
  }
  return findings;
}

/**
 * Check runbooks' plans before they run (`failover validate`). Pure: reads
 * the trees and the steps' roles, calls nothing.
 *
 * - An unplanned promotion is preceded by an RPO gate and by a fence.
 * - A traffic step is preceded by every promotion and every capacity step of
 *   its side (`to` unless the role says otherwise) in its runbook.
 * - A step id is one step definition across all the runbooks given: the same
 *   id in two runbooks must be the very same definition (a child runbook
 *   shared by both); within one runbook an id appears once.
 *
 * "Preceded" means certain to have finished before the step starts: earlier
 * siblings in a sequence, and whatever precedes an enclosing node; steps in
 * parallel with it never count.
 */
export function lintRunbooks(books: Runbook[]): LintFinding[] {
  const findings: LintFinding[] = [];
  const first = new Map<string, { step: StepDefinition; runbook: string }>();
  for (const book of books) {
    const placed = placeAll(book);
    findings.push(...unguardedPromotions(book, placed), ...earlyTraffic(book, placed));
    const counted = new Set<string>();
    for (const p of placed) {
      const id = p.step.id;
      if (counted.has(id)) {
        findings.push({
          runbook: book.name,
          stepId: id,
          rule: 'unique-step-ids',
          message: `step id "${id}" appears more than once in runbook "${book.name}": it is the step's journal key; rename all but one.`,
        });
        continue;
      }
      counted.add(id);
      const prior = first.get(id);
      if (!prior) first.set(id, { step: p.step, runbook: book.name });
      else if (prior.step !== p.step) {
        findings.push({
          runbook: book.name,
          stepId: id,
          rule: 'unique-step-ids',
          message:
            `step id "${id}" of runbook "${book.name}" is also the id of a different step in runbook "${prior.runbook}": ` +
            'ids are journal keys and name one step. ' +
            'Rename one of them, or use the very same step in both (a shared child runbook, with childRunbook).',
        });
      }
    }
  }
  return findings;
}
