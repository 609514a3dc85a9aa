import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { SEGMENT_PATTERN } from '@hameau/protocol';
import type { AgentState } from '../../store/agent-state.js';
import { LightingOverrideSchema, type LightingOverride } from './control/index.js';
import { OverrideReason, type ConfigOverride } from './lighting-config.js';

// The overrides in force: those given by command (`override`, `clear-override`), kept durably
// in the agent's state, and those of the desired config. The controller gets one array holding
// both, the same array until one of them changes (it compiles its plans per array), and lets
// the last issued win, whatever its source.

export const OVERRIDES_KEY = 'lighting.overrides';
const MINUTE_MS = 60_000;
/** Longest override a command may give: a month covers a repair that waits for a part. */
export const MAX_OVERRIDE_MINUTES = 31 * 24 * 60;
/** Commands overrides kept at once; more is a runaway client, not a town. */
export const MAX_COMMAND_OVERRIDES = 100;

/** An override given by command, as stored. */
export interface CommandOverride extends LightingOverride {
  readonly reason: string;
  readonly issuedBy: string;
  /** The id of the command that gave it. */
  readonly commandId: string;
}

/** What a command override stores besides the controller's fields. */
const COMMAND_KEYS = new Set(['reason', 'issuedBy', 'commandId']);

const StoredOverride = z.unknown().transform((input, ctx): CommandOverride => {
  if (typeof input !== 'object' || input === null) {
    ctx.addIssue({ code: 'custom', message: 'not a stored override', input });
    return z.NEVER;
  }
  const extra = z
    .object({ reason: OverrideReason, issuedBy: z.string().min(1), commandId: z.string().min(1) })
    .safeParse(input);
  const rest = Object.entries(input).filter(([key]) => !COMMAND_KEYS.has(key));
  const core = LightingOverrideSchema.safeParse(Object.fromEntries(rest));
  if (!extra.success || !core.success) {
    ctx.addIssue({ code: 'custom', message: 'not a stored override', input });
    return z.NEVER;
  }
  return { ...core.data, ...extra.data };
});
const StoredOverrides = z.array(StoredOverride);

/** The arguments of the `override` command. */
export const OverrideArgs = z
  .strictObject({
    zones: z.union(
      [
        z.literal('all'),
        z
          .array(z.string().regex(SEGMENT_PATTERN, { error: 'a zone id' }))
          .min(1, { error: 'at least one zone id' }),
      ],
      { error: "'all' or a list of zone ids" },
    ),
    level: z
      .int({ error: 'level: a whole percentage' })
      .min(0, { error: 'level: 0-100 %' })
      .max(100, { error: 'level: 0-100 %' }),
    /** How long from now; or `until`. */
    minutes: z
      .int({ error: 'minutes: whole minutes' })
      .min(1, { error: `minutes: 1-${MAX_OVERRIDE_MINUTES}` })
      .max(MAX_OVERRIDE_MINUTES, { error: `minutes: 1-${MAX_OVERRIDE_MINUTES}` })
      .optional(),
    /** Until when: an ISO date-time with `Z` or an offset. */
    until: z.iso
      .datetime({ offset: true, error: 'until: an ISO date-time with Z or an offset' })
      .optional(),
    rampSeconds: z
      .int({ error: 'rampSeconds: whole seconds' })
      .min(0, { error: 'rampSeconds: 0-3600' })
      .max(3600, { error: 'rampSeconds: 0-3600' })
      .default(0),
    reason: OverrideReason,
  })
  .refine((a) => (a.minutes === undefined) !== (a.until === undefined), {
    error: 'give either minutes or until',
    path: ['minutes'],
  });
export type OverrideArgs = z.output<typeof OverrideArgs>;

/** The arguments of `clear-override`: the override's id (or the id of the command that gave it). */
export const ClearOverrideArgs = z.strictObject({ id: z.string().min(1).max(64) });

/**
 * An override id from a command id: command ids allow capitals and underscores and 64
 * characters, override ids (topic segments, trace names) do not. Readable when it can be.
 */
