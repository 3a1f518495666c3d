/**
 * The PromQL of a Grafana dashboard (deploy/grafana/failover-controller.json),
 * ready to send to a real Prometheus: every panel's targets, with Grafana's
 * template variables replaced by concrete values.
 */

/** One query of a panel, as Prometheus would receive it. */
export interface PanelQuery {
  /** The panel's title. */
  panel: string;
  /** The target's refId (A, B, …). */
  refId: string;
  /** The expression with every variable substituted. */
  expr: string;
  /** The expression as written in the dashboard. */
  raw: string;
}

/** What the interval variables stand for: Grafana computes them from the scrape interval and the time range. */
export const INTERVAL_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '1m',
  __range: '1h',
};

interface Panel {
  title?: string;
  panels?: Panel[];
  targets?: { refId?: string; expr?: unknown }[];
}

interface Variable {
  name: string;
  type: string;
  allValue?: string;
}

/**
 * Every panel query of `dashboard` (the parsed JSON model), rows' nested
 * panels included. `$app` and any other query or custom variable becomes its
 * "All" value (`allValue`, else `.*`: the dashboard matches it with `=~`),
 * `$__rate_interval` and `$__interval` become `1m`, `$__range` `1h`.
 * Throws on a variable the dashboard does not define, so that a query is
 * never sent with a `$name` left in it.
 */
export function grafanaQueries(dashboard: unknown): PanelQuery[] {
  const model = dashboard as { panels?: Panel[]; templating?: { list?: Variable[] } };
  const values: Record<string, string> = { ...INTERVAL_VALUES };
  for (const variable of model.templating?.list ?? []) {
    if (variable.type === 'query' || variable.type === 'custom') values[variable.name] = variable.allValue ?? '.*';
  }
  const queries: PanelQuery[] = [];
  const visit = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr !== 'string' || target.expr.trim() === '') continue;
        const title = panel.title ?? '(untitled)';
        queries.push({ panel: title, refId: target.refId ?? '', raw: target.expr, expr: substitute(target.expr, values, title) });
      }
      visit(panel.panels ?? []);
    }
  };
  visit(model.panels ?? []);
  return queries;
}

/** Replace `$name`, `${name}`, `${name:format}` and `[[name]]` with their values. */
function substitute(expr: string, values: Record<string, string>, panel: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, braced?: string, bracketed?: string, bare?: string) => {
    const name = (braced ?? bracketed ?? bare)!;
    const value = values[name];
    if (value === undefined) throw new Error(`panel "${panel}": ${whole} is not a variable of the dashboard (known: ${Object.keys(values).join(', ')})`);
    return value;
  });
}
