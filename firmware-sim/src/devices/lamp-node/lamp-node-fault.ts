import { z } from 'zod';

const Milliseconds = z.number().int().min(0).max(2_147_483_647);

/**
 * The ways a simulated lamp node misbehaves, as street-lighting maintenance sees them:
 * - `lamp-failure`: the lamp (LED module) is dead: it draws ~0 W while the node drives it on,
 *   and the node reports fault bit 0 then;
 * - `stuck-relay`: the relay is welded or jammed: level and relay writes are accepted, but the
 *   lamp stays as it was when the fault began (fault bit 1);
 * - `no-answer`: the node hears nothing and never answers (a cut A/B pair, a dead radio);
 * - `reboot`: the node restarts (a power glitch, a firmware reset), an event: it is silent and
 *   its lamp off for `downMs`, then it powers up as real nodes do, at its system-failure level,
 *   having forgotten the commanded level, with the restarted bit set;
 * - `power-cut`: the node's supply is off (the cabinet's breaker tripped, a cable cut): silent,
 *   its lamp off, its watchdog stopped, for as long as it lasts; when the supply returns it
 *   powers up as after a `reboot`.
 *
 * Lasting faults are independent (a dead lamp and a stuck relay may coexist); injecting one
 * again restarts its duration.
 */
function lampNodeFaultSchemas<T extends z.core.$ZodLooseShape>(extra: T) {
  const lasting = { durationMs: Milliseconds.optional(), ...extra };
  return z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('lamp-failure'), ...lasting }).strict(),
    z.object({ mode: z.literal('stuck-relay'), ...lasting }).strict(),
    z.object({ mode: z.literal('no-answer'), ...lasting }).strict(),
    z.object({ mode: z.literal('power-cut'), ...lasting }).strict(),
    z
      .object({ mode: z.literal('reboot'), downMs: Milliseconds.max(600_000).default(0), ...extra })
      .strict(),
  ]);
}

/** A fault injected now (`node.inject`); without `durationMs` it lasts until cleared. */
export const LampNodeFault = lampNodeFaultSchemas({});
export type LampNodeFault = z.output<typeof LampNodeFault>;
export type LampNodeFaultInput = z.input<typeof LampNodeFault>;

/** A fault of a node's `faults:` list, injected `atMs` after the node starts. */
export const ScheduledLampNodeFault = lampNodeFaultSchemas({ atMs: Milliseconds });
export type ScheduledLampNodeFault = z.output<typeof ScheduledLampNodeFault>;

/** A node's `faults:` list. */
export const LampNodeFaultPlan = z.array(ScheduledLampNodeFault).default([]);

/** The fault modes that last until cleared or for their duration. */
export type LastingLampNodeMode = Exclude<LampNodeFault['mode'], 'reboot'>;
