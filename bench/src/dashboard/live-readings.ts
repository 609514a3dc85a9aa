import { TOPICS } from '@hameau/protocol';

/** The site of the meters agents the live part publishes as. */
export const LIVE_SITE = 'bench-live';
/** The stream the energy section listens to, and the meter each agent reports. */
export const LIVE_STREAM = 'energy';
export const LIVE_SOURCE = 'main';

/**
 * The marker meter's power is its reading's `seq` in megawatts: the town's other meters add up
 * to far less than 1 MW, so `floor(consumption W / 1e6)` in any update tells which of the
 * marker's readings the update reflects, whatever the other meters do (report, go stale).
 */
export const MARKER_WATTS_PER_SEQ = 1_000_000;

/** The id of the i-th agent of the live part; agent 0 carries the marker meter. */
export function liveDeviceId(i: number): string {
  return `live-${String(i).padStart(2, '0')}`;
}

/** The marker's reading that an update's town consumption reflects; null if none can be. */
export function markerSeqOf(consumptionW: number | null): number | null {
  if (consumptionW === null || !Number.isFinite(consumptionW)) return null;
  const seq = Math.floor(consumptionW / MARKER_WATTS_PER_SEQ);
  return seq >= 1 ? seq : null;
}

/**
 * One agent's readings: `seq` from 1, `at` the time it is taken (moved 1 ms on if the clock
 * has not moved, since the store keeps one point per series and instant), values built and
 * validated by `TOPICS.telemetry.encode` as the agent's are. The marker's power encodes `seq`;
 * the others draw a steady kilowatt, and every counter advances with its power.
 */
export class LiveMeter {
  readonly topic: string;
  readonly device: string;
  #seq = 0;
  #lastAt = 0;
  #importKwh: number;
  readonly #marker: boolean;

  constructor(index: number) {
    this.device = liveDeviceId(index);
    this.topic = TOPICS.telemetry.build({
      site: LIVE_SITE,
      device: this.device,
      stream: LIVE_STREAM,
    });
    this.#marker = index === 0;
    this.#importKwh = 100 + index;
  }

  get sent(): number {
    return this.#seq;
  }

  /** The next reading, taken at `nowMs`. */
  next(nowMs: number): { readonly seq: number; readonly payload: Buffer } {
    const seq = ++this.#seq;
    const at = Math.max(Math.floor(nowMs), this.#lastAt + 1);
    this.#lastAt = at;
    const powerW = this.#marker ? seq * MARKER_WATTS_PER_SEQ : 1_000;
    // The marker's counter moves as a kilowatt's would: kWh figures stay plausible.
    this.#importKwh += 1 / 3_600;
    const payload = TOPICS.telemetry.encode({
      seq,
      at: new Date(at).toISOString(),
      historical: false,
      source: LIVE_SOURCE,
      values: { power_w: powerW, energy_import_kwh: Math.round(this.#importKwh * 1e4) / 1e4 },
    });
    return { seq, payload };
  }
}
