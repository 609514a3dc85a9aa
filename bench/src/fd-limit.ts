import { execFileSync } from 'node:child_process';

/**
 * The soft limit on open files this process inherited. Node cannot raise it itself, so a bench
 * that opens thousands of sockets checks it first. Read through the shell, which inherits the
 * same limit; null if that fails.
 */
export function openFileLimit(): number | null {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
  } catch {
    return null;
  }
}

/** Throws a message that says what to run when fewer than `needed` files may be open. */
export function requireOpenFiles(needed: number, what: string): void {
  const limit = openFileLimit();
  if (limit !== null && limit < needed) {
    throw new Error(
      `${what} needs about ${needed} open files but the limit is ${limit}; raise it in the ` +
        `shell first (e.g. \`ulimit -n 65536\`) or use fewer clients (--clients)`,
    );
  }
}
