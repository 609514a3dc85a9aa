import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BENCHMARKS_DOC_INTRO, type RunContext } from './bench-section.js';
import { describeMachine } from './machine.js';
import { writeMarkdownSection } from './markdown-section.js';

/** The repository's docs/benchmarks.md, whose sections full runs rewrite. */
export const BENCHMARKS_DOC = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));

/** A thrown value as one line for the log. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : JSON.stringify(err);
}

/** How a run ends: where its section goes, what went wrong, and how to render the section. */
export interface RunOutcome {
  readonly docPath: string | null;
  /** What the measurement threw, or null. */
  readonly failure: unknown;
  /** Lost data and the like: any keeps the docs unchanged. */
  readonly problems?: readonly string[];
  /** Prefix of each problem line, e.g. `readings lost`. */
  readonly problemLabel?: string;
  readonly render: (run: RunContext) => string;
}

/**
 * What every `npm run bench:*` shares: a log line with the seconds since start, the run's date
 * and load average, and the rule for docs/benchmarks.md — its section is rewritten only by a
 * complete run that lost nothing.
 */
export class BenchRun {
  readonly #name: string;
  readonly #started = performance.now();
  readonly #date = new Date();
  readonly #loadBefore = loadavg()[0] ?? 0;

  /** `name` is the section's marker, e.g. `bench:broker`. */
  constructor(name: string) {
    this.#name = name;
  }

  /** Bound, so that it can be handed around as a plain `(line) => void`. */
  readonly log = (line: string): void => {
    const s = ((performance.now() - this.#started) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[${this.#name} ${s} s] ${line}\n`);
  };

  /** Runs the measurement; what it throws is the run's failure (null: none), not a crash. */
  async attempt(measure: () => Promise<void>): Promise<unknown> {
    try {
      await measure();
      return null;
    } catch (err) {
      return err;
    }
  }

  /** Prints the run's tables (none: nothing worth printing), then `publish`es. */
  finish(tables: string | null, outcome: RunOutcome): number {
    if (tables !== null) process.stdout.write(`\n${tables}\n\n`);
    return this.publish(outcome);
  }

  /**
   * Writes the run's section to `docPath` (none: a quick run or `--no-write`) unless the run
   * failed or `problems` lists lost data; returns the exit code.
   */
  publish(outcome: RunOutcome): number {
    const problems = outcome.problems ?? [];
    if (outcome.failure !== null || problems.length > 0) {
      if (outcome.failure !== null) this.log(`run failed: ${errorMessage(outcome.failure)}`);
      for (const p of problems) this.log(`${outcome.problemLabel ?? 'problem'}: ${p}`);
      this.log('docs/benchmarks.md left unchanged');
      return 1;
    }
    if (outcome.docPath === null) {
      this.log('docs/benchmarks.md left unchanged (quick run or --no-write)');
      return 0;
    }
    const section = outcome.render({
      machine: describeMachine(),
      date: this.#date,
      loadAverage: [this.#loadBefore, loadavg()[0] ?? 0],
    });
    writeMarkdownSection(outcome.docPath, this.#name, section, BENCHMARKS_DOC_INTRO);
    this.log(`updated ${outcome.docPath}`);
    return 0;
  }
}

/**
 * A bench's entry point: parses its options (printing `usage` for `--help`), runs `main` with
 * them, and turns its result (or a crash, a bad flag included) into the exit code.
 */
export function benchMain<O>(bench: {
  readonly parse: (argv: readonly string[], env: NodeJS.ProcessEnv) => O | 'help';
  readonly usage: string;
  readonly main: (options: O) => Promise<number>;
}): void {
  const main = async (): Promise<number> => {
    const options = bench.parse(process.argv.slice(2), process.env);
    if (options === 'help') {
      process.stdout.write(`${bench.usage}\n`);
      return 0;
    }
    return bench.main(options);
  };
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${errorMessage(err)}\n`);
      process.exitCode = 1;
    },
  );
}
