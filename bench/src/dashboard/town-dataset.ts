import type { Point } from '@hameau/cloud-api';

/** Which history the series bench loads: `meters` meters, one reading a minute for `days` days. */
export interface DatasetSpec {
  readonly meters: number;
  readonly days: number;
}

/**
 * Bumped whenever the generated readings change, so that a dataset cached by an older bench is
 * never timed as if it were this one.
 */
export const DATASET_VERSION = 1;

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/**
 * The last instant of history, and the clock of every query: noon in Paris on a Wednesday in
 * November (fixed, so a cached dataset stays "up to now" and runs compare).
 */
export const DATASET_END = Date.UTC(2026, 10, 25, 11, 0);

/** The measurement the meters agents report on (stream `energy`), as the energy service reads. */
export const ENERGY_MEASUREMENT = 'energy';

/** The folder name of a dataset in the cache: its size and the generator's version. */
export function datasetKey(spec: DatasetSpec): string {
  return `${spec.meters}-meters-${spec.days}-days-v${DATASET_VERSION}`;
}

/** Readings in the dataset (one point per meter per minute). */
export function datasetPoints(spec: DatasetSpec): number {
  return spec.meters * spec.days * (DAY_MS / MINUTE_MS);
}

/** The first minute of history. */
export function datasetStart(spec: DatasetSpec): number {
  return DATASET_END - spec.days * DAY_MS;
}

/** One meter of the town: where it is, and whether it sits behind solar panels. */
export interface TownMeter {
  readonly site: string;
  readonly device: string;
  readonly source: string;
  /** Every tenth meter also produces (and exports) solar power. */
  readonly solar: boolean;
}

/** The i-th meter: ten sites, one meters agent each, the meters spread over them. */
export function townMeter(i: number): TownMeter {
  return {
    site: `site-${String(i % 10).padStart(2, '0')}`,
    device: 'meters-1',
    source: `meter-${String(i).padStart(2, '0')}`,
    solar: i % 10 === 9,
  };
}

/** A number in [0, 1) that depends only on its inputs: the same readings on every run. */
function noise(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) >>> 0) / 2 ** 32;
}

const round = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/**
 * One meter's readings, a minute apart, as an agent reports them and ingestion stores them
 * (`telemetryToPoint`: the quantities plus `seq`): a building's load with morning and evening
 * peaks and more in winter, and for solar sites a midday production that can push the power
 * below zero; the import (and export) counters add up that power, so kWh from counters are
 * consistent with the power curve.
 */
export class MeterHistory {
  readonly tags: Readonly<Record<string, string>>;
  readonly #index: number;
  readonly #solar: boolean;
  readonly #baseW: number;
  /** Each meter is polled at its own second of the minute, as on a real bus. */
  readonly #offsetMs: number;
  #seq = 0;
  #importKwh: number;
  #exportKwh = 0;

  constructor(index: number) {
    const meter = townMeter(index);
    this.tags = Object.freeze({ site: meter.site, device: meter.device, source: meter.source });
    this.#index = index;
    this.#solar = meter.solar;
    this.#baseW = 600 + 150 * (index % 9);
    this.#offsetMs = ((index * 1_117) % 59_000) + 500;
    this.#importKwh = 1_000 + 250 * index;
  }

  /** The reading of the minute starting at `minute` (ms, a multiple of a minute). */
  next(minute: number): Point {
    const time = minute + this.#offsetMs;
    const hour = ((time / 3_600_000) % 24) + 1; // Paris, roughly: the shape of the day
    const season = Math.cos((2 * Math.PI * (time / DAY_MS - 15)) / 365.25); // 1 in mid-January
    const peaks =
      0.7 * Math.exp(-((hour - 8) ** 2) / 3) + Math.exp(-((hour - 19.5) ** 2) / 5) + 0.25;
    const load =
      this.#baseW * (1 + 0.3 * season) * peaks * (0.9 + 0.2 * noise(this.#index, minute / 6e4));
    let powerW = load;
    if (this.#solar) {
      const daylight = Math.max(0, Math.sin((Math.PI * (hour - 6 - season)) / (12 + 2 * season)));
      powerW -= 4_000 * (1 - 0.5 * season) * daylight * (0.6 + 0.4 * noise(minute, this.#index));
    }
    // A minute of that power, in kWh.
    const kwh = powerW / 60_000;
    if (kwh >= 0) this.#importKwh += kwh;
    else this.#exportKwh -= kwh;
    const fields: Record<string, number> = {
      power_w: round(powerW, 1),
      energy_import_kwh: round(this.#importKwh, 4),
      seq: ++this.#seq,
    };
    if (this.#solar) fields['energy_export_kwh'] = round(this.#exportKwh, 4);
    return { measurement: ENERGY_MEASUREMENT, tags: this.tags, fields, time };
  }
}

/**
 * The whole history in time order, in batches of about `batchSize` points (whole minutes: every
 * meter's reading of a minute goes in the same batch), as ingestion would have written it.
 */
export function* historyBatches(spec: DatasetSpec, batchSize: number): Generator<Point[]> {
  const meters = Array.from({ length: spec.meters }, (_, i) => new MeterHistory(i));
  const minutesPerBatch = Math.max(1, Math.round(batchSize / spec.meters));
  const start = datasetStart(spec);
  for (let m = start; m < DATASET_END; m += minutesPerBatch * MINUTE_MS) {
    const batch: Point[] = [];
    const until = Math.min(DATASET_END, m + minutesPerBatch * MINUTE_MS);
    for (let minute = m; minute < until; minute += MINUTE_MS) {
      for (const meter of meters) batch.push(meter.next(minute));
    }
    yield batch;
  }
}
