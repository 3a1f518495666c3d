/**
 * A small PromQL reader for the dashboard test: it parses the subset of
 * PromQL dashboards use (selectors, functions, aggregations, binary
 * operators with on/ignoring/group_left) and follows which labels each
 * sub-expression carries, so that it can say "unknown metric", "no such
 * label on this metric" and "by (x) over a vector without x". It is not a
 * validator of the whole language: a real Prometheus parses the same
 * queries in the e2e test (grafana-queries.ts).
 */

/** The metrics a query may use: name → its label names (a histogram's `_bucket`, `_sum`, `_count` each listed). */
export type KnownMetrics = ReadonlyMap<string, readonly string[]>;

/** Labels Prometheus adds to every scraped series. */
export const TARGET_LABELS = ['job', 'instance'];

type Token = { kind: 'ident' | 'number' | 'string' | 'duration' | 'op'; text: string };
type Value = { kind: 'scalar' | 'string' } | { kind: 'vector'; labels: Set<string> };

const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile']);
const SET_OPS = new Set(['and', 'or', 'unless']);
/** Binary operators by precedence, lowest first (PromQL's table; `^` is right-associative). */
const PRECEDENCE: [string, number][] = [
  ['or', 1], ['and', 2], ['unless', 2],
  ['==', 3], ['!=', 3], ['<=', 3], ['<', 3], ['>=', 3], ['>', 3],
  ['+', 4], ['-', 4], ['*', 5], ['/', 5], ['%', 5], ['atan2', 5], ['^', 6],
];
const PRECEDENCE_OF = new Map(PRECEDENCE);
/** Functions whose result has no labels, or none of its argument's. */
const SCALAR_FUNCTIONS = new Set(['scalar', 'time', 'pi', 'minute', 'hour', 'day_of_month', 'day_of_week', 'days_in_month', 'month', 'year']);

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  // Space or a comment, then one of: a range, a string, a number, a name, an operator.
  const strings = /"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`/.source;
  const pattern = new RegExp(
    `\\s+|#[^\\n]*|(\\[[^\\]]*\\])|(${strings})|(\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?|\\.\\d+)|([a-zA-Z_:][a-zA-Z0-9_:]*)|(=~|!~|==|!=|<=|>=|[-+*/%^<>=(){},@])`,
    'gy',
  );
  let match: RegExpExecArray | null;
  let at = 0;
  while (at < expr.length) {
    pattern.lastIndex = at;
    match = pattern.exec(expr);
    if (!match) throw new Error(`cannot read "${expr.slice(at, at + 20)}"`);
    at = pattern.lastIndex;
    const [, duration, string, number, ident, op] = match;
    if (duration !== undefined) tokens.push({ kind: 'duration', text: duration });
    else if (string !== undefined) tokens.push({ kind: 'string', text: string.slice(1, -1) });
    else if (number !== undefined) tokens.push({ kind: 'number', text: number });
    else if (ident !== undefined) tokens.push({ kind: 'ident', text: ident });
    else if (op !== undefined) tokens.push({ kind: 'op', text: op });
  }
  return tokens;
}

/**
 * What is wrong with `expr` against `known`: unknown metrics, matchers or
 * groupings on labels the series do not have, a histogram_quantile over a
 * vector without `le`, one-to-one matches between vectors whose labels
 * differ (always empty). Empty when nothing is.
 */
