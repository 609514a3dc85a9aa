/*
 * What Grafana's InfluxDB data source does to a raw InfluxQL query before sending it: the time
 * range and interval macros, and the dashboard's variables. Only the forms our dashboards may use
 * are known; any other `$name`, `${name}` or `[[name]]` throws, so a typo in a macro fails the
 * test instead of reaching InfluxDB as text.
 */

/** The values to put in a query, as a dashboard viewed over [from, to] would. */
export interface MacroValues {
  /** Milliseconds since the epoch. */
  readonly from: number;
  readonly to: number;
  /** What `$__interval` becomes, e.g. `5m` (Grafana derives it from the range and the width). */
  readonly interval: string;
  /** Each variable's selected values; several are formatted as a regex alternation. */
  readonly variables: Readonly<Record<string, readonly string[]>>;
}

const MACRO = /\$\{(\w+)\}|\[\[(\w+)\]\]|\$(\w+)/g;

/** The query as InfluxDB receives it. Throws on an unknown macro or variable. */
export function interpolate(query: string, values: MacroValues): string {
  return query.replace(MACRO, (text, braced?: string, bracketed?: string, bare?: string) => {
    const name = braced ?? bracketed ?? bare ?? '';
    switch (name) {
      case 'timeFilter':
        // Grafana's own form: inclusive bounds in milliseconds.
        return `time >= ${values.from}ms and time <= ${values.to}ms`;
      case '__interval':
      case 'interval':
        return values.interval;
      default: {
        const selected = values.variables[name];
        if (selected === undefined)
          throw new Error(`unknown macro or variable ${text} in: ${query}`);
        return formatForRegex(selected);
      }
    }
  });
}

/** The names of the dashboard variables a query uses (macros excluded). */
export function variablesUsed(query: string): string[] {
  const names = new Set<string>();
  for (const m of query.matchAll(MACRO)) {
    const name = m[1] ?? m[2] ?? m[3] ?? '';
    if (!['timeFilter', '__interval', 'interval'].includes(name)) names.add(name);
  }
  return [...names];
}

/**
 * Grafana's InfluxQL formatting of a multi-value or "All" variable: each value regex-escaped,
 * several joined as `(a|b)`. Our queries use variables only inside `/^…$/`, where this is right.
 */
function formatForRegex(selected: readonly string[]): string {
  const escaped = selected.map((v) => v.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&'));
  return escaped.length === 1 ? (escaped[0] as string) : `(${escaped.join('|')})`;
}
