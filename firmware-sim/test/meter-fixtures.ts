import { ManualClock } from '@hameau/protocol';
import { pino } from 'pino';
import type { MeterOptionsInput } from '../src/devices/meters/meter-options.js';
import { SimMeter } from '../src/devices/meters/sim-meter.js';

/** A logger that says nothing. */
export const silentLog = pino({ level: 'silent' });

/** Hex text (spaces allowed) to bytes. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s/g, ''), 'hex');
}

/** A meter with exact values: no wander, a fixed load (4,600 W, pf 1 unless told). */
export function steadyMeter(
  options: Partial<MeterOptionsInput> & { readonly id: string },
  clock = new ManualClock(),
): SimMeter {
  return new SimMeter(
    {
      model: 'sdm630',
      noise: false,
      load: { kind: 'fixed', watts: 4600 },
      ...options,
    },
    { clock, log: silentLog },
  );
}

/** Lets queued microtasks and I/O callbacks run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
