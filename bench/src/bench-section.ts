import { formatMachine, type Machine } from './machine.js';
import { markdownTable } from './markdown-table.js';

/** When and where a run happened, for the record next to its figures. */
export interface RunContext {
  readonly machine: Machine;
  readonly date: Date;
  /** One-minute load average when the run started and when it ended: other work on the box. */
  readonly loadAverage: readonly [before: number, after: number];
}

/** A new docs/benchmarks.md starts with this. */
export const BENCHMARKS_DOC_INTRO = `# Benchmarks

Figures are machine-specific; ratios against a baseline measured in the same run are what to
compare. Each section below is written by the command it names; run it again to refresh it, and
keep hand-written text outside the \`<!-- bench:… -->\` markers.
`;

/** One budget of a bench against what the run measured. */
export interface Verdict {
  readonly goal: string;
  readonly measured: string;
  /** null when the run did not measure what the goal needs. */
  readonly pass: boolean | null;
}

/** The targets table under its heading: PASS, MISS, or — for a goal the run did not measure. */
export function verdictTable(
  list: readonly Verdict[],
  heading = '**Targets** (ARCHITECTURE.md §7)',
): string {
  const mark = (p: boolean | null) => (p === null ? '—' : p ? 'PASS' : 'MISS');
  return [
    heading,
    '',
    markdownTable(
      ['target', 'measured', 'result'],
      ['left', 'right', 'left'],
      list.map((v) => [v.goal, v.measured, mark(v.pass)]),
    ),
  ].join('\n');
}

/**
 * A bench's section of docs/benchmarks.md: its title, the command as run, when and on what it
 * ran, the tables, then the notes.
 */
export function renderBenchSection(section: {
  readonly title: string;
  /** The npm script, e.g. `bench:broker`. */
  readonly name: string;
  readonly quick: boolean;
  /** Flags beyond `--quick` the command line shows, e.g. ` --boards=4`. */
  readonly flags?: string;
  readonly run: RunContext;
  readonly tables: string;
  readonly notes: string;
}): string {
  const { run } = section;
  const [before, after] = run.loadAverage;
  const when = run.date.toISOString().slice(0, 16).replace('T', ' ');
  return `## ${section.title}

Command: \`npm run ${section.name}\`${section.quick ? ' --quick' : ''}${section.flags ?? ''} · ${when} UTC ·
${formatMachine(run.machine)} · load average ${before.toFixed(1)} before, ${after.toFixed(1)} after

${section.tables}

Notes:

${section.notes}`;
}
