import { isDeepStrictEqual } from 'node:util';

/**
 * What site.yaml keeps for one module under a desired configuration: its `modules.<name>`
 * section as written there, and the module's local-only keys (`AgentModule.localKeys`), the
 * top-level keys of that section that only site.yaml sets (wiring, safety caps).
 */
export interface LocalSection {
  /** The section as written in site.yaml (before defaults); null or absent reads as `{}`. */
  readonly written: unknown;
  readonly keys: readonly string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The section a module runs under a desired configuration: the desired section with each
 * local-only key taken from site.yaml, or left out when site.yaml leaves it out (the schema's
 * default then applies, as it does on site.yaml alone). A desired section that is not an
 * object is returned as is, for the module's schema to refuse.
 */
export function withLocalKeys(desired: unknown, local: LocalSection): unknown {
  const section = desired ?? {};
  if (!isRecord(section) || local.keys.length === 0) return section;
  const written = isRecord(local.written) ? local.written : {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(section)) {
    if (!local.keys.includes(key)) out[key] = value;
  }
  for (const key of local.keys) {
    if (key in written) out[key] = written[key];
  }
  return out;
}

/**
 * The local-only keys a desired section sets to something other than site.yaml's value as
 * written; a key written identically is no conflict. Values written differently but meaning the
 * same (a default spelled out) are sorted out by `sameMeaning` in the applier.
 */
export function localKeysSetBy(desired: unknown, local: LocalSection): string[] {
  if (!isRecord(desired)) return [];
  const written = isRecord(local.written) ? local.written : {};
  return local.keys.filter(
    (key) => key in desired && !(key in written && sameData(desired[key], written[key])),
  );
}

/** Equal as JSON data, whatever the key order (parsed configs may hold functions: ignored). */
export function sameData(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(asData(a), asData(b));
}

function asData(v: unknown): unknown {
  const json = JSON.stringify(v) as string | undefined;
  return json === undefined ? undefined : (JSON.parse(json) as unknown);
}
