import { every, type Clock } from '@hameau/protocol';
import type { ModuleContext } from '../../runtime/agent-module.js';
import type { BusConfig, MeteringConfig } from './metering-config.js';
import type { MeterReadingEvent } from './metering-events.js';
import { BusLink } from './poller/bus-link.js';
import { BusPoller } from './poller/bus-poller.js';
import { MeterPoller } from './poller/meter-poller.js';
import { configModels, linkSettings, meterSettings, requestGapMs } from './resolve-buses.js';
import type { ModbusClient } from './transport/modbus-client.js';
import { ModbusSerialClient } from './transport/modbus-serial-client.js';

/** Builds the Modbus client of a bus. */
export type ClientFactory = (bus: BusConfig, clock: Clock) => ModbusClient;

/** The real thing: modbus-serial over the bus's serial device or TCP connection. */
export const modbusSerialClients: ClientFactory = (bus, clock) =>
  new ModbusSerialClient(linkSettings(bus), { clock, connectTimeoutMs: bus.connectTimeoutMs });

/**
 * One configuration of the metering module, running: a poller per bus, and the timer of the
 * health reports. A new configuration gets a new runtime.
 */
export class MeteringRuntime {
  readonly buses: readonly BusPoller[];
  readonly #config: MeteringConfig;
  readonly #ctx: ModuleContext<unknown>;
  #stopHealth: (() => void) | null = null;

  constructor(config: MeteringConfig, ctx: ModuleContext<unknown>, createClient: ClientFactory) {
    this.#config = config;
    this.#ctx = ctx;
    const models = configModels(config);
    this.buses = config.buses.map((bus) => {
      const log = ctx.log.child({ bus: bus.id });
      const link = new BusLink({
        client: createClient(bus, ctx.clock),
        clock: ctx.clock,
        log,
        gapMs: requestGapMs(bus),
        reconnect: bus.reconnect,
      });
      const meters = bus.meters.map(
        (meter) =>
          new MeterPoller(meterSettings(bus, meter, models), {
            ...ctxParts(ctx),
            stream: config.stream,
          }),
      );
      return new BusPoller({ id: bus.id, link, meters, clock: ctx.clock, log });
    });
  }

  /** Starts polling every bus and reporting health. */
  start(): void {
    for (const bus of this.buses) bus.start();
    this.#stopHealth = every(this.#ctx.clock, this.#config.healthIntervalMs, () => {
      this.reportHealth();
    });
    this.#ctx.log.info(
      { buses: this.buses.length, meters: this.buses.reduce((n, b) => n + b.meters.length, 0) },
      'metering started',
    );
  }

  /** Stops the pollers and closes every bus link. */
  async stop(): Promise<void> {
    this.#stopHealth?.();
    this.#stopHealth = null;
    await Promise.all(this.buses.map((bus) => bus.stop()));
  }

  /** Reports every meter's health on the health stream. */
  reportHealth(): void {
    const now = this.#ctx.clock.now();
    for (const bus of this.buses) {
      for (const meter of bus.meters) {
        const { values, missing } = meter.health.report({
          now,
          breaker: meter.breaker.state,
          consecutiveErrors: meter.breaker.consecutiveFailures,
          busConnected: bus.connected,
        });
        this.#ctx.report(
          this.#config.healthStream,
          meter.settings.id,
          values,
          Object.keys(missing).length > 0 ? missing : undefined,
        );
      }
    }
  }
}

/** The parts of the module context a meter poller uses (the context object is frozen). */
function ctxParts(ctx: ModuleContext<unknown>) {
  return {
    clock: ctx.clock,
    log: ctx.log,
    state: ctx.state,
    report: ctx.report.bind(ctx),
    emit: ctx.emit.bind(ctx),
    onReading: (event: MeterReadingEvent) => {
      ctx.bus.emit('metering.reading', event);
    },
  };
}
