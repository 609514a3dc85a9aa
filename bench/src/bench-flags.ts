import { parseArgs } from 'node:util';
import { ConfigError } from '@hameau/protocol';

/**
 * The flags of an `npm run bench:*`, declared once as a table: the parser and the `--help`
 * text both come from it, with what every bench shares added (`--quick`, `--write`/
 * `--no-write`, `HAMEAU_BENCH_QUICK=1`, `--help`).
 */

interface FlagBase {
  /** What `--help` says after the flag; a `\n` starts a continuation line. */
  readonly help: string;
  /** A heading printed above this flag, after a blank line: it opens a group of flags. */
  readonly heading?: string;
}

/** `--name=N`: a number from `min` (to `max`), whole unless `fraction`. */
export interface NumberFlag extends FlagBase {
  readonly type: 'number';
  readonly default: number;
  /** The default of a quick run, when it differs. */
  readonly quick?: number;
  readonly min: number;
  readonly max?: number;
  /** Allows numbers that are not whole (e.g. a turnaround of 0.5 ms). */
  readonly fraction?: boolean;
  /** The value's name in the help (default `N`). */
  readonly placeholder?: string;
}

/** `--name=a,b`: whole numbers from `min` to `max`, in the order typed, repeats dropped. */
export interface NumberListFlag extends FlagBase {
  readonly type: 'numbers';
  readonly default: readonly number[];
  readonly min: number;
  readonly max: number;
}

/** `--name=a,b`: some of `of` (default: all), given back in `of`'s order whatever was typed. */
export interface SomeOfFlag<T extends string = string> extends FlagBase {
  readonly type: 'some-of';
  readonly of: readonly T[];
}

/** `--name=VALUE`: the flag, else the variable `env`, else `default` (none: null). */
export interface TextFlag extends FlagBase {
  readonly type: 'text';
  /** The value's name in the help, e.g. `URL`. */
  readonly placeholder: string;
  readonly default?: string;
  readonly env?: string;
  /** What is wrong with `value` (after `--name: `), or null. */
  readonly check?: (value: string) => string | null;
}

/** `--name`: on when given. */
export interface SwitchFlag extends FlagBase {
  readonly type: 'switch';
}

export type BenchFlag = NumberFlag | NumberListFlag | SomeOfFlag | TextFlag | SwitchFlag;

type FlagValue<F> = F extends NumberFlag
  ? number
  : F extends NumberListFlag
    ? number[]
    : F extends SomeOfFlag<infer T>
      ? T[]
      : F extends TextFlag
        ? F extends { readonly default: string }
          ? string
          : string | null
        : F extends SwitchFlag
          ? boolean
          : never;

/** The parsed value of each flag of a table. */
export type FlagValues<T extends Readonly<Record<string, BenchFlag>>> = {
  -readonly [K in keyof T]: FlagValue<T[K]>;
};

/** One bench's flags. */
export interface BenchFlagTable<T extends Readonly<Record<string, BenchFlag>>> {
  /** The npm script and the docs section's marker, e.g. `bench:broker`. */
  readonly name: string;
  /** What a quick run does, for the help, e.g. `5,000 messages, 300 clients for 5 s`. */
  readonly quick: string;
  /** In help order. */
  readonly flags: T;
  /** Rules across flags (one flag's own rules are in the table): each problem found. */
  readonly check?: (values: FlagValues<T>) => string[];
  /** A paragraph closing the help. */
  readonly note?: string;
}

/** Declares a table (the identity, for its types: `of` lists keep their literal names). */
export function benchFlags<const T extends Readonly<Record<string, BenchFlag>>>(
  table: BenchFlagTable<T>,
): BenchFlagTable<T> {
  return table;
}

/** What every run knows once its flags are parsed. */
export interface ParsedFlags<T extends Readonly<Record<string, BenchFlag>>> {
  readonly quick: boolean;
  /** Markdown file whose section the run replaces, or null to leave the docs alone. */
  readonly docPath: string | null;
  readonly values: FlagValues<T>;
}

const HELP_COLUMN = 24;
const HELP_WIDTH = 100;
const WRITE_HELP = 'update docs/benchmarks.md (default: full runs write, quick runs do not)';

/**
 * Parses flags and environment against the table, listing every problem at once (a
 * `ConfigError`); an unknown flag throws as `parseArgs` does. `'help'` for `--help`/`-h`.
 */
export function parseBenchFlags<T extends Readonly<Record<string, BenchFlag>>>(
  table: BenchFlagTable<T>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): ParsedFlags<T> | 'help' {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    quick: { type: 'boolean' },
    write: { type: 'boolean' },
    'no-write': { type: 'boolean' },
  };
  for (const [name, flag] of Object.entries(table.flags)) {
    options[name] = { type: flag.type === 'switch' ? 'boolean' : 'string' };
  }
  const { values: raw } = parseArgs({ args: [...argv], strict: true, options });
  if (raw['help'] === true) return 'help';

  const problems: string[] = [];
  const quick = raw['quick'] === true || env['HAMEAU_BENCH_QUICK'] === '1';
  const values: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(table.flags)) {
    const given = raw[name];
    values[name] =
      flag.type === 'switch'
        ? given === true
        : readValue(name, flag, typeof given === 'string' ? given : undefined, {
            quick,
            env,
            problems,
          });
  }
  // Only on values that passed their own rules: a cross-flag rule on fallbacks would mislead.
  if (problems.length === 0 && table.check !== undefined) {
    problems.push(...table.check(values as FlagValues<T>));
  }
  const write = raw['write'] === true;
  const noWrite = raw['no-write'] === true;
  if (write && noWrite) problems.push('--write and --no-write contradict each other');
  if (problems.length > 0) throw new ConfigError(`${table.name} options`, problems);
  // Full runs write their section and quick runs do not, unless a flag says otherwise.
  const docPath = write || (!quick && !noWrite) ? defaultDocPath : null;
  return { quick, docPath, values: values as FlagValues<T> };
}

