import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@hameau/protocol';
import { pino, type Logger } from 'pino';
import { ModbusTcpServer } from '../../modbus/modbus-tcp-server.js';
import type { ModbusUnit } from '../../modbus/modbus-unit.js';
import { RtuBusServer } from '../../modbus/rtu-bus-server.js';
import type { DeviceContext, Endpoint, SimDevice } from '../../sim-device.js';
import type { ByteLink } from '../../transport/byte-link.js';
import { openSerialLink } from '../../transport/serial-link.js';
import { SocatPtyPair } from '../../transport/socat-pty-pair.js';
import { GridModel } from '../meters/grid-model.js';
import { findMeter } from '../meters/meter-device.js';
import { SimMeter } from '../meters/sim-meter.js';
import { LampNodeGroupOptions, type LampNodeGroupOptionsInput } from './lamp-node-options.js';
import { LampNodePower } from './lamp-node-power.js';
import { SimLampNode } from './sim-lamp-node.js';

/** Test seams of a `LampNodeGroup`. */
export interface LampNodeGroupSeams {
  /** Replaces opening `serial`/`pty` with a link of the test's making (an in-memory pair). */
  readonly link?: ByteLink;
}

/**
 * Lamp-control nodes sharing one RS485 line (and, optionally, the cabinet's meters on it),
 * served as Modbus RTU on a serial pty and/or over Modbus TCP as a gateway in front of the line
 * does; each node answers its own unit id. `power` is the nodes' total power, which the
 * group's `lighting` meters follow and which any other cabinet load may `follow` too.
 */
export class LampNodeGroup implements SimDevice {
  readonly kind = 'lamp-nodes';
  readonly id: string;
  readonly options: LampNodeGroupOptions;
  readonly nodes: readonly SimLampNode[];
  /** Meters on the same line, in scenario order. */
  readonly meters: readonly SimMeter[];
  /** The nodes' total power, a `PowerSource` for a lighting cabinet's load. */
  readonly power: LampNodePower;
  readonly #context: DeviceContext;
  readonly #seams: LampNodeGroupSeams;
  readonly #log: Logger;
  #tcp: ModbusTcpServer | null = null;
  #rtu: RtuBusServer | null = null;
  #socat: SocatPtyPair | null = null;
  #tempDir: string | null = null;
  #started = false;

