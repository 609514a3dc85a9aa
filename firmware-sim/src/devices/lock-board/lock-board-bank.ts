import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type TimerHandle } from '@hameau/protocol';
import { pino, type Logger } from 'pino';
import { Fault } from '../../faults/fault.js';
import { FaultInjector, type ActiveFault } from '../../faults/fault-injector.js';
import { seededRandom, type Random } from '../../faults/garbage.js';
import type { DeviceContext, Endpoint, SimDevice } from '../../sim-device.js';
import type { ByteLink } from '../../transport/byte-link.js';
import { openSerialLink } from '../../transport/serial-link.js';
import { SocatPtyPair } from '../../transport/socat-pty-pair.js';
import { TcpDeviceServer } from '../../transport/tcp-device-server.js';
import type { BoardFaultInput } from './lock-board-fault.js';
import {
  LOCK_CMD_STATUS,
  LOCK_CMD_UNLOCK,
  LOCK_REQUEST_BYTES,
  LockRequestSplitter,
  type LockBoardRequest,
} from './lock-board-frame.js';
import { LockBoardBankOptions, type LockBoardBankOptionsInput } from './lock-board-options.js';
import { lockReplyDelayMs } from './lock-board-timing.js';
import { SimLockBoard, type BoardSnapshot, type UnlockRecord } from './sim-lock-board.js';

/** Test seams of a `LockBoardBank`. */
export interface LockBoardBankSeams {
  /** Replaces opening `serial`/`pty` with a link of the test's making (an in-memory pair). */
  readonly link?: ByteLink;
}

/** Where a reply goes: the link or connection its request came from. */
type Reply = (bytes: Buffer) => void;

/**
 * A bank of parcel lockers: Kerong-style lock boards (16 locks each) sharing one RS485 line,
 * served on a serial pty and/or over TCP as a serial-to-Ethernet gateway does. Each board
 * answers status requests to its address with its hook and IR bits, after the wire time at the
 * line's settings on the injected clock, and obeys unlock frames without answering them.
 */
export class LockBoardBank implements SimDevice {
  readonly kind = 'lock-board';
  readonly id: string;
  readonly options: LockBoardBankOptions;
  readonly boards: readonly SimLockBoard[];
  readonly #context: DeviceContext;
  readonly #seams: LockBoardBankSeams;
  readonly #log: Logger;
  readonly #byAddress = new Map<number, SimLockBoard>();
  readonly #faults: FaultInjector;
  readonly #random: Random;
  readonly #timers = new Set<TimerHandle>();
  readonly #unlocks: UnlockRecord[] = [];
  readonly #unlockListeners = new Set<(record: UnlockRecord) => void>();
  #tcp: TcpDeviceServer | null = null;
  #serial: ByteLink | null = null;
  #socat: SocatPtyPair | null = null;
  #tempDir: string | null = null;
  #requests = 0;
  #droppedBytes = 0;
  #started = false;
  #stopped = false;

