import { connect, type Socket } from 'node:net';

// Hand-built MQTT 3.1.1 packets for tests that must send bytes no well-behaved client library
// would produce (bad lengths, invalid UTF-8, wildcards in PUBLISH). `mqtt-packet` is only a
// transitive dependency of the broker and refuses to generate most of these, so the few packet
// types we need are encoded here, each against its section of the MQTT 3.1.1 specification.

/** Control packet types: the high nibble of a packet's first byte (§2.2.1). */
export const PacketType = {
  connect: 1,
  connack: 2,
  publish: 3,
  puback: 4,
  subscribe: 8,
  suback: 9,
  pingreq: 12,
  pingresp: 13,
  disconnect: 14,
} as const;

/** Remaining Length (§2.2.3): 7 bits per byte, least significant first, high bit = more. */
export function encodeVarint(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 268_435_455) {
    throw new RangeError(`remaining length ${value} cannot be encoded`);
  }
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return Buffer.from(bytes);
}

const uint16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};

/**
 * A UTF-8 string field (§1.5.3): 2-byte big-endian length, then the bytes. A Buffer is sent
 * verbatim, which is how tests put invalid UTF-8 on the wire.
 */
export function encodeString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint16(bytes.length), bytes]);
}

/** A whole packet: type and flags in the first byte, the Remaining Length, then the body. */
export function frame(type: number, flags: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(type << 4) | flags]), encodeVarint(body.length), body]);
}

export interface ConnectFields {
  readonly clientId: string | Buffer;
  readonly username?: string | Buffer;
  readonly password?: string;
  readonly cleanSession?: boolean;
  readonly keepaliveSeconds?: number;
}

/** CONNECT (§3.1): protocol name `MQTT`, level 4, flags, keep-alive, then the payload fields. */
export function connectPacket(fields: ConnectFields): Buffer {
  const { clientId, username, password, cleanSession = true, keepaliveSeconds = 60 } = fields;
  let flags = 0;
  if (cleanSession) flags |= 0x02;
  if (password !== undefined) flags |= 0x40;
  if (username !== undefined) flags |= 0x80;
  return frame(
    PacketType.connect,
    0,
    Buffer.concat([
      encodeString('MQTT'),
      Buffer.from([4, flags]),
      uint16(keepaliveSeconds),
      encodeString(clientId),
      ...(username === undefined ? [] : [encodeString(username)]),
      ...(password === undefined ? [] : [encodeString(password)]),
    ]),
  );
}

/** SUBSCRIBE (§3.8): fixed-header flags must be 0b0010; packet id, then filter and QoS. */
export function subscribePacket(messageId: number, filter: string, qos: 0 | 1 = 0): Buffer {
  return frame(
    PacketType.subscribe,
    0b0010,
    Buffer.concat([uint16(messageId), encodeString(filter), Buffer.from([qos])]),
  );
}

export interface PublishFields {
  readonly topic: string | Buffer;
  readonly payload: Buffer | string;
  readonly qos?: 0 | 1;
  readonly messageId?: number;
  readonly retain?: boolean;
}

/** PUBLISH (§3.3): QoS in flag bits 1-2, retain in bit 0; packet id only when QoS > 0. */
export function publishPacket(fields: PublishFields): Buffer {
  const { topic, payload, qos = 0, messageId = 1, retain = false } = fields;
  return frame(
    PacketType.publish,
    (qos << 1) | (retain ? 1 : 0),
    Buffer.concat([
      encodeString(topic),
      qos > 0 ? uint16(messageId) : Buffer.alloc(0),
      typeof payload === 'string' ? Buffer.from(payload) : payload,
    ]),
  );
}

/** PINGREQ (§3.12): a fixed header with no body. */
export const pingreqPacket = (): Buffer => Buffer.from([PacketType.pingreq << 4, 0]);

