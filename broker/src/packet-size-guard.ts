import type { Duplex } from 'node:stream';

/** Raised when a client announces a packet larger than the broker accepts. */
export class PacketTooLargeError extends Error {
  constructor(
    readonly announced: number,
    readonly limit: number,
  ) {
    super(`packet of ${announced} bytes exceeds the ${limit}-byte limit`);
  }
}

/**
 * Follows MQTT fixed headers through the bytes a client sends and spots, as soon as its length
 * bytes arrive, a packet whose remaining length exceeds the limit. aedes has no such option,
 * and its parser would otherwise wait for (and hold) up to 256 MiB per packet.
 *
 * Only the fixed header is decoded: a type byte, then 1-4 length bytes (7 bits each, high bit =
 * continuation). Bodies are skipped without being looked at.
 */
export class PacketSizeMeter {
  readonly #limit: number;
  /** Bytes of the current packet's body still to skip before the next fixed header. */
  #bodyLeft = 0;
  /** Position within a fixed header: 0 = expecting the type byte, then length bytes. */
  #headerPos = 0;
  #length = 0;
  #multiplier = 1;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Reads one chunk; returns the error as soon as a packet is too large, else null. */
  feed(chunk: Uint8Array): PacketTooLargeError | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.#bodyLeft > 0) {
        const skip = Math.min(this.#bodyLeft, chunk.length - i);
        this.#bodyLeft -= skip;
        i += skip;
        continue;
      }
      const byte = chunk[i++] as number;
      if (this.#headerPos === 0) {
        this.#headerPos = 1;
        this.#length = 0;
        this.#multiplier = 1;
        continue;
      }
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      this.#headerPos++;
      if (this.#length > this.#limit) return new PacketTooLargeError(this.#length, this.#limit);
      if ((byte & 0x80) === 0) {
        this.#bodyLeft = this.#length;
        this.#headerPos = 0;
      } else if (this.#headerPos > 4) {
        // A fifth length byte is malformed MQTT; the parser reports it precisely.
        this.#bodyLeft = 0;
        this.#headerPos = 0;
      }
    }
    return null;
  }
}

/**
 * Makes `stream` fail with a PacketTooLargeError as soon as the client announces a packet over
 * `limit` bytes. It wraps the stream's own `read()` (aedes pulls each chunk with it) instead of
 * piping through another stream: an extra stream per connection cost a third of the broker's
 * QoS 1 throughput (docs/benchmarks.md).
 */
export function limitPacketSize(
  stream: Duplex,
  limit: number,
  onTooLarge: (err: PacketTooLargeError) => void,
): Duplex {
  const meter = new PacketSizeMeter(limit);
  const read = stream.read.bind(stream);
  stream.read = (size?: number): unknown => {
    const chunk: unknown = read(size);
    if (chunk instanceof Uint8Array) {
      const tooLarge = meter.feed(chunk);
      if (tooLarge !== null) {
        onTooLarge(tooLarge);
        stream.destroy(tooLarge);
        return null;
      }
    }
    return chunk;
  };
  return stream;
}
