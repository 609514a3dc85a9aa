/** How a column's cells line up. */
export type Align = 'left' | 'right';

/** `text` columns on the left, then `figures` columns on the right: a results table's shape. */
export function textThenFigures(text: number, figures: number): Align[] {
  return [...Array<Align>(text).fill('left'), ...Array<Align>(figures).fill('right')];
}

/**
 * A Markdown table with its columns padded to one width, the way Prettier formats it, so a
 * generated document passes `prettier --check` and still reads well in a terminal.
 */
export function markdownTable(
  header: readonly string[],
  align: readonly Align[],
  rows: readonly (readonly string[])[],
): string {
  const cells = [header, ...rows].map((r) => header.map((_, i) => escape(r[i] ?? '')));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: readonly string[]) =>
    `| ${r.map((c, i) => pad(c, widths[i] ?? 3, align[i] ?? 'left')).join(' | ')} |`;
  const rule = widths.map((w, i) =>
    align[i] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w),
  );
  const [head = [], ...body] = cells;
  return [line(head), `| ${rule.join(' | ')} |`, ...body.map(line)].join('\n');
}

function escape(cell: string): string {
  return cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Characters as a reader counts them, not UTF-16 units: `×`, `≥`, `→` take one column each. */
function width(s: string): number {
  return Array.from(graphemes.segment(s)).length;
}

function pad(s: string, w: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return align === 'right' ? fill + s : s + fill;
}