export function overrideIdOf(commandId: string): string {
  const readable = commandId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (readable === commandId && SEGMENT_PATTERN.test(readable)) return readable;
  // Lower-casing may make two ids one: a short hash of the original keeps them apart.
  const hash = createHash('sha256').update(commandId).digest('hex').slice(0, 8);
  const head = readable.slice(0, 31).replace(/-$/, '');
  return head === '' ? `o-${hash}` : `${head}-${hash}`;
}

/** Command overrides (durable) and config overrides, as the controller takes them. */
export class LightingOverrides {
  readonly #state: AgentState;
  readonly #log: Logger;
  #commands: CommandOverride[];
  #config: readonly ConfigOverride[] = [];
  #all: readonly LightingOverride[] = [];

  constructor(state: AgentState, log: Logger) {
    this.#state = state;
    this.#log = log;
    this.#commands = this.#load();
    this.#rebuild();
  }

  /** Every override, command and config: pass it as `inputs.overrides` (same array until a change). */
  get all(): readonly LightingOverride[] {
    return this.#all;
  }

  /** The overrides given by command, oldest first. */
  get commands(): readonly CommandOverride[] {
    return this.#commands;
  }

  /** Replaces the desired config's overrides. */
  setConfig(overrides: readonly ConfigOverride[]): void {
    if (JSON.stringify(overrides) === JSON.stringify(this.#config)) return;
    this.#config = overrides;
    this.#rebuild();
  }

  /** Whether an id names a config override (which only a new desired config removes). */
  isConfigOverride(id: string): boolean {
    return this.#config.some((o) => o.id === id);
  }

  /** Adds an override given by command, durably; a second command with the same id replaces it. */
  add(override: CommandOverride): void {
    this.#commands = [...this.#commands.filter((o) => o.id !== override.id), override];
    this.#save();
  }

  /** Removes a command override by its id or its command's id; returns it, or null. */
  remove(id: string): CommandOverride | null {
    const found = this.#commands.find((o) => o.id === id || o.commandId === id) ?? null;
    if (found === null) return null;
    this.#commands = this.#commands.filter((o) => o !== found);
    this.#save();
    return found;
  }

  /** Forgets command overrides whose ramp back has ended by `now`; returns whether any was. */
  prune(now: number): boolean {
    const kept = this.#commands.filter((o) => o.expiresAt + o.rampSeconds * 1000 > now);
    if (kept.length === this.#commands.length) return false;
    this.#commands = kept;
    this.#save();
    return true;
  }

  #rebuild(): void {
    this.#all = [...this.#config, ...this.#commands];
  }

  #save(): void {
    this.#rebuild();
    this.#state.set(OVERRIDES_KEY, this.#commands);
  }

  #load(): CommandOverride[] {
    try {
      return this.#state.get(OVERRIDES_KEY, StoredOverrides) ?? [];
    } catch (err) {
      this.#log.error({ err }, 'stored lighting overrides unreadable; starting without them');
      return [];
    }
  }
}

/** Builds the stored override of an `override` command issued at `now`. */
export function commandOverride(
  args: OverrideArgs,
  meta: { readonly id: string; readonly issuedBy: string },
  now: number,
): CommandOverride | string {
  const expiresAt =
    args.minutes !== undefined ? now + args.minutes * MINUTE_MS : Date.parse(args.until ?? '');
  if (!(expiresAt > now)) return 'until: must be in the future';
  if (expiresAt - now > MAX_OVERRIDE_MINUTES * MINUTE_MS) {
    return `until: at most ${MAX_OVERRIDE_MINUTES / 1440} days ahead`;
  }
  return {
    id: overrideIdOf(meta.id),
    zones: args.zones,
    level: args.level,
    start: now,
    expiresAt,
    rampSeconds: args.rampSeconds,
    issuedAt: now,
    reason: args.reason,
    issuedBy: meta.issuedBy,
    commandId: meta.id,
  };
}
