import { DeviceId } from '@hameau/protocol';
import { z } from 'zod';
import { FaultPlan } from '../../faults/fault.js';

/** The counter's settings: a scenario entry of `type: counter`, or `CounterDevice`'s options. */
export const CounterOptions = z
  .object({
    type: z.literal('counter').default('counter'),
    id: DeviceId,
    /** Address to listen on; loopback by default so a simulator is never exposed by accident. */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; 0 picks a free one, printed at start. */
    port: z.number().int().min(0).max(65535).default(0),
    /** The seq of the first reading. */
    start: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(1),
    /** value = seq * scale. */
    scale: z.number().min(-1e9).max(1e9).default(0.5),
    /** Seeds the `garbage` fault's noise, so a run's bytes can be replayed. */
    seed: z.number().int().default(1),
    /** Faults injected on the device clock, relative to its start. */
    faults: FaultPlan,
  })
  .strict();
export type CounterOptions = Readonly<z.output<typeof CounterOptions>>;
export type CounterOptionsInput = z.input<typeof CounterOptions>;
