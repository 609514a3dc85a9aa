import { z } from 'zod';
import { CommandId, Instant, Level, LightingId, ZoneSelector, type Clock } from '@hameau/protocol';
import type { CommandService, CreatedCommand } from '../commands/command-service.js';
import { parseInput, validationFailed, type InputIssue } from '../parse-input.js';
import type { ControllerKey, LightingConfigService } from './lighting-config-service.js';

/** The longest override the console orders: a week (works, a long lamp test). */
export const MAX_OVERRIDE_MINUTES = 7 * 24 * 60;
/** How long an order may wait for its controller by default: a late manual order surprises. */
export const DEFAULT_ORDER_TTL_SECONDS = 60;

const TtlSeconds = z
  .int()
  .min(1)
  .max(3600)
  .default(DEFAULT_ORDER_TTL_SECONDS)
  .describe('How long the controller may still run the order; after that it refuses it');

/** A console order putting zones at a level now, for `minutes` or `until` an instant. */
export const OverrideInput = z
  .strictObject({
    zones: ZoneSelector,
    level: Level,
    minutes: z
      .int({ error: 'minutes: whole minutes' })
      .min(1, { error: `minutes: 1-${MAX_OVERRIDE_MINUTES}` })
      .max(MAX_OVERRIDE_MINUTES, { error: `minutes: 1-${MAX_OVERRIDE_MINUTES}` })
      .optional(),
    until: z
      .union([z.int().nonnegative(), z.string()])
      .optional()
      .describe('ms since the epoch or an ISO date-time with Z or an offset'),
    rampSeconds: z
      .int({ error: 'rampSeconds: whole seconds' })
      .min(0, { error: 'rampSeconds: 0-3600' })
      .max(3600, { error: 'rampSeconds: 0-3600' })
      .optional(),
    reason: z
      .string()
      .trim()
      .min(1, { error: 'a reason, for the trace and the audit' })
      .max(200, { error: 'a reason of at most 200 characters' }),
    ttlSeconds: TtlSeconds,
    id: CommandId.optional().describe('Makes retries safe, as for any command'),
  })
  .refine((o) => (o.minutes === undefined) !== (o.until === undefined), {
    error: "give either 'minutes' or 'until'",
    path: ['minutes'],
  });
export type OverrideInput = z.input<typeof OverrideInput>;

/** Ends an override before its time. */
export const ClearOverrideInput = z.strictObject({
  ttlSeconds: TtlSeconds,
  id: CommandId.optional().describe('Makes retries safe, as for any command'),
});
export type ClearOverrideInput = z.input<typeof ClearOverrideInput>;

/**
 * An override's id as the controller names it: a lighting id (`works-2026`), or the id of the
 * command that ordered it.
 */
const OverrideId = z.union([LightingId('override id'), CommandId], {
  error: "an override id: the controller's (lower-case letters, digits, dashes) or its command id",
});

export interface LightingOrderServiceDeps {
  readonly clock: Clock;
  readonly commands: CommandService;
  readonly config: LightingConfigService;
}

/**
 * The console's fast path to a lighting controller: an override, or its end, is the agent
 * command `override` or `clear-override`, with the commands domain's lifecycle (queued, sent,
 * delivered, succeeded or failed, expired). Orders are not configuration: they never make a
 * desired-config version, and an override ends by itself.
 */
export class LightingOrderService {
  readonly #d: LightingOrderServiceDeps;

  constructor(deps: LightingOrderServiceDeps) {
    this.#d = deps;
  }

  /**
   * Sends `override {zones, level, minutes | until, rampSeconds?, reason}`. Zones are checked
   * against the desired configuration when it has any; `until` must be ahead of the cloud clock.
   */
  async override(key: ControllerKey, input: unknown, actor: string): Promise<CreatedCommand> {
    const body = parseInput(OverrideInput, input, 'body');
    const issues: InputIssue[] = [];
    if (body.until !== undefined) {
      const until = Instant.safeParse(body.until);
      if (!until.success) {
        issues.push({ path: 'body.until', message: until.error.issues[0]?.message ?? 'invalid' });
      } else if (until.data <= this.#d.clock.now()) {
        issues.push({ path: 'body.until', message: 'must be in the future' });
      } else if (until.data > this.#d.clock.now() + MAX_OVERRIDE_MINUTES * 60_000) {
        issues.push({ path: 'body.until', message: 'must be within a week' });
      }
    }
    const state = await this.#d.config.state(key);
    const zones = zoneIdsOf(state.desired?.lighting);
    if (zones !== null && body.zones !== 'all') {
      body.zones.forEach((zone, i) => {
        if (!zones.includes(zone)) {
          issues.push({
            path: `body.zones.${i}`,
            message: `unknown zone ${JSON.stringify(zone)} (zones: ${zones.join(', ') || 'none'})`,
          });
        }
      });
    }
    if (issues.length > 0) throw validationFailed(issues);
    const args = {
      zones: body.zones,
      level: body.level,
      ...(body.minutes !== undefined && { minutes: body.minutes }),
      ...(body.until !== undefined && { until: body.until }),
      ...(body.rampSeconds !== undefined && { rampSeconds: body.rampSeconds }),
      reason: body.reason,
    };
    return this.#d.commands.create(
      key.site,
      key.device,
      { name: 'override', args, ttlSeconds: body.ttlSeconds, ...(body.id && { id: body.id }) },
      actor,
    );
  }

  /** Sends `clear-override {id}`: the zones go back to their schedule (ramping as ordered). */
  async clearOverride(
    key: ControllerKey,
    overrideId: string,
    input: unknown,
    actor: string,
  ): Promise<CreatedCommand> {
    const id = parseInput(OverrideId, overrideId, 'params.id');
    const body = parseInput(ClearOverrideInput, input ?? {}, 'body');
    await this.#d.config.state(key);
    return this.#d.commands.create(
      key.site,
      key.device,
      {
        name: 'clear-override',
        args: { id },
        ttlSeconds: body.ttlSeconds,
        ...(body.id && { id: body.id }),
      },
      actor,
    );
  }
}

/** The zone ids of a desired lighting section; null when it lists none to check against. */
function zoneIdsOf(section: Record<string, unknown> | null | undefined): string[] | null {
  const zones = section?.zones;
  if (!Array.isArray(zones)) return null;
  return zones.flatMap((z: unknown) =>
    typeof z === 'object' && z !== null && typeof (z as { id?: unknown }).id === 'string'
      ? [(z as { id: string }).id]
      : [],
  );
}