/** Bytes a PUBLISH body takes besides its payload: topic field, plus packet id at QoS 1. */
export function publishOverhead(topic: string, qos: 0 | 1): number {
  return 2 + Buffer.byteLength(topic) + (qos > 0 ? 2 : 0);
}

export interface RawPacket {
  readonly type: number;
  readonly flags: number;
  readonly body: Buffer;
}

/** Rejects with a message naming what was awaited when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/** A TCP connection to the broker that sends raw bytes and splits what comes back into packets. */
export class RawConnection {
  readonly #socket: Socket;
  readonly #closed: Promise<void>;
  #isClosed = false;
  #pending = Buffer.alloc(0);
  readonly #packets: RawPacket[] = [];
  #wake: (() => void) | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    // The broker may close first; a write racing that close is expected, not a test failure.
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.#pending = Buffer.concat([this.#pending, chunk]);
      this.#split();
    });
    this.#closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#isClosed = true;
        this.#wake?.();
        resolve();
      });
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    return withTimeout(
      new Promise((resolve, reject) => {
        const socket = connect({ port, host, noDelay: true });
        socket.once('error', reject);
        socket.once('connect', () => {
          socket.off('error', reject);
          resolve(new RawConnection(socket));
        });
      }),
      2_000,
      `TCP connect to ${host}:${port}`,
    );
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** The socket itself, for tests that pause it to simulate a frozen client. */
  get socket(): Socket {
    return this.#socket;
  }

  send(bytes: Buffer): void {
    if (!this.#isClosed) this.#socket.write(bytes);
  }

  /** Half-closes: sends FIN after `bytes`, as a client that hangs up mid-packet does. */
  end(bytes?: Buffer): void {
    if (bytes) this.#socket.end(bytes);
    else this.#socket.end();
  }

  /** The next whole packet from the broker; rejects when the connection closes first. */
  async nextPacket(timeoutMs = 2_000): Promise<RawPacket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const packet = this.#packets.shift();
      if (packet) return packet;
      if (this.#isClosed) throw new Error('connection closed before the expected packet');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no packet within ${timeoutMs} ms`);
      await withTimeout(
        new Promise<void>((resolve) => (this.#wake = resolve)),
        left,
        'a packet from the broker',
      ).finally(() => (this.#wake = null));
    }
  }

  /** The CONNACK return code (§3.2.2.3) of the next packet, which must be a CONNACK. */
  async connack(timeoutMs = 2_000): Promise<number> {
    const packet = await this.nextPacket(timeoutMs);
    if (packet.type !== PacketType.connack)
      throw new Error(`expected CONNACK, got type ${packet.type}`);
    return packet.body[1] ?? -1;
  }

  /** Resolves once the broker has closed this connection; rejects after `timeoutMs`. */
  waitClosed(timeoutMs = 2_000): Promise<void> {
    return withTimeout(this.#closed, timeoutMs, 'the broker to close the connection');
  }

  destroy(): void {
    this.#socket.destroy();
  }

  /** Moves every complete packet from the byte buffer to the packet queue. */
  #split(): void {
    for (;;) {
      let length = 0;
      let multiplier = 1;
      let pos = 1;
      for (;;) {
        const byte = this.#pending[pos];
        if (byte === undefined) return;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        pos++;
        if ((byte & 0x80) === 0) break;
      }
      if (this.#pending.length < pos + length) return;
      const first = this.#pending[0] ?? 0;
      this.#packets.push({
        type: first >> 4,
        flags: first & 0x0f,
        body: this.#pending.subarray(pos, pos + length),
      });
      this.#pending = this.#pending.subarray(pos + length);
      this.#wake?.();
    }
  }
}

/** Opens a connection, sends CONNECT and returns it with the broker's CONNACK return code. */
export async function rawConnect(
  port: number,
  fields: ConnectFields,
): Promise<{ conn: RawConnection; returnCode: number }> {
  const conn = await RawConnection.open(port);
  conn.send(connectPacket(fields));
  return { conn, returnCode: await conn.connack() };
}
