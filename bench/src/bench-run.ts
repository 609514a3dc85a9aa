import { loadavg } from 'node:os';
import { BENCHMARKS_DOC_INTRO, type RunContext } from './broker/report.js';
import { describeMachine } from './machine.js';
import { writeMarkdownSection } from './markdown-section.js';

/** A thrown value as one line for the log. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : JSON.stringify(err);
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

  log(line: string): void {
    const s = ((performance.now() - this.#started) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[${this.#name} ${s} s] ${line}\n`);
  }

  /**
   * Writes the run's section to `docPath` (none: a quick run or `--no-write`) unless the run
   * failed or `problems` lists lost data; returns the exit code.
   */
  publish(opts: {
    readonly docPath: string | null;
    readonly failure: unknown;
    readonly problems?: readonly string[];
    /** Prefix of each problem line, e.g. `readings lost`. */
    readonly problemLabel?: string;
    readonly render: (run: RunContext) => string;
  }): number {
    const problems = opts.problems ?? [];
    if (opts.failure !== null || problems.length > 0) {
      if (opts.failure !== null) this.log(`run failed: ${errorMessage(opts.failure)}`);
      for (const p of problems) this.log(`${opts.problemLabel ?? 'problem'}: ${p}`);
      this.log('docs/benchmarks.md left unchanged');
      return 1;
    }
    if (opts.docPath === null) {
      this.log('docs/benchmarks.md left unchanged (quick run or --no-write)');
      return 0;
    }
    const section = opts.render({
      machine: describeMachine(),
      date: this.#date,
      loadAverage: [this.#loadBefore, loadavg()[0] ?? 0],
    });
    writeMarkdownSection(opts.docPath, this.#name, section, BENCHMARKS_DOC_INTRO);
    this.log(`updated ${opts.docPath}`);
    return 0;
  }
}

/** Runs a bench's `main` and turns its result (or a crash) into the exit code. */
export function runMain(main: () => Promise<number>): void {
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
