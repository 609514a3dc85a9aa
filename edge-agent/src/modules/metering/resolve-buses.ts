import type { BusConfig, MeterConfig, MeteringConfig } from './metering-config.js';
import { siteModels } from './models/model-registry.js';
import { planRequests } from './models/plan-requests.js';
import { registerCount, type MeterModel, type RegisterField } from './models/register-map.js';
import type { MeterSettings } from './poller/meter-poller.js';
import type { BusLinkSettings } from './transport/modbus-serial-client.js';
import { rtuFrameGapMs } from './transport/rtu-timing.js';

/** The models a config may use: the built-in ones and its custom maps. */
export function configModels(config: MeteringConfig): ReadonlyMap<string, MeterModel> {
  const custom = Object.fromEntries(
    Object.entries(config.models).map(([id, map]) => [id, { id, ...map }]),
  );
  return siteModels(custom);
}

/** Where a bus is and how to reach it. */
export function linkSettings(bus: BusConfig): BusLinkSettings {
  switch (bus.transport) {
    case 'rtu':
      return {
        transport: 'rtu',
        path: bus.path,
        baud: bus.baud,
        parity: bus.parity,
        dataBits: bus.dataBits,
        stopBits: bus.stopBits,
      };
    case 'tcp':
    case 'rtu-over-tcp':
      return { transport: bus.transport, host: bus.host, port: bus.port };
  }
}

/**
 * The silence between two requests on `bus`: its pause, and on a serial line at least the RTU
 * frame gap, rounded up to whole milliseconds. Node's timers count whole milliseconds from a
 * cached loop time, so an exact t3.5 was sometimes kept short (bench:modbus saw 1 gap in 7
 * under t3.5 at 19,200 baud); rounding up costs under 1 ms a request. A TCP gateway keeps the
 * serial timing on its side.
 */
export function requestGapMs(bus: BusConfig): number {
  if (bus.transport !== 'rtu') return bus.pauseMs;
  return Math.max(Math.ceil(rtuFrameGapMs(bus.baud)), bus.pauseMs);
}

/** A meter of `bus` as the poller runs it: its model's fields with the meter's overrides, planned. */
export function meterSettings(
  bus: BusConfig,
  meter: MeterConfig,
  models: ReadonlyMap<string, MeterModel>,
): MeterSettings {
  const model = models.get(meter.model);
  // The config schema has checked every meter's model.
  if (model === undefined) throw new Error(`unknown meter model ${meter.model}`);
  const fields = model.registers.map((field): RegisterField => ({
    ...field,
    wordOrder:
      registerCount(field.type) === 2 ? (meter.wordOrder ?? field.wordOrder) : field.wordOrder,
    byteOrder: meter.byteOrder ?? field.byteOrder,
  }));
  return {
    id: meter.id,
    bus: bus.id,
    model: model.id,
    unitId: meter.unitId,
    timeoutMs: meter.timeoutMs ?? bus.timeoutMs,
    intervalMs: meter.intervalMs,
    pollMs: meter.pollMs ?? meter.intervalMs,
    ...(meter.onChange !== undefined && { onChange: meter.onChange }),
    plan: planRequests(fields, { maxSpan: bus.maxSpan, maxGap: meter.maxGap ?? model.maxGap }),
    breaker: bus.breaker,
  };
}
