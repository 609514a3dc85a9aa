import { Transform, type TransformCallback } from 'node:stream';

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
 * Reads MQTT fixed headers as bytes stream past and fails the connection as soon as a packet's
 * remaining length exceeds the limit, before the broker buffers it. aedes has no such option,
 * and its parser would otherwise wait for (and hold) up to 256 MiB per packet.
 *
 * Only the fixed header is decoded here: a type byte, then 1-4 length bytes (7 bits each, high
 * bit = continuation). Everything else passes through untouched.
 */
export class PacketSizeGuard extends Transform {
  readonly #limit: number;
  /** Bytes of the current packet's body still to pass before the next fixed header. */
  #bodyLeft = 0;
  /** Position within a fixed header: 0 = expecting the type byte, then length bytes. */
  #headerPos = 0;
  #length = 0;
  #multiplier = 1;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
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
      if (this.#length > this.#limit) {
        done(new PacketTooLargeError(this.#length, this.#limit));
        return;
      }
      if ((byte & 0x80) === 0) {
        this.#bodyLeft = this.#length;
        this.#headerPos = 0;
      } else if (this.#headerPos > 4) {
        // A fifth length byte is malformed in MQTT; let the parser report it precisely.
        this.#bodyLeft = 0;
        this.#headerPos = 0;
      }
    }
    done(null, chunk);
  }
}
