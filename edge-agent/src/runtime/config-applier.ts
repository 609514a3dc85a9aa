import type { Logger } from 'pino';
import { z } from 'zod';
import { TOPICS, type Clock, type ReportedStatePayload } from '@hameau/protocol';
import type { DesiredAgentConfig } from '../config/desired-config.js';
import { DesiredResolver, type IgnoredKeys } from '../config/desired-resolver.js';
import type { LocalSection } from '../config/local-keys.js';
import type { AgentState } from '../store/agent-state.js';
import type { AgentEvents } from './agent-events.js';
import type { EventBus } from './event-bus.js';
import { truncate } from './outbox-writer.js';

const APPLIED_KEY = 'config.desired';
const REJECTED_KEY = 'config.rejected';
const MAX_REASON = 1000;

const Applied = z.object({
  version: z.int().min(1),
  issuedAt: z.string(),
  config: z.record(z.string(), z.unknown()),
});
type Applied = z.infer<typeof Applied>;
const Rejected = z.object({ version: z.int().min(1), reason: z.string() });
type Rejected = z.infer<typeof Rejected>;

/** What the applier works with. */
export interface ConfigApplierOptions {
  readonly state: AgentState;
  readonly clock: Clock;
  readonly log: Logger;
  readonly bus: EventBus<AgentEvents>;
  /** Validates a desired `config`; `desiredConfigSchema(enabled modules)`. */
  readonly schema: z.ZodType<DesiredAgentConfig>;
  /** The modules' site.yaml configuration, in start order. */
  readonly base: Readonly<Record<string, unknown>>;
  /**
   * Per enabled module, its site.yaml section as written and its local-only keys, which a
   * desired config never changes (none when absent).
   */
  readonly local?: Readonly<Record<string, LocalSection>>;
  /** Publishes the reported state (the link sends it retained, now or at the next connect). */
  readonly publishState: (state: ReportedStatePayload) => void;
  /** The modules' own state for the report (e.g. `ModuleHost.status()`). */
  readonly modulesState?: () => Record<string, Record<string, unknown>>;
}

/** What `apply` did with a desired configuration. */
export type ApplyOutcome = 'applied' | 'ignored' | 'rejected' | 'malformed';

/**
 * Applies versioned desired configurations from the cloud. A version is applied only when it
 * is newer than the one in force and valid; it is persisted before modules hear of it, so it
 * survives a restart. An invalid one is rejected (the old stays in force) and the rejection,
 * with every problem, goes into the reported state. Retained redeliveries of the version in
 * force are ignored. Each module's local-only keys come from site.yaml whatever the version
 * says; those it set otherwise are reported as `ignoredKeys` of the module, not as a rejection,
 * so the cloud sees the version running (docs/edge-agent.md, "Local-only keys").
 */
export class ConfigApplier {
  readonly #o: ConfigApplierOptions;
  readonly #log: Logger;
  #applied: Applied | null;
  /** The applied configuration, or null when none is (valid and) in force. */
  #config: DesiredAgentConfig | null = null;
  /** The local-only keys the version in force set otherwise than site.yaml, by module. */
  #ignored: IgnoredKeys = {};
  #rejected: Rejected | null;
  readonly #resolver: DesiredResolver;

  constructor(options: ConfigApplierOptions) {
    this.#o = options;
    this.#log = options.log.child({ component: 'desired-config' });
    this.#resolver = new DesiredResolver(options.schema, options.local);
    this.#applied = this.#load(APPLIED_KEY, Applied);
    this.#rejected = this.#load(REJECTED_KEY, Rejected);
    if (this.#applied !== null) {
      // Judged again with today's site.yaml: rewiring on site applies at the next start.
      const resolved = this.#resolver.resolve(this.#applied.config);
      if (resolved.ok) {
        this.#config = resolved.config;
        this.#setIgnored(this.#applied.version, resolved.ignored);
      } else {
        // An agent update changed a module's schema (or site.yaml no longer fits the version):
        // run on site.yaml until the cloud sends a config valid for this build, and say so.
        const reason = `no longer valid for this agent: ${resolved.reason}`;
        this.#log.error(
          { version: this.#applied.version, reason },
          'stored desired config ignored',
        );
        this.#rejected = { version: this.#applied.version, reason: truncate(reason, MAX_REASON) };
      }
    }
  }

