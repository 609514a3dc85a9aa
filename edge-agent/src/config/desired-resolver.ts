import type { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import type { DesiredAgentConfig } from './desired-config.js';
import { describeIssue, formatPath } from './describe-issue.js';
import { localKeysSetBy, sameData, withLocalKeys, type LocalSection } from './local-keys.js';

/** Module name → the local-only keys a desired config set to another value than site.yaml's. */
export type IgnoredKeys = Readonly<Record<string, readonly string[]>>;

/** A desired configuration judged against this agent's modules and site.yaml. */
export type Resolution =
  | {
      readonly ok: true;
      /** What the modules run: each desired section with its local-only keys from site.yaml. */
      readonly config: DesiredAgentConfig;
      readonly ignored: IgnoredKeys;
    }
  | {
      readonly ok: false;
      /** Every problem, one per `;`, without secret values. */ reason: string;
    };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Turns the `config` of a desired configuration into what the modules run. Each module's
 * local-only keys (its wiring and safety caps, `AgentModule.localKeys`) are taken from
 * site.yaml whatever the cloud sent; the merged sections then go through the modules' schemas,
 * so a cloud section that no longer fits the local wiring (a zone renamed that `zoneNodes` still
 * names) is refused, the problem at the local key's path. A local-only key the cloud set to
 * another value is not an error: site.yaml's wins, and `ignored` says which.
 */
export class DesiredResolver {
  readonly #schema: z.ZodType<DesiredAgentConfig>;
  readonly #local: Readonly<Record<string, LocalSection>>;

  constructor(
    schema: z.ZodType<DesiredAgentConfig>,
    local: Readonly<Record<string, LocalSection>> = {},
  ) {
    this.#schema = schema;
    this.#local = local;
  }

  resolve(desired: Readonly<Record<string, unknown>>): Resolution {
    const input = this.#merged(desired);
    const result = this.#schema.safeParse(input);
    if (!result.success) {
      const reason = result.error.issues
        .flatMap((i) => describeIssue(i, { input }).map((line) => line + this.#sourceNote(i.path)))
        .join('; ');
      return { ok: false, reason };
    }
    const config = deepFreeze(result.data);
    return { ok: true, config, ignored: this.#ignored(desired, config) };
  }

  #merged(desired: Readonly<Record<string, unknown>>): unknown {
    const modules = desired['modules'];
    if (!isRecord(modules)) return desired;
    const out: Record<string, unknown> = {};
    for (const [name, section] of Object.entries(modules)) {
      const local = this.#local[name];
      out[name] = local === undefined ? section : withLocalKeys(section, local);
    }
    return { ...desired, modules: out };
  }

  /** Says where a problem's value came from when it is a local-only key's. */
  #sourceNote(path: readonly PropertyKey[]): string {
    const [root, name, key] = path;
    if (root !== 'modules' || typeof name !== 'string' || typeof key !== 'string') return '';
    if (this.#local[name]?.keys.includes(key) !== true) return '';
    return ` (${formatPath([root, name, key])} is local-only: site.yaml's value)`;
  }

  #ignored(desired: Readonly<Record<string, unknown>>, config: DesiredAgentConfig): IgnoredKeys {
    const modules = isRecord(desired['modules']) ? desired['modules'] : {};
    const out: Record<string, readonly string[]> = {};
    for (const [name, section] of Object.entries(modules)) {
      const local = this.#local[name];
      if (local === undefined || !isRecord(section)) continue;
      const running = config.modules[name];
      const keys = localKeysSetBy(section, local).filter(
        (key) => !this.#sameMeaning(name, local, key, section[key], running),
      );
      if (keys.length > 0) out[name] = Object.freeze(keys);
    }
    return Object.freeze(out);
  }

  /**
   * Whether the cloud's value of `key`, put in site.yaml's section, gives what runs: a default
   * spelled out (`lockout: {freeAttempts: 3}` against none written) is no conflict.
   */
  #sameMeaning(
    name: string,
    local: LocalSection,
    key: string,
    value: unknown,
    running: unknown,
  ): boolean {
    const written = isRecord(local.written) ? local.written : {};
    const result = this.#schema.safeParse({ modules: { [name]: { ...written, [key]: value } } });
    if (!result.success) return false;
    return sameData(fieldOf(result.data.modules[name], key), fieldOf(running, key));
  }
}

function fieldOf(section: unknown, key: string): unknown {
  return isRecord(section) ? section[key] : undefined;
}
