import { z } from 'zod';

/** Module name → the local-only keys the device ignored in the configuration it runs. */
export type IgnoredKeys = Readonly<Record<string, readonly string[]>>;

/** Key names only (never values); bounded so a faulty agent cannot bloat the report row. */
const KeyNames = z.array(z.string().min(1).max(100)).max(50);

/**
 * The `ignoredKeys` each module of a `…/state` report lists, modules and keys sorted so that the
 * same report always compares (and is stored) the same. A module whose list is malformed is
 * left out: the report is the device's, and the rest of it still counts.
 */
export function ignoredKeysOf(
  modules: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): IgnoredKeys {
  const out: Record<string, readonly string[]> = {};
  for (const name of Object.keys(modules).sort()) {
    const parsed = KeyNames.safeParse(modules[name]?.['ignoredKeys']);
    if (parsed.success && parsed.data.length > 0) out[name] = [...new Set(parsed.data)].sort();
  }
  return out;
}

/** Whether two lists of ignored keys name the same keys (both come sorted from `ignoredKeysOf`). */
export function sameIgnoredKeys(a: IgnoredKeys, b: IgnoredKeys): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The stored column back: a row written by this code always parses; anything else is `{}`. */
export function ignoredKeysFromJson(text: string): IgnoredKeys {
  const parsed = z.record(z.string(), KeyNames).safeParse(safeJson(text));
  return parsed.success ? parsed.data : {};
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
