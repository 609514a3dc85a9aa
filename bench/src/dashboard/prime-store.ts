import { EmbeddedStore, type Point } from '@hameau/cloud-api';
import { ManualClock } from '@hameau/protocol';
import { DAY_MS, MeterHistory, MINUTE_MS } from './town-dataset.js';

/**
 * Writes the town's recent history into the embedded store the live part's API will open: a
 * reading a minute from each of `meters` meters over the last `days` days up to the minute
 * before `now`. The feed's energy section reads today's and yesterday's kWh and today's green
 * share from it, so each update costs what it costs in a town rather than on an empty store.
 * Returns the points written.
 */
export async function primeRecentHistory(
  path: string,
  options: { readonly meters: number; readonly days: number; readonly now: number },
): Promise<number> {
  const end = Math.floor(options.now / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  const start = end - options.days * DAY_MS;
  const store = new EmbeddedStore({ path, clock: new ManualClock(end), retentionIntervalMs: null });
  const meters = Array.from({ length: options.meters }, (_, i) => new MeterHistory(i));
  let written = 0;
  try {
    let batch: Point[] = [];
    for (let minute = start; minute < end; minute += MINUTE_MS) {
      for (const meter of meters) batch.push(meter.next(minute));
      if (batch.length >= 5_000) {
        await store.write(batch);
        written += batch.length;
        batch = [];
      }
    }
    await store.write(batch);
    written += batch.length;
  } finally {
    await store.close();
  }
  return written;
}
