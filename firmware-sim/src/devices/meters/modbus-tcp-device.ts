import { ConfigError, DeviceId } from '@hameau/protocol';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { ModbusTcpServer } from '../../modbus/modbus-tcp-server.js';
import type { DeviceContext, Endpoint } from '../../sim-device.js';
import { findMeter, type MeterDevice } from './meter-device.js';
import { MeterList } from './meter-options.js';
import { METER_MODEL_NAMES } from './models/meter-models.js';
import { SimMeter } from './sim-meter.js';

/** Settings of a `ModbusTcpDevice`. */
export const ModbusTcpDeviceOptions = z
  .object({
    /** `modbus-gateway` for a gateway, or the model name for a meter with its own port. */
    kind: z.enum(['modbus-gateway', ...METER_MODEL_NAMES]),
    id: DeviceId,
    /** Address to listen on; loopback by default so a simulator is never exposed by accident. */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; 0 picks a free one, printed at start. */
    port: z.number().int().min(0).max(65535).default(0),
    meters: MeterList,
  })
  .strict();
export type ModbusTcpDeviceOptions = Readonly<z.output<typeof ModbusTcpDeviceOptions>>;
export type ModbusTcpDeviceOptionsInput = z.input<typeof ModbusTcpDeviceOptions>;

/**
 * Meters served over Modbus TCP on one port: a meter with an Ethernet port (one meter), or a
 * TCP-to-RTU gateway in front of several, each reached by its unit id.
 */
export class ModbusTcpDevice implements MeterDevice {
  readonly kind: string;
  readonly id: string;
  readonly options: ModbusTcpDeviceOptions;
  readonly meters: readonly SimMeter[];
  readonly #log: Logger;
  readonly #server: ModbusTcpServer;
  #started = false;

  /** Validates the options (ConfigError listing every problem) and builds a stopped device. */
  constructor(options: ModbusTcpDeviceOptionsInput, context: DeviceContext) {
    const parsed = ModbusTcpDeviceOptions.safeParse(options);
    if (!parsed.success) {
      throw new ConfigError(
        `${options.kind} device options`,
        parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`),
      );
    }
    this.options = Object.freeze(parsed.data);
    this.kind = this.options.kind;
    this.id = this.options.id;
    this.#log = (context.log ?? pino({ level: 'silent' })).child({ device: this.id });
    this.meters = this.options.meters.map(
      (m) => new SimMeter(m, { clock: context.clock, log: this.#log }),
    );
    this.#server = new ModbusTcpServer({
      deviceId: this.id,
      host: this.options.host,
      port: this.options.port,
      clock: context.clock,
      log: this.#log,
      units: this.meters,
    });
  }

  /** Request frames received so far, for any unit. */
  get requests(): number {
    return this.#server.requests;
  }

  /** Open client connections. */
  get connections(): number {
    return this.#server.connections;
  }

  meter(id: string): SimMeter {
    return findMeter(this.id, this.meters, id);
  }

  async start(): Promise<{ readonly endpoints: readonly Endpoint[] }> {
    if (this.#started) throw new Error(`${this.kind} ${this.id} is already started`);
    this.#started = true;
    const address = await this.#server.listen();
    for (const meter of this.meters) meter.start();
    const endpoint: Endpoint = { transport: 'tcp', host: address.address, port: address.port };
    this.#log.info({ endpoint, units: this.meters.map((m) => m.unitId) }, `${this.kind} started`);
    return { endpoints: [endpoint] };
  }

  async stop(): Promise<void> {
    for (const meter of this.meters) meter.stop();
    await this.#server.close();
  }
}
