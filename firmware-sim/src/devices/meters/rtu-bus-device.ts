import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DeviceId } from '@hameau/protocol';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { RtuBusServer } from '../../modbus/rtu-bus-server.js';
import type { DeviceContext, Endpoint } from '../../sim-device.js';
import type { ByteLink } from '../../transport/byte-link.js';
import { openSerialLink } from '../../transport/serial-link.js';
import { SocatPtyPair } from '../../transport/socat-pty-pair.js';
import { findMeter, type MeterDevice } from './meter-device.js';
import { MeterList } from './meter-options.js';
import { SimMeter } from './sim-meter.js';

const SerialPath = z.string().min(1).startsWith('/', 'must be an absolute path');

/** The fields of an RTU bus, shared by `RtuBusOptions` and the scenario entry. */
export const RtuBusFields = z.object({
  id: DeviceId,
  /**
   * Path the edge agent opens: the simulator starts `socat` to make a pty pair and links this
   * path to the agent's end (it keeps the other end in a private temporary folder).
   */
  pty: SerialPath.optional(),
  /** A serial device the simulator opens itself (one end of your own socat pair, an adapter). */
  serial: SerialPath.optional(),
  /** With `serial`: the path the agent opens, printed as the endpoint (default: `serial`). */
  peer: SerialPath.optional(),
  /** Line speed; replies take their wire time at this rate. SDM630: 9600, SDM120: 2400. */
  baud: z.number().int().min(300).max(921_600).default(9_600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  /** Delay each reply by the request and reply wire time, t3.5 and the turnaround. */
  timing: z.boolean().default(true),
  /** The meters' time to prepare a reply, ms (added when `timing` is on). */
  turnaroundMs: z.number().min(0).max(10_000).default(5),
  meters: MeterList,
});

/** The bus's serial side is either a pty socat makes, or a device given as `serial`. */
export function checkRtuBusPaths(
  bus: {
    readonly pty?: string | undefined;
    readonly serial?: string | undefined;
    readonly peer?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if ((bus.pty === undefined) === (bus.serial === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['pty'],
      message: 'give exactly one of pty (socat is started) or serial (an existing device)',
    });
  }
  if (bus.peer !== undefined && bus.serial === undefined) {
    ctx.addIssue({ code: 'custom', path: ['peer'], message: 'peer goes with serial only' });
  }
}

/** Settings of an `RtuBusDevice` (a scenario entry of `type: rtu-bus`, without `type`). */
export const RtuBusOptions = RtuBusFields.strict().superRefine(checkRtuBusPaths);
export type RtuBusOptions = Readonly<z.output<typeof RtuBusOptions>>;
export type RtuBusOptionsInput = z.input<typeof RtuBusOptions>;

/** Test seams of an `RtuBusDevice`. */
export interface RtuBusSeams {
  /** Replaces opening `serial`/`pty` with a link of the test's making (an in-memory pair). */
  readonly link?: ByteLink;
}

/**
 * Meters daisy-chained on one RS485 line, served as Modbus RTU on a serial device: each answers
 * its own unit id, replies take their wire time at the bus's baud rate on the injected clock.
 */
export class RtuBusDevice implements MeterDevice {
  readonly kind = 'rtu-bus';
  readonly id: string;
  readonly options: RtuBusOptions;
  readonly meters: readonly SimMeter[];
  readonly #context: DeviceContext;
  readonly #seams: RtuBusSeams;
  readonly #log: Logger;
  #server: RtuBusServer | null = null;
  #socat: SocatPtyPair | null = null;
  #tempDir: string | null = null;
  #started = false;

  /** Validates the options (ConfigError listing every problem) and builds a stopped bus. */
  constructor(options: RtuBusOptionsInput, context: DeviceContext, seams: RtuBusSeams = {}) {
    const parsed = RtuBusOptions.safeParse(options);
    if (!parsed.success) {
      throw new ConfigError(
        'rtu-bus device options',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`),
      );
    }
    this.options = Object.freeze(parsed.data);
    this.id = this.options.id;
    this.#context = context;
    this.#seams = seams;
    this.#log = (context.log ?? pino({ level: 'silent' })).child({ device: this.id });
    this.meters = this.options.meters.map(
      (m) => new SimMeter(m, { clock: context.clock, log: this.#log }),
    );
  }

  /** Frames seen on the bus (0 before start). */
  get frames(): number {
    return this.#server?.frames ?? 0;
  }

  /** Frames dropped for a bad CRC (0 before start). */
  get crcErrors(): number {
    return this.#server?.crcErrors ?? 0;
  }

  meter(id: string): SimMeter {
    return findMeter(this.id, this.meters, id);
  }

  async start(): Promise<{ readonly endpoints: readonly Endpoint[] }> {
    if (this.#started) throw new Error(`rtu-bus ${this.id} is already started`);
    this.#started = true;
    let opened: { link: ByteLink; agentPath: string };
    try {
      opened = await this.#openLink();
    } catch (err) {
      // socat may be running and its folder made: a failed start leaves nothing behind.
      await this.stop();
      throw err;
    }
    const { link, agentPath } = opened;
    const { baud, timing, turnaroundMs } = this.options;
    this.#server = new RtuBusServer({
      busId: this.id,
      clock: this.#context.clock,
      log: this.#log,
      link,
      units: this.meters,
      baud,
      emulateTiming: timing,
      turnaroundMs,
    });
    for (const meter of this.meters) meter.start();
    const endpoint: Endpoint = { transport: 'pty', path: agentPath };
    this.#log.info({ endpoint, baud, units: this.meters.map((m) => m.unitId) }, 'rtu-bus started');
    return { endpoints: [endpoint] };
  }

  async stop(): Promise<void> {
    for (const meter of this.meters) meter.stop();
    const server = this.#server;
    this.#server = null;
    await server?.close();
    const socat = this.#socat;
    this.#socat = null;
    await socat?.close();
    const dir = this.#tempDir;
    this.#tempDir = null;
    if (dir !== null) await rm(dir, { recursive: true, force: true });
  }

  /** The simulator's end of the line, and the path the agent opens. */
  async #openLink(): Promise<{ link: ByteLink; agentPath: string }> {
    const { pty, serial, peer, baud, parity, stopBits } = this.options;
    const agentPath = pty ?? peer ?? serial ?? '';
    if (this.#seams.link !== undefined) return { link: this.#seams.link, agentPath };
    let simPath = serial;
    if (pty !== undefined) {
      this.#tempDir = await mkdtemp(join(tmpdir(), 'hameau-rtu-'));
      simPath = join(this.#tempDir, 'sim');
      this.#socat = await SocatPtyPair.open(simPath, pty);
    }
    if (simPath === undefined) throw new Error('rtu-bus: no serial path (schema guarantees one)');
    const link = await openSerialLink(this.id, { path: simPath, baud, parity, stopBits });
    return { link, agentPath };
  }
}
