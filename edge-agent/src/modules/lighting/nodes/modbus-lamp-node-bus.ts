import type { Clock } from '@hameau/protocol';
import type { Logger } from 'pino';
import { BusLink } from '../../metering/poller/bus-link.js';
import { BusQueue } from '../../metering/poller/bus-queue.js';
import type { ModbusWriteClient } from '../../metering/transport/modbus-client.js';
import { ModbusSerialClient } from '../../metering/transport/modbus-serial-client.js';
import type { LampNodeBus } from './lamp-node-bus.js';
import { LampNodeFailure } from './lamp-node-failure.js';
import type { LampNode, LampNodeReading } from './lamp-node.js';
import {
  nodeBusGapMs,
  nodeBusLink,
  type LampNodeConfig,
  type ModbusLampNodeBusConfig,
} from './modbus-lamp-node-config.js';
import {
  NODE_INPUT_COUNT,
  NODE_INPUT_START,
  NodeHolding,
  decodeNodeInputs,
} from './modbus-lamp-node-map.js';

/** What a Modbus lamp-node bus runs on. */
export interface ModbusLampNodeBusContext {
  readonly clock: Clock;
  readonly log: Logger;
  /** The Modbus master; by default `modbus-serial` over the configured link. */
  readonly client?: ModbusWriteClient;
}

/**
 * Lamp nodes on one Modbus link (RTU, TCP, or RTU over TCP), through the metering transports:
 * the `modbus-serial` client, and a `BusLink` that opens the link on first use, reopens it after
 * a dropped connection (at once, then with backoff) and keeps the RTU gap. A `BusQueue` runs one
 * node operation at a time, so a command and its read-back are never split by another request.
 */
export class ModbusLampNodeBus implements LampNodeBus {
  readonly type = 'modbus';
  readonly id: string;
  readonly config: ModbusLampNodeBusConfig;
  readonly nodes: readonly ModbusLampNode[];
  readonly #link: BusLink<ModbusWriteClient>;
  readonly #queue = new BusQueue();

  constructor(config: ModbusLampNodeBusConfig, context: ModbusLampNodeBusContext) {
    this.config = config;
    this.id = config.id;
    const { clock } = context;
    const log = context.log.child({ bus: config.id });
    const client =
      context.client ??
      new ModbusSerialClient(nodeBusLink(config), {
        clock,
        connectTimeoutMs: config.connectTimeoutMs,
      });
    this.#link = new BusLink({
      client,
      clock,
      log,
      gapMs: nodeBusGapMs(config),
      reconnect: config.reconnect,
    });
    this.nodes = config.nodes.map((node) => new ModbusLampNode(node, this));
  }

  get connected(): boolean {
    return this.#link.connected;
  }

  /** Operations queued or running. */
  get pending(): number {
    return this.#queue.size;
  }

  node(id: string): ModbusLampNode | undefined {
    return this.nodes.find((n) => n.id === id);
  }

  async close(): Promise<void> {
    await this.#link.close();
    await this.#queue.drain();
  }

  /** Runs `operation` once every operation queued before it has settled. */
  run<T>(operation: (io: NodeIo) => Promise<T>): Promise<T> {
    return this.#queue.run(() => operation(this.#io));
  }

  readonly #io: NodeIo = {
    read: (unitId, functionCode, address, count) =>
      this.#link.exchange((client) =>
        client.read({ unitId, functionCode, address, count, timeoutMs: this.config.timeoutMs }),
      ),
    write: (unitId, address, values) =>
      this.#link.exchange((client) =>
        client.write({ unitId, address, values, timeoutMs: this.config.timeoutMs }),
      ),
  };
}

/** The requests one node operation makes, on the bus's link; they reject with a `ReadFailure`. */
export interface NodeIo {
  read(
    unitId: number,
    functionCode: 3 | 4,
    address: number,
    count: number,
  ): Promise<readonly number[]>;
  write(unitId: number, address: number, values: readonly number[]): Promise<void>;
}

