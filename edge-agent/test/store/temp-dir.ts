import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A factory of fresh directories under `base` (the OS tmp dir by default), all removed after the
 * calling test file. Call it at the top level of a test file.
 */
export function useTempDirs(prefix: string, base: string = tmpdir()): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(base, prefix));
    dirs.push(dir);
    return dir;
  };
}
