/** Option rules every `npm run bench:*` shares; each appends its problems to `problems`. */

/** A reader of `--name=N` flags: a whole number ≥ `min`, else the fallback and a problem. */
export function wholeNumberReader(problems: string[]) {
  return (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      problems.push(`--${name}: expected a whole number ≥ ${min}, got "${raw}"`);
      return fallback;
    }
    return n;
  };
}

/**
 * Where the run's section goes: full runs write docs/benchmarks.md and quick runs do not,
 * unless `--write` or `--no-write` says otherwise (both at once is a problem).
 */
export function docPathOf(
  flags: { readonly write?: boolean | undefined; readonly 'no-write'?: boolean | undefined },
  quick: boolean,
  defaultDocPath: string,
  problems: string[],
): string | null {
  if (flags.write === true && flags['no-write'] === true) {
    problems.push('--write and --no-write contradict each other');
  }
  const write = flags.write === true || (!quick && flags['no-write'] !== true);
  return write ? defaultDocPath : null;
}
