import { DeviceId } from '@hameau/protocol';
import { z } from 'zod';
import { defineDeviceType, type DeviceType } from '../../device-type.js';
import { MeterList, MeterSettings } from './meter-options.js';
import { METER_MODELS, METER_MODEL_NAMES, type MeterModelName } from './models/meter-models.js';
import { ModbusTcpDevice } from './modbus-tcp-device.js';
import { RtuBusDevice, RtuBusFields, checkRtuBusPaths } from './rtu-bus-device.js';

const Host = z.string().min(1).default('127.0.0.1');
const Port = z.number().int().min(0).max(65535).default(0);

/** `type: sdm630` (and the other models): one meter with its own Modbus TCP port. */
function tcpMeterType(model: MeterModelName): DeviceType {
  return defineDeviceType({
    type: model,
    summary: `${METER_MODELS[model].title}, one meter on its own Modbus TCP port`,
    schema: z
      .object({ type: z.literal(model), id: DeviceId, host: Host, port: Port, ...MeterSettings })
      .strict(),
    create: ({ type, id, host, port, ...settings }, context) =>
      new ModbusTcpDevice(
        { kind: type, id, host, port, meters: [{ id, model: type, ...settings }] },
        context,
      ),
  });
}

/** `type: modbus-gateway`: several meters behind one Modbus TCP port, by unit id. */
export const modbusGatewayDeviceType = defineDeviceType({
  type: 'modbus-gateway',
  summary: 'a Modbus TCP gateway with several meters behind it, each by its unit id',
  schema: z
    .object({
      type: z.literal('modbus-gateway'),
      id: DeviceId,
      host: Host,
      port: Port,
      meters: MeterList,
    })
    .strict(),
  create: ({ id, host, port, meters }, context) =>
    new ModbusTcpDevice({ kind: 'modbus-gateway', id, host, port, meters }, context),
});

/** `type: rtu-bus`: several meters on one Modbus RTU line (a pty made by socat, or a device). */
export const rtuBusDeviceType = defineDeviceType({
  type: 'rtu-bus',
  summary: 'meters sharing one Modbus RTU line on a serial pty, with wire timing',
  schema: RtuBusFields.extend({ type: z.literal('rtu-bus') })
    .strict()
    .superRefine(checkRtuBusPaths),
  create: ({ type: _type, ...options }, context) => new RtuBusDevice(options, context),
});

/** Every meter device type: one per model (TCP), the gateway and the RTU bus. */
export const meterDeviceTypes: readonly DeviceType[] = [
  ...METER_MODEL_NAMES.map(tcpMeterType),
  modbusGatewayDeviceType,
  rtuBusDeviceType,
];
