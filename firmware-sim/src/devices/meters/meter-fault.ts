import { z } from 'zod';

const Milliseconds = z.number().int().min(0).max(2_147_483_647);

/**
 * The ways a simulated meter misbehaves, as field reports describe real ones:
 * - `no-answer`: reads requests and never answers (a dead meter, a cut A/B pair);
 * - `exception`: answers every request with exception `code` (04 by default: device failure);
 * - `corrupt-crc`: answers with a broken CRC (noise on the line); over Modbus TCP, which has no
 *   CRC, the gateway reports it as exception 0x0B;
 * - `wrong-unit`: answers with another unit id in the reply (`unit`, by default the next one);
 * - `slow`: answers `delayMs` late (on top of the emulated wire time);
 * - `counter-reset`: sets the energy counters to zero at once (a one-shot event, not a state:
 *   it takes no duration and leaves the current fault in place).
 */
function meterFaultSchemas<T extends z.core.$ZodLooseShape>(extra: T) {
  const lasting = { durationMs: Milliseconds.optional(), ...extra };
  return z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('no-answer'), ...lasting }).strict(),
    z
      .object({
        mode: z.literal('exception'),
        code: z.number().int().min(1).max(255).default(4),
        ...lasting,
      })
      .strict(),
    z.object({ mode: z.literal('corrupt-crc'), ...lasting }).strict(),
    z
      .object({
        mode: z.literal('wrong-unit'),
        unit: z.number().int().min(0).max(255).optional(),
        ...lasting,
      })
      .strict(),
    z.object({ mode: z.literal('slow'), delayMs: Milliseconds.max(600_000), ...lasting }).strict(),
    z.object({ mode: z.literal('counter-reset'), ...extra }).strict(),
  ]);
}

/** A fault injected now (`meter.inject`); without `durationMs` it lasts until cleared. */
export const MeterFault = meterFaultSchemas({});
export type MeterFault = z.output<typeof MeterFault>;
export type MeterFaultInput = z.input<typeof MeterFault>;

/** A fault of a meter's `faults:` list in a scenario, injected `atMs` after the meter starts. */
export const ScheduledMeterFault = meterFaultSchemas({ atMs: Milliseconds });
export type ScheduledMeterFault = z.output<typeof ScheduledMeterFault>;

/** A meter's `faults:` list. */
export const MeterFaultPlan = z.array(ScheduledMeterFault).default([]);

/** The fault modes that last (every mode but `counter-reset`). */
export type LastingMeterFault = Exclude<MeterFault, { mode: 'counter-reset' }>;
