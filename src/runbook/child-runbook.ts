import type { Runbook, RunbookNode } from './step.js';

/**
 * Include a whole runbook as one node of another: a sequence named after
 * it, holding its tree. Its steps run as the parent's (their ids are journal
 * keys of the parent's runs too, so they must not clash with the parent's
 * own), and the tree and the plan lint show where they came from. The same
 * child may be included in several runbooks: its steps are then the very
 * same definitions, which the lint allows.
 */
export function childRunbook(book: Runbook): RunbookNode {
  return { kind: 'sequence', runbook: book.name, children: [book.root] };
}