interface ReadContext {
  readonly quick: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly problems: string[];
}

function readValue(
  name: string,
  flag: Exclude<BenchFlag, SwitchFlag>,
  raw: string | undefined,
  { quick, env, problems }: ReadContext,
): unknown {
  switch (flag.type) {
    case 'number': {
      const fallback = quick ? (flag.quick ?? flag.default) : flag.default;
      if (raw === undefined) return fallback;
      if (!numberFits(raw, flag.min, flag.max ?? Infinity, flag.fraction === true)) {
        const range = flag.max === undefined ? `≥ ${flag.min}` : `${flag.min}-${flag.max}`;
        const kind = flag.fraction === true ? 'number' : 'whole number';
        problems.push(`--${name}: expected a ${kind} ${range}, got "${raw}"`);
        return fallback;
      }
      return Number(raw);
    }
    case 'numbers': {
      if (raw === undefined) return [...flag.default];
      const parts = raw.split(',').map((s) => s.trim());
      if (!parts.every((p) => numberFits(p, flag.min, flag.max, false))) {
        problems.push(`--${name}: expected whole numbers ${flag.min}-${flag.max}, got "${raw}"`);
        return [...flag.default];
      }
      return [...new Set(parts.map(Number))];
    }
    case 'some-of': {
      if (raw === undefined) return [...flag.of];
      const picked = raw.split(',').map((s) => s.trim());
      if (!picked.every((p) => flag.of.includes(p))) {
        problems.push(`--${name}: expected some of ${flag.of.join(',')}, got "${raw}"`);
        return [...flag.of];
      }
      // The table's order (a baseline first, say) whatever order was typed.
      return flag.of.filter((o) => picked.includes(o));
    }
    case 'text': {
      const value = raw ?? (flag.env === undefined ? undefined : env[flag.env]) ?? flag.default;
      if (value === undefined) return null;
      const problem = flag.check?.(value) ?? null;
      if (problem !== null) problems.push(`--${name}: ${problem}`);
      return value;
    }
  }
}

function numberFits(raw: string, min: number, max: number, fraction: boolean): boolean {
  // Number('') is 0: an empty value is no number.
  const n = Number(raw);
  return (
    raw.trim() !== '' &&
    Number.isFinite(n) &&
    (fraction || Number.isInteger(n)) &&
    n >= min &&
    n <= max
  );
}

/** The `--help` text of a bench, from its table. */
export function benchUsage<T extends Readonly<Record<string, BenchFlag>>>(
  table: BenchFlagTable<T>,
): string {
  const lines = [`npm run ${table.name} -- [options]`, ''];
  lines.push(...helpEntry('--quick', `${table.quick} (iterating; docs untouched)`));
  let grouped = false;
  for (const [name, flag] of Object.entries<BenchFlag>(table.flags)) {
    if (flag.heading !== undefined) {
      lines.push('', `  ${flag.heading}`);
      grouped = true;
    }
    lines.push(...helpEntry(flagLabel(name, flag), flag.help));
  }
  // The last group ends with a blank line, as each before it does.
  if (grouped) lines.push('');
  lines.push(...helpEntry('--write / --no-write', WRITE_HELP));
  lines.push('', '  HAMEAU_BENCH_QUICK=1 is the same as --quick.');
  if (table.note !== undefined) {
    lines.push('', ...table.note.split('\n').map((line) => `  ${line}`));
  }
  return lines.join('\n');
}

function flagLabel(name: string, flag: BenchFlag): string {
  switch (flag.type) {
    case 'switch':
      return `--${name}`;
    case 'number':
      return `--${name}=${flag.placeholder ?? 'N'}`;
    case 'numbers':
    case 'some-of':
      return `--${name}=a,b`;
    case 'text':
      return `--${name}=${flag.placeholder}`;
  }
}

/** The label in the first column, the help beside it, each line wrapped at `HELP_WIDTH`. */
function helpEntry(label: string, help: string): string[] {
  const indent = ' '.repeat(HELP_COLUMN);
  const wrapped = help.split('\n').flatMap((line) => wrap(line, HELP_WIDTH - HELP_COLUMN));
  return wrapped.map(
    (line, i) => (i === 0 ? `  ${`${label}  `.padEnd(HELP_COLUMN - 2)}` : indent) + line,
  );
}

/** Greedy word wrap; a word longer than any line may be stays on the line it starts. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width && word.length <= width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
