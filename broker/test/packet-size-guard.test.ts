import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PacketSizeMeter, PacketTooLargeError, limitPacketSize } from '../src/packet-size-guard.js';

/** Feeds chunks to a meter; returns the first error it reports, or null. */
function feed(limit: number, chunks: Uint8Array[]): PacketTooLargeError | null {
  const meter = new PacketSizeMeter(limit);
  for (const c of chunks) {
    const err = meter.feed(c);
    if (err) return err;
  }
  return null;
}

// PINGREQ: type 0xC0, remaining length 0.
const pingreq = Buffer.from([0xc0, 0x00]);
// PUBLISH QoS 0 to topic "a" with a 3-byte payload: 0x30, length 6, topic length 0x0001, 'a', payload.
const smallPublish = Buffer.from([0x30, 0x06, 0x00, 0x01, 0x61, 0x78, 0x79, 0x7a]);
// A PUBLISH announcing 200 bytes: length 200 = 0xC8 0x01 as a varint (0x48 | 0x80, then 1).
const announces200 = Buffer.from([0x30, 0xc8, 0x01]);

describe('PacketSizeMeter', () => {
  it('accepts packets within the limit', () => {
    expect(feed(100, [pingreq, smallPublish, pingreq])).toBeNull();
  });

  it('follows packets split across chunks at any byte', () => {
    const all = Buffer.concat([smallPublish, pingreq, smallPublish, announces200]);
    const bytes = [...all].map((b) => Buffer.from([b]));
    expect(feed(6, bytes.slice(0, -3))).toBeNull();
    // The same stream ending in the 200-byte announcement fails at its last length byte.
    expect(feed(199, bytes)?.announced).toBe(200);
  });

  it('reports a header announcing more than the limit before any body byte', () => {
    const err = feed(199, [smallPublish, announces200]);
    expect(err).toBeInstanceOf(PacketTooLargeError);
    expect(err?.announced).toBeGreaterThan(199);
  });

  it('accepts a packet exactly at the limit and keeps counting after it', () => {
    expect(feed(200, [announces200, Buffer.alloc(200, 0x30), pingreq])).toBeNull();
    // The body bytes 0x30 would look like headers if the meter did not skip them.
    expect(feed(200, [announces200, Buffer.alloc(200, 0x30), announces200])).toBeNull();
  });

  it('stops a 256 MiB announcement at its first length bytes', () => {
    // Maximum MQTT remaining length: 0xFF 0xFF 0xFF 0x7F.
    expect(feed(1024, [Buffer.from([0x30, 0xff, 0xff])])).toBeInstanceOf(PacketTooLargeError);
  });
});

describe('limitPacketSize', () => {
  it('passes what the reader reads and destroys the stream on an oversized packet', async () => {
    const stream = new PassThrough();
    const seen: PacketTooLargeError[] = [];
    const destroyedWith: Error[] = [];
    stream.on('error', (err) => destroyedWith.push(err));
    limitPacketSize(stream, 100, (err) => seen.push(err));
    stream.write(smallPublish);
    expect(stream.read()).toEqual(smallPublish);
    stream.write(announces200);
    expect(stream.read()).toBeNull();
    expect(seen).toHaveLength(1);
    expect(stream.destroyed).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(destroyedWith).toEqual(seen);
  });
});
