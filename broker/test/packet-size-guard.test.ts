import { describe, expect, it } from 'vitest';
import { PacketSizeGuard, PacketTooLargeError } from '../src/packet-size-guard.js';

/** Feeds chunks through a guard; resolves with what passed or the error it raised. */
async function feed(
  limit: number,
  chunks: Buffer[],
): Promise<{ passed: Buffer; error: Error | null }> {
  const guard = new PacketSizeGuard(limit);
  const out: Buffer[] = [];
  guard.on('data', (c: Buffer) => out.push(c));
  const error = await new Promise<Error | null>((resolve) => {
    guard.once('error', resolve);
    guard.once('end', () => { resolve(null); });
    for (const c of chunks) guard.write(c);
    guard.end();
  });
  return { passed: Buffer.concat(out), error };
}

// PINGREQ: type 0xC0, remaining length 0.
const pingreq = Buffer.from([0xc0, 0x00]);
// PUBLISH QoS 0 to topic "a" with a 3-byte payload: 0x30, length 6, topic length 0x0001, 'a', payload.
const smallPublish = Buffer.from([0x30, 0x06, 0x00, 0x01, 0x61, 0x78, 0x79, 0x7a]);
// A PUBLISH announcing 200 bytes: length 200 = 0xC8 0x01 as a varint (0x48 | 0x80, then 1).
const announces200 = Buffer.from([0x30, 0xc8, 0x01]);

describe('PacketSizeGuard', () => {
  it('passes packets within the limit byte for byte', async () => {
    const r = await feed(100, [pingreq, smallPublish, pingreq]);
    expect(r.error).toBeNull();
    expect(r.passed).toEqual(Buffer.concat([pingreq, smallPublish, pingreq]));
  });

  it('follows packets split across chunks at any byte', async () => {
    const all = Buffer.concat([smallPublish, pingreq, smallPublish]);
    const chunks = [...all].map((b) => Buffer.from([b]));
    const r = await feed(6, chunks);
    expect(r.error).toBeNull();
    expect(r.passed).toEqual(all);
  });

  it('fails as soon as a header announces more than the limit, before the body arrives', async () => {
    const r = await feed(199, [smallPublish, announces200]);
    expect(r.error).toBeInstanceOf(PacketTooLargeError);
    expect((r.error as PacketTooLargeError).announced).toBeGreaterThan(199);
  });

  it('accepts a packet exactly at the limit', async () => {
    const body = Buffer.alloc(200, 1);
    const r = await feed(200, [announces200, body, pingreq]);
    expect(r.error).toBeNull();
    expect(r.passed.length).toBe(3 + 200 + 2);
  });

  it('stops a 256 MiB announcement at its first length bytes', async () => {
    // Maximum MQTT remaining length: 0xFF 0xFF 0xFF 0x7F.
    const r = await feed(1024, [Buffer.from([0x30, 0xff, 0xff])]);
    expect(r.error).toBeInstanceOf(PacketTooLargeError);
  });
});