  /** Validates the options (ConfigError listing every problem) and builds a stopped bank. */
  constructor(
    options: LockBoardBankOptionsInput,
    context: DeviceContext,
    seams: LockBoardBankSeams = {},
  ) {
    const parsed = LockBoardBankOptions.safeParse(options);
    if (!parsed.success) {
      throw new ConfigError(
        'lock-board device options',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`),
      );
    }
    this.options = Object.freeze(parsed.data);
    this.id = this.options.id;
    this.#context = context;
    this.#seams = seams;
    this.#log = (context.log ?? pino({ level: 'silent' })).child({ device: this.id });
    this.#random = seededRandom(this.options.seed);
    this.boards = this.options.boards.map(
      (entry) =>
        new SimLockBoard(entry, {
          clock: context.clock,
          log: this.#log,
          springMs: this.options.springMs,
          onUnlock: (record) => {
            this.#recordUnlock(record);
          },
        }),
    );
    for (const board of this.boards) this.#byAddress.set(board.address, board);
    this.#faults = new FaultInjector(context.clock, (active) => {
      this.#onBusFault(active);
    });
  }

  /** The board at `address`; throws if the bank has none (a typo in a test). */
  board(address: number): SimLockBoard {
    const board = this.#byAddress.get(address);
    if (board === undefined) throw new Error(`lock-board ${this.id} has no board ${address}`);
    return board;
  }

  /** Every unlock frame obeyed so far, in order. */
  get unlocks(): readonly UnlockRecord[] {
    return this.#unlocks;
  }

  /** Calls `listener` for every unlock frame obeyed; returns the function that removes it. */
  onUnlock(listener: (record: UnlockRecord) => void): () => void {
    this.#unlockListeners.add(listener);
    return () => this.#unlockListeners.delete(listener);
  }

  /** Request frames heard (any board, answered or not). */
  get requests(): number {
    return this.#requests;
  }

  /** Bytes skipped while hunting for frames (noise, bad SUMs). */
  get droppedBytes(): number {
    return this.#droppedBytes;
  }

  /** Open TCP connections (0 without `tcp`). */
  get connections(): number {
    return this.#tcp?.connections ?? 0;
  }

  /** The bus-wide fault, or null. */
  get fault(): ActiveFault | null {
    return this.#faults.active;
  }

  isLocked(board: number, lock: number): boolean {
    return this.board(board).isLocked(lock);
  }

  hasItem(board: number, lock: number): boolean {
    return this.board(board).hasItem(lock);
  }

  snapshot(board: number): BoardSnapshot {
    return this.board(board).snapshot();
  }

  /** Someone pushes the door shut: it latches, locked again. */
  closeDoor(board: number, lock: number): void {
    this.board(board).closeDoor(lock);
  }

  /** The door opens without an unlock (a forced door). */
  forceOpen(board: number, lock: number): void {
    this.board(board).forceOpen(lock);
  }

  placeItem(board: number, lock: number): void {
    this.board(board).placeItem(lock);
  }

  removeItem(board: number, lock: number): void {
    this.board(board).removeItem(lock);
  }

  /** Injects a fault into one board (validated; a bad fault is a ConfigError). */
  injectBoardFault(board: number, fault: BoardFaultInput): void {
    this.board(board).inject(fault);
  }

  /** Ends every fault of one board. */
  clearBoardFaults(board: number): void {
    this.board(board).clearFaults();
  }

  /** Puts the whole bus into a fault now: `silent`, `garbage` or `disconnect` (TCP clients). */
  inject(fault: Fault): void {
    const parsed = Fault.safeParse(fault);
    if (!parsed.success) {
      throw new ConfigError(
        'fault',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(fault)'}: ${i.message}`),
      );
    }
    this.#faults.inject(parsed.data);
  }

  /** Ends the bus-wide fault. */
  clearFault(): void {
    this.#faults.clear();
  }

  async start(): Promise<{ readonly endpoints: readonly Endpoint[] }> {
    if (this.#started) throw new Error(`lock-board ${this.id} is already started`);
    this.#started = true;
    const endpoints: Endpoint[] = [];
    try {
      const { tcp } = this.options;
      if (tcp !== undefined) {
        const server = new TcpDeviceServer({
          deviceId: this.id,
          host: tcp.host,
          port: tcp.port,
          log: this.#log,
          onConnection: (socket) => {
            this.#serveSocket(socket);
          },
        });
        this.#tcp = server;
        const address = await server.listen();
        endpoints.push({ transport: 'tcp', host: address.address, port: address.port });
      }
      const serial = await this.#openLink();
      if (serial !== null) {
        const { link, agentPath } = serial;
        this.#serial = link;
        const splitter = new LockRequestSplitter();
        link.onData((chunk) => {
          this.#receive(splitter, chunk, (bytes) => {
            link.write(bytes);
          });
        });
        endpoints.push({ transport: 'pty', path: agentPath });
      }
    } catch (err) {
      // socat may be running, a port open: a failed start leaves nothing behind.
      await this.stop();
      throw err;
    }
    for (const board of this.boards) board.start();
    this.#faults.schedule(this.options.faults);
    this.#log.info(
      { endpoints, boards: this.boards.map((b) => b.address), baud: this.options.baud },
      'lock-board started',
    );
    return { endpoints };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#faults.dispose();
    for (const board of this.boards) board.stop();
    for (const handle of this.#timers) this.#context.clock.clearTimeout(handle);
    this.#timers.clear();
    const tcp = this.#tcp;
    this.#tcp = null;
    await tcp?.close();
    const serial = this.#serial;
    this.#serial = null;
    await serial?.close();
    const socat = this.#socat;
    this.#socat = null;
    await socat?.close();
    const dir = this.#tempDir;
    this.#tempDir = null;
    if (dir !== null) await rm(dir, { recursive: true, force: true });
  }

  #serveSocket(socket: Socket): void {
    if (this.#faults.mode === 'disconnect') {
      socket.end();
      return;
    }
    const splitter = new LockRequestSplitter();
    socket.on('data', (chunk: Buffer) => {
      // After a disconnect fault ended the socket, requests still in flight go unheard.
      if (!socket.writable) return;
      this.#receive(splitter, chunk, (bytes) => {
        if (socket.writable) socket.write(bytes);
      });
    });
  }

  #receive(splitter: LockRequestSplitter, chunk: Buffer, reply: Reply): void {
    if (this.#stopped) return;
    for (const event of splitter.push(chunk)) {
      if (event.kind === 'dropped') {
        this.#droppedBytes += event.bytes;
        continue;
      }
      this.#handle(event.request, reply);
    }
  }

  #handle(request: LockBoardRequest, reply: Reply): void {
    this.#requests += 1;
    // The bus-wide faults: nothing reaches the boards while the bus is silent.
    if (this.#faults.mode === 'silent') return;
    const board = this.#byAddress.get(request.board);
    // Nobody on the bus has that address: the frame goes unanswered, as on a real line.
    if (board === undefined) return;
    switch (request.command) {
      case LOCK_CMD_UNLOCK:
        board.pulse(request.lock);
        return;
      case LOCK_CMD_STATUS: {
        // The status request names the board only; a lock nibble is a malformed request.
        if (request.lock !== 0) {
          this.#log.debug({ request }, 'ignored a status request with a lock nibble');
          return;
        }
        const answer = board.answerStatus();
        if (answer === null) return;
        const bytes = this.#faults.mode === 'garbage' ? this.#noise() : answer.reply;
        const { timing, turnaroundMs, baud, parity, stopBits } = this.options;
        const wireMs = timing
          ? lockReplyDelayMs(
              LOCK_REQUEST_BYTES,
              bytes.length,
              { baud, parity, stopBits },
              turnaroundMs,
            )
          : 0;
        this.#send(bytes, wireMs + answer.delayMs, reply);
        return;
      }
      default:
        this.#log.debug({ request }, 'ignored an unknown command');
    }
  }

  /** 1 to 16 random bytes in place of a reply. */
  #noise(): Buffer {
    const length = 1 + Math.floor(this.#random() * 16);
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) bytes[i] = Math.floor(this.#random() * 256);
    return bytes;
  }

  #send(bytes: Buffer, delayMs: number, reply: Reply): void {
    if (delayMs <= 0) {
      reply(bytes);
      return;
    }
    const handle = this.#context.clock.setTimeout(() => {
      this.#timers.delete(handle);
      if (!this.#stopped) reply(bytes);
    }, delayMs);
    this.#timers.add(handle);
  }

  #recordUnlock(record: UnlockRecord): void {
    this.#unlocks.push(record);
    this.#log.info({ board: record.board, lock: record.lock, effect: record.effect }, 'unlock');
    for (const listener of this.#unlockListeners) listener(record);
  }

  #onBusFault(active: ActiveFault | null): void {
    if (active === null) {
      this.#log.info('bus fault cleared');
      return;
    }
    this.#log.info({ fault: active.mode, until: active.until }, 'bus fault injected');
    if (active.mode === 'disconnect') this.#tcp?.disconnectAll();
  }

  /** The simulator's end of the serial line and the path the agent opens, if any. */
  async #openLink(): Promise<{ link: ByteLink; agentPath: string } | null> {
    const { pty, serial, peer, baud, parity, stopBits } = this.options;
    if (pty === undefined && serial === undefined) return null;
    const agentPath = pty ?? peer ?? serial ?? '';
    if (this.#seams.link !== undefined) return { link: this.#seams.link, agentPath };
    let simPath = serial;
    if (pty !== undefined) {
      this.#tempDir = await mkdtemp(join(tmpdir(), 'hameau-locks-'));
      simPath = join(this.#tempDir, 'sim');
      this.#socat = await SocatPtyPair.open(simPath, pty);
    }
    if (simPath === undefined)
      throw new Error('lock-board: no serial path (schema guarantees one)');
    const link = await openSerialLink(this.id, { path: simPath, baud, parity, stopBits });
    return { link, agentPath };
  }
}