  /** A stored value, or null when absent or damaged (then site.yaml rules until the next one). */
  #load<T>(key: string, schema: z.ZodType<T>): T | null {
    try {
      return this.#o.state.get(key, schema) ?? null;
    } catch (err) {
      this.#log.error({ err, key }, 'stored desired-config state unreadable; ignored');
      return null;
    }
  }

  /** The desired version received last and applied (kept even if it no longer validates). */
  get version(): number | null {
    return this.#applied?.version ?? null;
  }

  /** Each enabled module's configuration in force: desired where given, else site.yaml. */
  effectiveModules(): Readonly<Record<string, unknown>> {
    const desired = this.#config?.modules ?? {};
    const out: Record<string, unknown> = {};
    for (const [name, config] of Object.entries(this.#o.base)) {
      out[name] = name in desired ? desired[name] : config;
    }
    return Object.freeze(out);
  }

  /** Handles one desired-config message; never throws on bad input. */
  apply(payload: Buffer): ApplyOutcome {
    let desired;
    try {
      desired = TOPICS.desiredConfig.decode(payload);
    } catch (err) {
      // Without a version there is nothing to reject in the reported state.
      this.#log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'malformed desired config',
      );
      return 'malformed';
    }
    const { version } = desired;
    const current = this.#applied?.version ?? 0;
    if (version <= current) {
      this.#log.debug({ version, current }, 'desired config not newer; ignored');
      return 'ignored';
    }
    const resolved = this.#resolver.resolve(desired.config);
    if (!resolved.ok) {
      const reason = truncate(resolved.reason, MAX_REASON);
      this.#log.warn({ version, reason }, 'desired config rejected; the previous stays in force');
      this.#rejected = { version, reason };
      this.#o.state.set(REJECTED_KEY, this.#rejected);
      this.publishCurrent();
      return 'rejected';
    }
    this.#applied = { version, issuedAt: desired.issuedAt, config: desired.config };
    this.#o.state.set(APPLIED_KEY, this.#applied);
    this.#config = resolved.config;
    this.#setIgnored(version, resolved.ignored);
    this.#log.info({ version }, 'desired config applied');
    this.#o.bus.emit('configChanged', { version, modules: this.effectiveModules() });
    this.publishCurrent();
    return 'applied';
  }

  /** Publishes the reported state as it is now (at start, and after module changes). */
  publishCurrent(): void {
    const applied = this.#config === null ? null : (this.#applied?.version ?? null);
    const rejected =
      this.#rejected !== null && this.#rejected.version > (applied ?? 0) ? this.#rejected : null;
    this.#o.publishState({
      at: new Date(this.#o.clock.now()).toISOString(),
      configVersion: applied,
      ...(rejected !== null && { rejected: { ...rejected } }),
      modules: this.#modulesReport(),
    });
  }

  /** The local-only keys the version in force set otherwise than site.yaml, by module. */
  get ignoredKeys(): IgnoredKeys {
    return this.#ignored;
  }

  #setIgnored(version: number, ignored: IgnoredKeys): void {
    this.#ignored = ignored;
    for (const [module, keys] of Object.entries(ignored)) {
      this.#log.warn(
        { version, module, keys },
        "desired config sets local-only keys; site.yaml's values kept",
      );
    }
  }

  /** Each module's state, with the local-only keys the version in force could not change. */
  #modulesReport(): Record<string, Record<string, unknown>> {
    const modules = this.#o.modulesState?.() ?? {};
    if (this.#config === null) return modules;
    for (const [name, keys] of Object.entries(this.#ignored)) {
      modules[name] = { ...modules[name], ignoredKeys: [...keys] };
    }
    return modules;
  }
}
