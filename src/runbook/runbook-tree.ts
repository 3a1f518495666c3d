import type { Runbook, RunbookNode } from './step.js';

/** A runbook's shape as data, for `failover validate --json` and the API. */
export type TreeNode =
  | { kind: 'step'; id: string; title: string; role?: string; compensates: boolean; approval: boolean }
  | { kind: 'sequence' | 'parallel'; runbook?: string; children: TreeNode[] };

/** The tree of `node`. */
export function treeOf(node: RunbookNode): TreeNode {
  if (node.kind === 'step') {
    const { id, title, role, compensate, approval } = node.step;
    const roleText = role ? [role.kind, role.mode, role.side].filter(Boolean).join(' ') : undefined;
    return { kind: 'step', id, title, ...(roleText ? { role: roleText } : {}), compensates: compensate !== undefined, approval: approval !== undefined };
  }
  return { kind: node.kind, ...(node.kind === 'sequence' && node.runbook ? { runbook: node.runbook } : {}), children: node.children.map(treeOf) };
}

/**
 * The runbook as indented lines, the way `failover validate` shows it:
 *
 *     shop-failover: Fail the shop over
 *       in sequence:
 *         side by side:
 *           - check-data-loss-within-rpo: Check the data loss … [rpo-gate to]
 */
export function treeLines(book: Runbook): string[] {
  return [`${book.name}: ${book.title}`, ...nodeLines(treeOf(book.root), 1)];
}

function nodeLines(node: TreeNode, depth: number): string[] {
  const pad = '  '.repeat(depth);
  if (node.kind === 'step') {
    const marks = [node.role, node.approval ? 'approval' : undefined, node.compensates ? 'undoable' : undefined].filter(Boolean);
    return [`${pad}- ${node.id}: ${node.title}${marks.length > 0 ? ` [${marks.join(', ')}]` : ''}`];
  }
  const head = node.runbook ? `runbook ${node.runbook}:` : node.kind === 'parallel' ? 'side by side:' : 'in sequence:';
  return [`${pad}${head}`, ...node.children.flatMap((child) => nodeLines(child, depth + 1))];
}
