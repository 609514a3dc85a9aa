import type { Kysely } from 'kysely';
import type { Clock } from '@hameau/protocol';
import type { Schema } from '../storage/schema.js';
import type { TimeSeriesStore } from '../timeseries/time-series-store.js';
import { readBoardHealth, type BankReport, type BoardHealth } from './board-health-reader.js';
import type { DeviceRecord } from './device-store.js';
import { readMeterHealth, type MeterHealthReport } from './meter-health-reader.js';
import { runningHardware } from './running-config.js';

/** One meter: its id (the telemetry source), its model when known, and its latest report. */
export interface MeterHealth {
  readonly id: string;
  /** From the configuration the device runs; null when that configuration does not say. */
  readonly model: string | null;
  /** Null for a meter the configuration lists that never reported its health. */
  readonly report: MeterHealthReport | null;
}

/** A device's meters and lock boards, from what it reported and the configuration it runs. */
export interface DeviceHealth {
  readonly meters: readonly MeterHealth[];
  readonly boards: readonly BoardHealth[];
  readonly bank: BankReport | null;
}

/**
 * Reads a device's hardware health. Every kind of device is asked for both meters and boards:
 * which modules a box runs is decided on site, so a lighting cabinet may well have a meter.
 */
export async function readDeviceHealth(
  deps: {
    readonly db: Kysely<Schema>;
    readonly timeSeries: TimeSeriesStore;
    readonly clock: Clock;
  },
  device: DeviceRecord,
): Promise<DeviceHealth> {
  const key = { site: device.site, device: device.device };
  const hardware = await runningHardware(deps.db, key, device.status?.configVersion ?? null);
  const [reports, lockers] = await Promise.all([
    readMeterHealth(deps.timeSeries, hardware.meterHealthStream, key),
    readBoardHealth(deps.timeSeries, key, hardware.boards, deps.clock.now()),
  ]);
  const ids = [...new Set([...hardware.meterModels.keys(), ...reports.keys()])].sort();
  return {
    meters: ids.map((id) => ({
      id,
      model: hardware.meterModels.get(id) ?? null,
      report: reports.get(id) ?? null,
    })),
    ...lockers,
  };
}
