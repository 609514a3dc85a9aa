import type { Logger } from 'pino';
import type { Clock } from '@hameau/protocol';
import type { CommandMeta, ModuleContext } from '../../runtime/agent-module.js';
import { CommandError } from '../../runtime/command-error.js';
import {
  commandOverride,
  MAX_COMMAND_OVERRIDES,
  type LightingOverrides,
  type OverrideArgs,
} from './lighting-overrides.js';

// The `override` and `clear-override` commands: checked against the zones and the clock,
// stored durably, audited with who gave them and why, then decided on at once.

/** What the commands work with. */
export interface OverrideCommandDeps {
  readonly overrides: LightingOverrides;
  readonly clock: Clock;
  readonly log: Logger;
  readonly emit: ModuleContext<unknown>['emit'];
  /** Whether wall time is believed now. */
  trusted(): boolean;
  /** The configured zone ids. */
  zoneIds(): readonly string[];
  /** Decides at once. */
  poke(why: string): void;
}

/** `override`: stores the order and decides at once; answers what was stored. */
export function issueOverride(
  d: OverrideCommandDeps,
  args: OverrideArgs,
  meta: CommandMeta,
): Record<string, unknown> {
  if (!d.trusted()) {
    throw new CommandError(
      'REFUSED',
      'the clock is not trusted: an override is a wall-time order, and the lamps are on their fail-safe',
    );
  }
  const known = d.zoneIds();
  if (args.zones !== 'all') {
    const unknown = args.zones.filter((z) => !known.includes(z));
    if (unknown.length > 0) {
      throw new CommandError(
        'INVALID_ARGS',
        `unknown zone ${unknown.join(', ')} (zones: ${known.join(', ') || 'none'})`,
      );
    }
  }
  if (d.overrides.commands.length >= MAX_COMMAND_OVERRIDES) {
    throw new CommandError('REFUSED', `${MAX_COMMAND_OVERRIDES} overrides in force already`);
  }
  const built = commandOverride(args, meta, d.clock.now());
  if (typeof built === 'string') throw new CommandError('INVALID_ARGS', built);
  d.overrides.add(built);
  const result = {
    id: built.id,
    zones: built.zones === 'all' ? [...known] : [...built.zones],
    level: built.level,
    start: new Date(built.start).toISOString(),
    expiresAt: new Date(built.expiresAt).toISOString(),
    rampSeconds: built.rampSeconds,
  };
  d.emit('override-issued', 'info', built.id, {
    ...result,
    reason: built.reason,
    issuedBy: built.issuedBy,
  });
  d.log.info({ ...result, issuedBy: built.issuedBy }, 'override issued');
  d.poke('override');
  return result;
}

/** `clear-override`: ends a command override at once; the cloud's are the cloud's to remove. */
export function clearOverride(
  d: OverrideCommandDeps,
  id: string,
  meta: CommandMeta,
): Record<string, unknown> {
  const removed = d.overrides.remove(id);
  if (removed === null) {
    if (d.overrides.isConfigOverride(id)) {
      throw new CommandError(
        'REFUSED',
        `override ${id} is in the desired configuration: remove it there`,
      );
    }
    throw new CommandError('INVALID_ARGS', `no override ${id} in force`);
  }
  d.emit('override-cleared', 'info', removed.id, { id: removed.id, clearedBy: meta.issuedBy });
  d.log.info({ id: removed.id, clearedBy: meta.issuedBy }, 'override cleared');
  d.poke('override cleared');
  return { id: removed.id, cleared: true };
}
