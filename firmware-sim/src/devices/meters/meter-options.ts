import { DeviceId } from '@hameau/protocol';
import { z } from 'zod';
import { LoadOptions } from './loads/load-options.js';
import { MeterFaultPlan } from './meter-fault.js';
import { METER_MODEL_NAMES } from './models/meter-models.js';

/**
 * What every simulated meter is configured with, whatever its model and transport: its unit
 * id, what flows through it, its supply, its counters at start, and its faults.
 */
export const MeterSettings = {
  /** Modbus unit id (RTU address), 1-247; the factory default of every model is 1. */
  unit: z.number().int().min(1).max(247).default(1),
  /** What flows through the meter (a building by default). */
  load: LoadOptions.prefault({ kind: 'building' }),
  /** Nominal phase-to-neutral voltage, V. */
  voltage: z.number().min(50).max(500).default(230),
  /** Nominal frequency, Hz. */
  frequency: z.number().min(40).max(70).default(50),
  /** Smooth wander on the load, clouds and supply; false gives exact, repeatable shapes. */
  noise: z.boolean().default(true),
  /** Seeds the wander, so a run's values can be replayed. */
  seed: z.number().int().default(1),
  /** Counter values at start, kWh. */
  importKwh: z.number().min(0).max(1e9).default(0),
  exportKwh: z.number().min(0).max(1e9).default(0),
  /** Faults injected on the device clock, relative to the meter's start. */
  faults: MeterFaultPlan,
};

/** One meter on a bus or behind a gateway: a `meters:` entry, or `SimMeter`'s options. */
export const MeterOptions = z
  .object({
    id: DeviceId,
    /** sdm630, sdm120, em24 or iem3000. */
    model: z.enum(METER_MODEL_NAMES),
    ...MeterSettings,
  })
  .strict();
export type MeterOptions = Readonly<z.output<typeof MeterOptions>>;
export type MeterOptionsInput = z.input<typeof MeterOptions>;

/**
 * A list of meters sharing a bus or a gateway: ids and unit ids must be unique among them
 * (two meters answering one unit id would collide on the wire).
 */
export const MeterList = z
  .array(MeterOptions)
  .min(1, 'needs at least one meter')
  .superRefine((meters, ctx) => {
    const ids = new Map<string, number>();
    const units = new Map<number, number>();
    meters.forEach((m, index) => {
      const sameId = ids.get(m.id);
      if (sameId !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `"${m.id}" is already the id of meters[${sameId}]`,
        });
      } else ids.set(m.id, index);
      const sameUnit = units.get(m.unit);
      if (sameUnit !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'unit'],
          message: `unit ${m.unit} is already the unit of meters[${sameUnit}]`,
        });
      } else units.set(m.unit, index);
    });
  });
