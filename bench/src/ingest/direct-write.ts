import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTimeSeriesStore,
  telemetryToPoint,
  type Point,
  type TimeSeriesConfigInput,
} from '@hameau/cloud-api';
import { systemClock, TOPICS } from '@hameau/protocol';
import { processCpuSeconds } from '../process-cpu.js';
import { BENCH_SITE } from './end-to-end.js';
import type { Influxd } from './influxd-process.js';
import { meterDeviceId, METER_STREAM, MeterReadings } from './meter-readings.js';
import type { DirectScenario } from './scenarios.js';

/** A store's own speed for the bench's points. */
export interface DirectFigures {
  readonly scenario: DirectScenario;
  readonly messages: number;
  readonly batchSize: number;
  /** Time spent in `write`, summed over the batches. */
  readonly seconds: number;
  readonly perSecond: number;
  /** This process (the store's client, and the embedded store itself) while writing. */
  readonly clientCores: number;
  readonly influxdCores: number | null;
}

export interface DirectOptions {
  readonly messages: number;
  readonly devices: number;
  readonly batchSize: number;
  readonly influxd: Influxd | null;
}

/**
 * Writes the points ingestion would write for the same readings (built by the same agents'
 * generator, decoded and converted by the protocol and `telemetryToPoint` as the pipeline
 * does) straight into a store with `TimeSeriesStore.write`, one batch after the other as the
 * pipeline does. Building the points is not timed; only the writes are.
 */
export async function runDirectWrite(
  scenario: DirectScenario,
  options: DirectOptions,
): Promise<DirectFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-bench-direct-'));
  try {
    const config = await storeConfig(scenario, dir, options.influxd);
    const store = createTimeSeriesStore(config, { clock: systemClock });
    const meters = Array.from(
      { length: options.devices },
      (_, i) => new MeterReadings(BENCH_SITE, meterDeviceId(i), i),
    );
    const influxdPid = scenario === 'influx-direct' ? (options.influxd?.pid ?? null) : null;
    // influxd idles while the next batch is built, so its CPU over the whole loop is its CPU
    // during the writes.
    const influxdCpu0 = influxdPid === null ? null : processCpuSeconds(influxdPid);
    let writeMs = 0;
    let clientCpuUs = 0;
    let written = 0;
    let cursor = 0;
    try {
      while (written < options.messages) {
        const size = Math.min(options.batchSize, options.messages - written);
        const batch: Point[] = [];
        for (let k = 0; k < size; k++) {
          const meter = meters[cursor++ % meters.length] as MeterReadings;
          const payload = TOPICS.telemetry.decode(meter.next(Date.now()).payload);
          batch.push(
            telemetryToPoint(
              { site: BENCH_SITE, device: meter.device, stream: METER_STREAM },
              payload,
            ),
          );
        }
        const cpu0 = process.cpuUsage();
        const t = performance.now();
        await store.write(batch);
        writeMs += performance.now() - t;
        const cpu = process.cpuUsage(cpu0);
        clientCpuUs += cpu.user + cpu.system;
        written += size;
      }
    } finally {
      await store.close();
    }
    const influxdCpu1 = influxdPid === null ? null : processCpuSeconds(influxdPid);
    return {
      scenario,
      messages: written,
      batchSize: options.batchSize,
      seconds: writeMs / 1000,
      perSecond: written / (writeMs / 1000),
      clientCores: clientCpuUs / 1000 / writeMs,
      influxdCores:
        influxdCpu0 === null || influxdCpu1 === null || influxdPid === null
          ? null
          : ((influxdCpu1 - influxdCpu0) * 1000) / writeMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function storeConfig(
  scenario: DirectScenario,
  dir: string,
  influxd: Influxd | null,
): Promise<TimeSeriesConfigInput> {
  if (scenario === 'embedded-direct') {
    return { kind: 'embedded', path: join(dir, 'series.sqlite') };
  }
  if (influxd === null) throw new Error(`${scenario} needs influxd`);
  await influxd.admin('CREATE DATABASE direct');
  return { kind: 'influxdb', version: 1, url: influxd.url, database: 'direct' };
}