  /** Validates the options (ConfigError listing every problem) and builds a stopped group. */
  constructor(
    options: LampNodeGroupOptionsInput,
    context: DeviceContext,
    seams: LampNodeGroupSeams = {},
  ) {
    const parsed = LampNodeGroupOptions.safeParse(options);
    if (!parsed.success) {
      throw new ConfigError(
        'lamp-nodes device options',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`),
      );
    }
    this.options = Object.freeze(parsed.data);
    this.id = this.options.id;
    this.#context = context;
    this.#seams = seams;
    this.#log = (context.log ?? pino({ level: 'silent' })).child({ device: this.id });
    const { voltage, noise, seed } = this.options;
    // One supply for the whole line: every node measures the same phase.
    const grid = new GridModel({ voltage, frequency: 50, noise, seed });
    this.nodes = this.options.nodes.map(
      (n) =>
        new SimLampNode(n, {
          clock: context.clock,
          log: this.#log,
          voltageAt: (t) => grid.voltageAt(t, 0),
        }),
    );
    this.power = new LampNodePower(this.nodes);
    this.meters = (this.options.meters ?? []).map(
      (m) => new SimMeter(m, { clock: context.clock, log: this.#log }),
    );
    for (const meter of this.meters) {
      if (meter.load.kind === 'lighting') meter.load.follow(this.power);
    }
  }

  /** The node with this id; throws if there is none (a typo in a test). */
  node(id: string): SimLampNode {
    const found = this.nodes.find((n) => n.id === id);
    if (found === undefined) {
      const known = this.nodes.map((n) => n.id).join(', ');
      throw new Error(`lamp-nodes ${this.id} has no node "${id}" (nodes: ${known})`);
    }
    return found;
  }

  /**
   * The cabinet's breaker trips (`true`) or is reset: every node loses its supply (a lasting
   * `power-cut` fault: silent, dark) and, when it returns, powers up on its failure level. The
   * group's meters keep measuring: they sit upstream of the breaker, with the cabinet's standby.
   */
  tripFeed(tripped: boolean): void {
    for (const node of this.nodes) {
      if (tripped) node.inject({ mode: 'power-cut' });
      else node.clearFault('power-cut');
    }
  }

  /** The meter with this id; throws if there is none. */
  meter(id: string): SimMeter {
    return findMeter(this.id, this.meters, id);
  }

  /** Modbus TCP request frames received so far (0 without `tcp`). */
  get tcpRequests(): number {
    return this.#tcp?.requests ?? 0;
  }

  /** Open TCP connections (0 without `tcp`). */
  get connections(): number {
    return this.#tcp?.connections ?? 0;
  }

  /** RTU frames seen on the line (0 without a serial side). */
  get frames(): number {
    return this.#rtu?.frames ?? 0;
  }

  async start(): Promise<{ readonly endpoints: readonly Endpoint[] }> {
    if (this.#started) throw new Error(`lamp-nodes ${this.id} is already started`);
    this.#started = true;
    const units: ModbusUnit[] = [...this.nodes, ...this.meters];
    const { clock } = this.#context;
    const endpoints: Endpoint[] = [];
    try {
      const { tcp } = this.options;
      if (tcp !== undefined) {
        const server = new ModbusTcpServer({
          deviceId: this.id,
          host: tcp.host,
          port: tcp.port,
          clock,
          log: this.#log,
          units,
        });
        this.#tcp = server;
        const address = await server.listen();
        endpoints.push({ transport: 'tcp', host: address.address, port: address.port });
      }
      const serial = await this.#openLink();
      if (serial !== null) {
        const { baud, timing, turnaroundMs } = this.options;
        this.#rtu = new RtuBusServer({
          busId: this.id,
          clock,
          log: this.#log,
          link: serial.link,
          units,
          baud,
          emulateTiming: timing,
          turnaroundMs,
        });
        endpoints.push({ transport: 'pty', path: serial.agentPath });
      }
    } catch (err) {
      // socat may be running, a port open: a failed start leaves nothing behind.
      await this.stop();
      throw err;
    }
    for (const node of this.nodes) node.start();
    for (const meter of this.meters) meter.start();
    this.#log.info(
      {
        endpoints,
        nodes: this.nodes.map((n) => n.unitId),
        meters: this.meters.map((m) => m.unitId),
      },
      'lamp-nodes started',
    );
    return { endpoints };
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) node.stop();
    for (const meter of this.meters) meter.stop();
    const tcp = this.#tcp;
    this.#tcp = null;
    await tcp?.close();
    const rtu = this.#rtu;
    this.#rtu = null;
    await rtu?.close();
    const socat = this.#socat;
    this.#socat = null;
    await socat?.close();
    const dir = this.#tempDir;
    this.#tempDir = null;
    if (dir !== null) await rm(dir, { recursive: true, force: true });
  }

  /** The simulator's end of the line and the path the agent opens, or null without one. */
  async #openLink(): Promise<{ link: ByteLink; agentPath: string } | null> {
    const { pty, serial, peer, baud, parity, stopBits } = this.options;
    if (pty === undefined && serial === undefined) return null;
    const agentPath = pty ?? peer ?? serial ?? '';
    if (this.#seams.link !== undefined) return { link: this.#seams.link, agentPath };
    let simPath = serial;
    if (pty !== undefined) {
      this.#tempDir = await mkdtemp(join(tmpdir(), 'hameau-lamps-'));
      simPath = join(this.#tempDir, 'sim');
      this.#socat = await SocatPtyPair.open(simPath, pty);
    }
    if (simPath === undefined) throw new Error('lamp-nodes: no serial path');
    const link = await openSerialLink(this.id, { path: simPath, baud, parity, stopBits });
    return { link, agentPath };
  }
}