/** One node of a `ModbusLampNodeBus`, reached by its unit id. */
export class ModbusLampNode implements LampNode {
  readonly id: string;
  readonly unitId: number;
  readonly ratedW: number | undefined;
  readonly #bus: ModbusLampNodeBus;

  constructor(config: LampNodeConfig, bus: ModbusLampNodeBus) {
    this.id = config.id;
    this.unitId = config.unitId;
    this.ratedW = config.ratedW;
    this.#bus = bus;
  }

  /** Writes holding register 0 (FC 06), then reads input register 0 to check it was applied. */
  setLevel(level: number): Promise<void> {
    const invalid = this.#invalidPercent('level', level);
    if (invalid !== null) return Promise.reject(invalid);
    return this.#operate(async (io) => {
      await io.write(this.unitId, NodeHolding.level, [level]);
      if (!this.#bus.config.verify) return;
      const [applied] = await io.read(this.unitId, 4, NODE_INPUT_START, 1);
      if (applied !== level) {
        throw new LampNodeFailure(
          'not-applied',
          this.id,
          `level ${level} % not applied: the node is at ${String(applied)} %`,
          applied,
        );
      }
    });
  }

  /** Reads input registers 0–6 in one request. */
  read(): Promise<LampNodeReading> {
    return this.#operate(async (io) => {
      const words = await io.read(this.unitId, 4, NODE_INPUT_START, NODE_INPUT_COUNT);
      const decoded = decodeNodeInputs(words);
      if (!decoded.ok) throw new LampNodeFailure('invalid-reply', this.id, decoded.reason);
      return decoded.reading;
    });
  }

  /** Writes holding registers 1–2 (FC 16), then reads them back. */
  configureFailsafe(level: number, watchdogSeconds: number): Promise<void> {
    const invalid = this.#invalidPercent('failure level', level);
    if (invalid !== null) return Promise.reject(invalid);
    if (!Number.isInteger(watchdogSeconds) || watchdogSeconds < 0 || watchdogSeconds > 0xffff) {
      return Promise.reject(
        new LampNodeFailure(
          'invalid-argument',
          this.id,
          `watchdog must be an integer 0-65535 s, not ${watchdogSeconds}`,
        ),
      );
    }
    return this.#operate(async (io) => {
      const values = [level, watchdogSeconds];
      await io.write(this.unitId, NodeHolding.failureLevel, values);
      if (!this.#bus.config.verify) return;
      const stored = await io.read(this.unitId, 3, NodeHolding.failureLevel, 2);
      if (stored[0] !== level || stored[1] !== watchdogSeconds) {
        throw new LampNodeFailure(
          'not-applied',
          this.id,
          `failsafe not stored: the node holds ${stored.join(', ')}`,
        );
      }
    });
  }

  /** Closes (`true`) or opens the node's relay (holding register 3), read back. */
  setRelay(closed: boolean): Promise<void> {
    return this.#operate(async (io) => {
      const value = closed ? 1 : 0;
      await io.write(this.unitId, NodeHolding.relay, [value]);
      if (!this.#bus.config.verify) return;
      const [stored] = await io.read(this.unitId, 3, NodeHolding.relay, 1);
      if (stored !== value) {
        throw new LampNodeFailure('not-applied', this.id, `relay command ${value} not stored`);
      }
    });
  }

  /** The failure for a level no node can take, or null; such a command is never sent. */
  #invalidPercent(what: string, value: number): LampNodeFailure | null {
    if (Number.isInteger(value) && value >= 0 && value <= 100) return null;
    return new LampNodeFailure(
      'invalid-argument',
      this.id,
      `${what} must be an integer 0-100 %, not ${value}`,
    );
  }

  /** Runs one operation on the bus; whatever it throws becomes a `LampNodeFailure`. */
  async #operate<T>(operation: (io: NodeIo) => Promise<T>): Promise<T> {
    try {
      return await this.#bus.run(operation);
    } catch (err) {
      throw LampNodeFailure.from(err, this.id);
    }
  }
}
