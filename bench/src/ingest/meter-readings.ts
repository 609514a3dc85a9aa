import { TOPICS } from '@hameau/protocol';

/** The stream and source a meters agent reports an SDM630 three-phase meter on. */
export const METER_STREAM = 'energy';
export const METER_SOURCE = 'sdm630-1';

/** The ten quantities of one SDM630 reading, in the order the payload lists them. */
export const SDM630_QUANTITIES = [
  'voltage_l1_v',
  'voltage_l2_v',
  'voltage_l3_v',
  'current_l1_a',
  'current_l2_a',
  'current_l3_a',
  'power_w',
  'power_factor',
  'frequency_hz',
  'energy_import_kwh',
] as const;

/** One reading as it goes on the wire. */
export interface Reading {
  readonly seq: number;
  /** Milliseconds since the epoch of the payload's `at`. */
  readonly atMs: number;
  readonly payload: Buffer;
}

const round = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/**
 * The readings of one simulated meters agent: `seq` counts from 1 with no gap, `at` is the
 * time the reading is taken, and every payload is built and validated by
 * `TOPICS.telemetry.encode` like an agent's. Two readings of one meter never share an instant:
 * `at` is moved 1 ms past the previous one when time has not moved on, because both stores
 * key a series' points on their time and a second reading at the same millisecond would
 * overwrite the first, a loss the bench would then blame on ingestion. `aheadMs` says how far
 * that pushed `at` past the time a reading was taken (a lag measured from `at` is short by at
 * most that much).
 */
export class MeterReadings {
  readonly topic: string;
  #seq = 0;
  #lastAt = Number.NEGATIVE_INFINITY;
  #aheadMs = 0;
  readonly #phase: number;
  #energyKwh: number;

  constructor(
    readonly site: string,
    readonly device: string,
    /** Makes each meter's values differ from the others'. */
    index: number,
  ) {
    this.topic = TOPICS.telemetry.build({ site, device, stream: METER_STREAM });
    this.#phase = index * 0.7;
    this.#energyKwh = 10_000 + index * 137.5;
  }

  /** Readings made so far, which is also the last `seq`. */
  get sent(): number {
    return this.#seq;
  }

  /** The furthest `at` was pushed past the time a reading was taken, in ms. */
  get aheadMs(): number {
    return this.#aheadMs;
  }

  /** The next reading, taken at `nowMs`. */
  next(nowMs: number): Reading {
    const seq = ++this.#seq;
    const atMs = Math.max(Math.floor(nowMs), this.#lastAt + 1);
    this.#aheadMs = Math.max(this.#aheadMs, atMs - nowMs);
    this.#lastAt = atMs;
    const payload = TOPICS.telemetry.encode({
      seq,
      at: new Date(atMs).toISOString(),
      historical: false,
      source: METER_SOURCE,
      values: this.#values(seq),
    });
    return { seq, atMs, payload };
  }

  /** Plausible values of a building's three-phase supply that drift from reading to reading. */
  #values(seq: number): Record<(typeof SDM630_QUANTITIES)[number], number> {
    const t = this.#phase + seq / 50;
    const current = (shift: number) => round(12 + 4 * Math.sin(t + shift), 3);
    const volts = (shift: number) => round(230 + 2 * Math.sin(t / 3 + shift), 2);
    const powerW = round(3 * 230 * 12 * 0.95 + 2_000 * Math.sin(t), 1);
    // One reading a second of that power.
    this.#energyKwh += powerW / 3_600_000;
    return {
      voltage_l1_v: volts(0),
      voltage_l2_v: volts(2.1),
      voltage_l3_v: volts(4.2),
      current_l1_a: current(0),
      current_l2_a: current(2.1),
      current_l3_a: current(4.2),
      power_w: powerW,
      power_factor: round(0.95 + 0.03 * Math.sin(t / 7), 3),
      frequency_hz: round(50 + 0.02 * Math.sin(t * 3), 3),
      energy_import_kwh: round(this.#energyKwh, 4),
    };
  }
}

/** The id of the i-th simulated meters agent: `meters-000`, `meters-001`… */
export function meterDeviceId(i: number): string {
  return `meters-${String(i).padStart(3, '0')}`;
}
