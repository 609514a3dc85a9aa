import { describe, expect, it } from 'vitest';
import { encodeRtuFrame, type ByteLink } from '@hameau/firmware-sim';
import { replyDelayMs } from '../../src/modbus/rtu-cycle.js';
import { WireTap } from '../../src/modbus/wire-tap.js';

/** The simulator's end of a line, as the tap wraps it: writes recorded, chunks delivered. */
class FakeLink implements ByteLink {
  readonly written: Buffer[] = [];
  #listener: ((chunk: Buffer) => void) | null = null;
  closed = false;
  write(bytes: Buffer): void {
    this.written.push(bytes);
  }
  onData(listener: (chunk: Buffer) => void): void {
    this.#listener = listener;
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  /** Bytes arriving from the master. */
  arrive(chunk: Buffer): void {
    this.#listener?.(chunk);
  }
}

const read = (unit: number, address: number, count: number, fc = 4) => {
  const pdu = Buffer.alloc(5);
  pdu.writeUInt8(fc, 0);
  pdu.writeUInt16BE(address, 1);
  pdu.writeUInt16BE(count, 3);
  return encodeRtuFrame(unit, pdu);
};
/** A reply of `count` registers (its content does not matter to the tap). */
const reply = (count: number) => Buffer.alloc(5 + 2 * count);

function setup() {
  let now = 1_000;
  const link = new FakeLink();
  const tap = new WireTap(link, { baud: 9_600, turnaroundMs: 2, now: () => now });
  const heard: Buffer[] = [];
  tap.onData((chunk) => heard.push(chunk));
  return {
    link,
    tap,
    heard,
    at: (ms: number) => {
      now = ms;
    },
  };
}

describe('WireTap', () => {
  it('passes bytes through both ways unchanged', async () => {
    const { link, tap, heard } = setup();
    const request = read(1, 0, 2);
    link.arrive(request);
    tap.write(reply(2));
    await tap.close();
    expect(heard).toEqual([request]);
    expect(link.written).toEqual([reply(2)]);
    expect(link.closed).toBe(true);
  });

  it('times the reply against its emulated wire time, and the master’s gap after it', () => {
    const { link, tap, at } = setup();
    const ideal = replyDelayMs(8, 9, 9_600, 2, true); // 25.49 ms
    at(1_000);
    link.arrive(read(1, 0, 2));
    at(1_000 + ideal + 0.5);
    tap.write(reply(2));
    at(1_000 + ideal + 0.5 + 5.25);
    link.arrive(read(2, 0, 2));
    const w = tap.window();
    expect(w.replyLateMs).toHaveLength(1);
    expect(w.replyLateMs[0]).toBeCloseTo(0.5, 10);
    expect(w.masterGapMs).toHaveLength(1);
    expect(w.masterGapMs[0]).toBeCloseTo(5.25, 10);
  });

  it('records no gap after a request nobody answered: that was a timeout', () => {
    const { link, tap, at } = setup();
    at(0);
    link.arrive(read(9, 0, 18));
    at(1_004);
    link.arrive(read(1, 0, 18));
    at(1_060);
    tap.write(reply(18));
    const w = tap.window();
    expect(w.masterGapMs).toEqual([]);
    // The silent unit held the bus from its request to the next one: the master's timeout.
    expect(w.unanswered).toEqual({ 9: { count: 1, ms: 1_004 } });
    // The reply belongs to the second request, timed from its arrival.
    expect(w.replyLateMs[0]).toBeCloseTo(56 - replyDelayMs(8, 41, 9_600, 2, true), 10);
  });

  it('learns each unit’s plan in the order first seen, once per distinct read', () => {
    const { link, tap } = setup();
    for (let round = 0; round < 3; round++) {
      for (const unit of [1, 2]) {
        for (const [address, count] of [
          [0, 18],
          [52, 2],
        ] as const) {
          link.arrive(read(unit, address, count));
          tap.write(reply(count));
        }
      }
    }
    expect([...tap.plans().keys()]).toEqual([1, 2]);
    expect(tap.plans().get(2)).toEqual([
      { unitId: 2, functionCode: 4, address: 0, count: 18 },
      { unitId: 2, functionCode: 4, address: 52, count: 2 },
    ]);
  });

  it('puts a request split over several chunks back together', () => {
    const { link, tap, heard } = setup();
    const request = read(3, 0x156, 2, 3);
    link.arrive(request.subarray(0, 3));
    link.arrive(request.subarray(3));
    expect(heard).toHaveLength(2);
    expect(tap.plans().get(3)).toEqual([{ unitId: 3, functionCode: 3, address: 0x156, count: 2 }]);
  });

  it('counts a frame that is not a read apart and forgets it', () => {
    const { link, tap } = setup();
    const write = Buffer.from([1, 16, 0, 0, 0, 1, 2, 0, 5, 0xaa, 0xbb]);
    link.arrive(write);
    expect(tap.window().otherFrames).toBe(1);
    expect(tap.plans().size).toBe(0);
  });

  it('starts a new window at each mark, keeping the plans', () => {
    const { link, tap, at } = setup();
    at(0);
    link.arrive(read(1, 0, 2));
    at(30);
    tap.write(reply(2));
    at(100);
    tap.mark();
    at(350);
    const w = tap.window();
    expect(w.elapsedMs).toBe(250);
    expect(w.replyLateMs).toEqual([]);
    expect(tap.plans().get(1)).toHaveLength(1);
  });
});