export function checkPromql(expr: string, known: KnownMetrics): string[] {
  const problems: string[] = [];
  let tokens: Token[];
  try {
    tokens = tokenize(expr);
  } catch (err) {
    return [String(err)];
  }
  let i = 0;
  const peek = (offset = 0) => tokens[i + offset];
  const isOp = (text: string, offset = 0) => peek(offset)?.kind === 'op' && peek(offset)?.text === text;
  const expect = (text: string) => {
    if (!isOp(text)) throw new Error(`expected "${text}" at token ${i} (${peek()?.text ?? 'end'})`);
    i++;
  };
  const labelList = (): string[] => {
    expect('(');
    const labels: string[] = [];
    while (!isOp(')')) {
      const token = tokens[i++];
      if (token?.kind !== 'ident') throw new Error(`expected a label name, got ${token?.text ?? 'end'}`);
      labels.push(token.text);
      if (isOp(',')) i++;
    }
    expect(')');
    return labels;
  };
  const vectorLabels = (value: Value, what: string): Set<string> => {
    if (value.kind === 'vector') return value.labels;
    problems.push(`${what}: expected a vector, got a ${value.kind}`);
    return new Set();
  };
  const missing = (labels: Iterable<string>, have: Set<string>, where: string) => {
    const list = [...have].sort().join(', ') || 'none';
    for (const label of labels) if (!have.has(label)) problems.push(`${where}: label "${label}" is not on the series (they have ${list})`);
  };

  const selector = (name: string): Value => {
    const labels = known.get(name);
    if (!labels) problems.push(`unknown metric "${name}"`);
    const have = new Set([...(labels ?? []), ...TARGET_LABELS]);
    if (isOp('{')) {
      i++;
      while (!isOp('}')) {
        const label = tokens[i++];
        const op = tokens[i++];
        const value = tokens[i++];
        if (label?.kind !== 'ident' || op?.kind !== 'op' || value?.kind !== 'string') throw new Error(`bad matcher in ${name}{…}`);
        if (labels) missing([label.text], have, `${name}{${label.text}${op.text}"${value.text}"}`);
        if (isOp(',')) i++;
      }
      expect('}');
    }
    return { kind: 'vector', labels: have };
  };

  const call = (name: string): Value => {
    if (AGGREGATIONS.has(name)) {
      let grouping: { by: boolean; labels: string[] } | undefined;
      const groupingClause = () => {
        const word = peek()?.text;
        if (peek()?.kind === 'ident' && (word === 'by' || word === 'without')) {
          i++;
          grouping = { by: word === 'by', labels: labelList() };
        }
      };
      groupingClause();
      expect('(');
      const args = [expression(0)];
      while (isOp(',')) {
        i++;
        args.push(expression(0));
      }
      expect(')');
      groupingClause();
      const input = vectorLabels(args.at(-1)!, name);
      const extra = name === 'count_values' && args[0]?.kind === 'string' ? new Set(['(count_values label)']) : new Set<string>();
      if (!grouping) return { kind: 'vector', labels: name === 'topk' || name === 'bottomk' ? input : extra };
      missing(grouping.labels, input, `${name} ${grouping.by ? 'by' : 'without'} (${grouping.labels.join(', ')})`);
      if (name === 'topk' || name === 'bottomk') return { kind: 'vector', labels: input };
      const out = grouping.by ? new Set(grouping.labels) : new Set([...input].filter((l) => !grouping!.labels.includes(l)));
      return { kind: 'vector', labels: out };
    }
    expect('(');
    const args: Value[] = [];
    const rawArgs: Token[] = [];
    while (!isOp(')')) {
      rawArgs.push(peek()!);
      args.push(expression(0));
      if (isOp(',')) i++;
    }
    expect(')');
    if (SCALAR_FUNCTIONS.has(name)) return { kind: 'scalar' };
    if (name === 'vector') return { kind: 'vector', labels: new Set() };
    if (name === 'absent' || name === 'absent_over_time') return { kind: 'vector', labels: new Set() };
    if (name === 'histogram_quantile') {
      const input = vectorLabels(args[1] ?? { kind: 'scalar' }, name);
      if (!input.has('le')) problems.push(`histogram_quantile: its vector has no "le" label (keep le in the by clause, and use a _bucket series)`);
      return { kind: 'vector', labels: new Set([...input].filter((l) => l !== 'le')) };
    }
    const vector = args.find((a) => a.kind === 'vector');
    const labels = new Set(vector?.kind === 'vector' ? vector.labels : []);
    if (name === 'label_replace' && rawArgs[1]?.kind === 'string') {
      if (rawArgs[3]?.kind === 'string' && rawArgs[3].text !== '') missing([rawArgs[3].text], labels, `label_replace source`);
      labels.add(rawArgs[1].text);
    }
    if (name === 'label_join' && rawArgs[1]?.kind === 'string') labels.add(rawArgs[1].text);
    return vector ? { kind: 'vector', labels } : { kind: 'scalar' };
  };

  const primary = (): Value => {
    const token = tokens[i++];
    if (!token) throw new Error('unexpected end of the expression');
    let value: Value;
    if (token.kind === 'number') value = { kind: 'scalar' };
    else if (token.kind === 'string') value = { kind: 'string' };
    else if (token.kind === 'op' && token.text === '(') {
      value = expression(0);
      expect(')');
    } else if (token.kind === 'op' && (token.text === '-' || token.text === '+')) value = primary();
    else if (token.kind === 'op' && token.text === '{') throw new Error('a selector without a metric name cannot be checked');
    else if (token.kind === 'ident') value = isOp('(') || (AGGREGATIONS.has(token.text) && peek()?.kind === 'ident') ? call(token.text) : selector(token.text);
    else throw new Error(`unexpected "${token.text}"`);
    // A range ([5m]), a subquery ([1h:1m]), an offset or an @ modifier: the labels stay.
    for (;;) {
      if (peek()?.kind === 'duration') i++;
      else if (peek()?.kind === 'ident' && peek()?.text === 'offset') {
        // offset 5m reads as a number and a unit; offset -1h as a sign first.
        i += isOp('-', 1) ? 2 : 1;
        while (peek()?.kind === 'number' || (peek()?.kind === 'ident' && /^(ms|s|m|h|d|w|y)/.test(peek()!.text) && tokens[i - 1]?.kind === 'number')) i++;
      } else if (isOp('@')) i += isOp('(', 2) ? 4 : 2;
      else return value;
    }
  };

  const binaryOperator = (): { text: string; precedence: number } | undefined => {
    const token = peek();
    if (!token || (token.kind !== 'op' && token.kind !== 'ident')) return undefined;
    const precedence = PRECEDENCE_OF.get(token.text);
    return precedence === undefined ? undefined : { text: token.text, precedence };
  };

  /** Precedence climbing: an operator binds its right side up to operators of higher precedence (equal too for `^`). */
  const expression = (minPrecedence: number): Value => {
    let left = primary();
    for (;;) {
      const op = binaryOperator();
      if (!op || op.precedence < minPrecedence) return left;
      i++;
      if (peek()?.kind === 'ident' && peek()?.text === 'bool') i++;
      let matching: { on: boolean; labels: string[] } | undefined;
      let group: { side: 'left' | 'right'; labels: string[] } | undefined;
      if (peek()?.kind === 'ident' && (peek()?.text === 'on' || peek()?.text === 'ignoring')) {
        const on = tokens[i++]!.text === 'on';
        matching = { on, labels: labelList() };
      }
      if (peek()?.kind === 'ident' && (peek()?.text === 'group_left' || peek()?.text === 'group_right')) {
        const side = tokens[i++]!.text === 'group_left' ? 'left' : 'right';
        group = { side, labels: isOp('(') ? labelList() : [] };
      }
      const right = expression(op.text === '^' ? op.precedence : op.precedence + 1);
      left = combine(op.text, left, right, matching, group);
    }
  };

  type Matching = { on: boolean; labels: string[] };
  type Group = { side: 'left' | 'right'; labels: string[] };
  const combine = (op: string, left: Value, right: Value, matching?: Matching, group?: Group): Value => {
    if (left.kind !== 'vector' || right.kind !== 'vector') return left.kind === 'vector' ? left : right;
    const where = `"${op}"${matching ? ` ${matching.on ? 'on' : 'ignoring'} (${matching.labels.join(', ')})` : ''}`;
    if (SET_OPS.has(op)) {
      if (matching?.on) {
        missing(matching.labels, left.labels, `${where}, left side`);
        missing(matching.labels, right.labels, `${where}, right side`);
      }
      return { kind: 'vector', labels: op === 'or' ? new Set([...left.labels, ...right.labels]) : left.labels };
    }
    if (matching?.on) {
      missing(matching.labels, left.labels, `${where}, left side`);
      missing(matching.labels, right.labels, `${where}, right side`);
    } else {
      // One-to-one on every label (less the ignored ones): both sides must carry the same labels, or nothing ever matches.
      const ignored = new Set(matching?.labels ?? []);
      const l = [...left.labels].filter((x) => !ignored.has(x)).sort();
      const r = [...right.labels].filter((x) => !ignored.has(x)).sort();
      const differ = `${where}: the sides have different labels (${l.join(', ') || 'none'} vs ${r.join(', ') || 'none'}), so no series match`;
      if (!group && l.join(',') !== r.join(',')) problems.push(differ);
    }
    if (group) {
      const one = group.side === 'left' ? right : left;
      missing(group.labels, one.labels, `group_${group.side} (${group.labels.join(', ')})`);
      const many = group.side === 'left' ? left : right;
      return { kind: 'vector', labels: new Set([...many.labels, ...group.labels]) };
    }
    return left;
  };

  try {
    expression(0);
    if (i < tokens.length) problems.push(`unexpected "${tokens[i]!.text}" after the expression`);
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  }
  return problems;
}
