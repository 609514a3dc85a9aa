import { createServer, type Server, type Socket } from 'node:net';

/** A read request as a peer receives it. */
export interface PeerRequest {
  readonly unitId: number;
  readonly functionCode: number;
  readonly address: number;
  readonly count: number;
  /** The MBAP transaction id (Modbus TCP only). */
  readonly transaction: number;
}

/** What the peer does with a request: raw PDU bytes to frame and send, nothing, or hang up. */
export type PeerAnswer =
  | { readonly pdu: readonly number[]; readonly unitId?: number; readonly badCrc?: boolean }
  | { readonly silent: true; readonly later?: (send: () => void) => void }
  | { readonly hangUp: true };

/** The Modbus CRC-16 (polynomial 0xA001, initial 0xFFFF), low byte first on the wire. */
export function crc16(bytes: readonly number[]): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** The PDU of a good reply carrying `words`. */
export function registersPdu(functionCode: number, words: readonly number[]): number[] {
  return [functionCode, words.length * 2, ...words.flatMap((w) => [w >> 8, w & 0xff])];
}

/**
 * A Modbus server over TCP that answers each request as the test scripts it, byte for byte:
 * `rtu` frames (RTU over TCP, with CRC) or `mbap` frames (Modbus TCP). Written here to make
 * the faults no real meter makes on demand: a bad CRC, the wrong unit, a short frame, a late
 * answer, a hang-up.
 */
export class ScriptedPeer {
  readonly requests: PeerRequest[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  constructor(
    readonly framing: 'rtu' | 'mbap',
    readonly answer: (request: PeerRequest) => PeerAnswer,
  ) {
    this.#server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => undefined);
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        const size = framing === 'rtu' ? 8 : 12;
        while (buffer.length >= size) {
          const frame = buffer.subarray(0, size);
          buffer = buffer.subarray(size);
          this.#handle(socket, frame);
        }
      });
    });
  }

  get port(): number {
    return this.#port;
  }

  /** Connections open now. */
  get connections(): number {
    return this.#sockets.size;
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.#port = typeof address === 'object' && address !== null ? address.port : 0;
    return this.#port;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
  }

  #handle(socket: Socket, frame: Buffer): void {
    const pduAt = this.framing === 'rtu' ? 1 : 7;
    const request: PeerRequest = {
      unitId: this.framing === 'rtu' ? (frame[0] ?? 0) : (frame[6] ?? 0),
      functionCode: frame[pduAt] ?? 0,
      address: frame.readUInt16BE(pduAt + 1),
      count: frame.readUInt16BE(pduAt + 3),
      transaction: this.framing === 'mbap' ? frame.readUInt16BE(0) : 0,
    };
    this.requests.push(request);
    const answer = this.answer(request);
    if ('hangUp' in answer) {
      socket.destroy();
      return;
    }
    if ('silent' in answer) {
      answer.later?.(() => {
        if (!socket.destroyed)
          socket.write(this.#frame(request, registersPdu(request.functionCode, [0xdead, 0xbeef])));
      });
      return;
    }
    socket.write(this.#frame(request, answer.pdu, answer.unitId, answer.badCrc));
  }

  #frame(
    request: PeerRequest,
    pdu: readonly number[],
    unitId = request.unitId,
    badCrc = false,
  ): Buffer {
    if (this.framing === 'rtu') {
      const body = [unitId, ...pdu];
      const crc = crc16(body) ^ (badCrc ? 0x0101 : 0);
      return Buffer.from([...body, crc & 0xff, crc >> 8]);
    }
    const header = [request.transaction >> 8, request.transaction & 0xff, 0, 0, 0, pdu.length + 1];
    return Buffer.from([...header, unitId, ...pdu]);
  }
}
