import { ConfigError, ManualClock } from '@hameau/protocol';
import { describe, expect, it } from 'vitest';
import { readRequestPdu } from '../../../src/modbus/modbus-pdu.js';
import { SimLampNode } from '../../../src/devices/lamp-node/sim-lamp-node.js';
import { hex, silentLog } from '../../meter-fixtures.js';
import {
  readHolding,
  readInput,
  replyHex,
  startedNode,
  write,
  writeMany,
} from './lamp-node-fixtures.js';

const HOUR = 3_600_000;

describe('lamp node register map', () => {
  it('serves the holding and input registers', () => {
    const { node } = startedNode({ burningHours: 1234.5 });
    expect(readHolding(node)).toEqual([50, 100, 300, 1]);
    // 50 % on the typical LED curve is 15 + 40 × 85 / 90 % of 120 W: 63.33 W, served as 633.
    expect(readInput(node)).toEqual([50, 633, 2300, 0x0001, 0xe23a, 0, 120]);
    // Part of the map, from the middle: the burning hours' two words, high word first.
    expect(replyHex(node.answer(readRequestPdu(4, 3, 2)))).toBe('0404' + '0001e23a');
  });

  it('acknowledges writes as the spec says: FC 06 echoes, FC 16 gives address and quantity', () => {
    const { node } = startedNode();
    expect(write(node, 0, 75)).toBe('060000004b');
    expect(writeMany(node, 1, [30, 60])).toBe('1000010002');
    expect(readHolding(node)).toEqual([75, 30, 60, 1]);
    expect(node.appliedLevel).toBe(75);
  });

  it('answers 02 for registers it does not have and 03 for values out of range', () => {
    const { node } = startedNode();
    const answers = [
      replyHex(node.answer(readRequestPdu(3, 0, 5))),
      replyHex(node.answer(readRequestPdu(3, 4, 1))),
      replyHex(node.answer(readRequestPdu(4, 6, 2))),
      replyHex(node.answer(readRequestPdu(4, 0, 0))),
      write(node, 4, 1),
      write(node, 0, 101),
      write(node, 1, 101),
      write(node, 3, 2),
      writeMany(node, 2, [10, 1, 0]),
      replyHex(node.answer(hex('05 0000 FF00'))),
    ];
    expect(answers).toEqual([
      '8302',
      '8302',
      '8402',
      '8403',
      '8602',
      '8603',
      '8603',
      '8603',
      '9002',
      '8501',
    ]);
    // A watchdog of 65535 s is legal: every uint16 is.
    expect(write(node, 2, 0xffff)).toBe('060002ffff');
  });

  it('applies a multiple write whole or not at all', () => {
    const { node } = startedNode();
    expect(writeMany(node, 0, [20, 40, 90, 2])).toBe('9003');
    expect(readHolding(node)).toEqual([50, 100, 300, 1]);
    // A byte count that does not match the quantity is malformed: 03.
    expect(replyHex(node.answer(hex('10 0000 0002 03 0014 00')))).toBe('9003');
    expect(writeMany(node, 0, [20, 40, 90, 0])).toBe('1000000004');
    expect(readHolding(node)).toEqual([20, 40, 90, 0]);
  });
});

describe('dimming', () => {
  it('draws power along its dimming curve', () => {
    const { node } = startedNode();
    const powerAt = (level: number) => {
      write(node, 0, level);
      return node.powerW;
    };
    expect([0, 5, 10, 100].map(powerAt)).toEqual([0, 9, 18, 120]);
    const custom = startedNode({
      curve: [
        { level: 0, power: 0 },
        { level: 100, power: 80 },
      ],
    });
    write(custom.node, 0, 50);
    expect(custom.node.powerW).toBe(48);
  });

  it('refuses a curve that does not run from 0 to 100 or goes back', () => {
    const clock = new ManualClock();
    const build = (curve: { level: number; power: number }[]) => () =>
      new SimLampNode({ id: 'x', unit: 1, curve }, { clock, log: silentLog });
    expect(
      build([
        { level: 10, power: 0 },
        { level: 100, power: 100 },
      ]),
    ).toThrow(/curve\.0\.level: the first point is level 0/);
    expect(
      build([
        { level: 0, power: 0 },
        { level: 50, power: 60 },
        { level: 40, power: 50 },
        { level: 100, power: 100 },
      ]),
    ).toThrow(/levels must increase \(50 then 40\)[\s\S]*power must not decrease/);
  });

  it('an open relay puts the lamp out, and closing it brings the commanded level back', () => {
    const { node } = startedNode();
    write(node, 3, 0);
    expect([node.appliedLevel, node.powerW, readInput(node)[0]]).toEqual([0, 0, 0]);
    write(node, 0, 100);
    expect(node.appliedLevel).toBe(0);
    write(node, 3, 1);
    expect([node.appliedLevel, node.powerW]).toEqual([100, 120]);
  });
});

describe('controller watchdog', () => {
  it('falls back to the system-failure level when no level is written for the watchdog time', async () => {
    const { node, clock } = startedNode({ level: 30, failureLevel: 80, watchdogSeconds: 60 });
    await clock.advance(59_999);
    expect([node.appliedLevel, readInput(node)[5]]).toEqual([30, 0]);
    await clock.advance(1);
    expect(node.appliedLevel).toBe(80);
    expect(readInput(node)[5]).toBe(0b1000);
    // The last command is still what register 0 reads; the next one ends the fallback.
    expect(readHolding(node)[0]).toBe(30);
    write(node, 0, 20);
    expect([node.appliedLevel, readInput(node)[5]]).toEqual([20, 0]);
  });

  it('restarts its countdown at each level write, and never expires when set to 0', async () => {
    const { node, clock } = startedNode({ level: 30, failureLevel: 80, watchdogSeconds: 60 });
    for (let i = 0; i < 5; i++) {
      await clock.advance(50_000);
      write(node, 0, 30 + i);
    }
    await clock.advance(59_000);
    expect(node.appliedLevel).toBe(34);
    write(node, 2, 0);
    await clock.advance(10 * HOUR);
    expect(node.appliedLevel).toBe(34);
    // Turned on again, it counts from that write.
    write(node, 2, 10);
    await clock.advance(10_000);
    expect(node.appliedLevel).toBe(80);
  });

  it('closes an open relay when it falls back, and applies a new failure level at once', async () => {
    const { node, clock } = startedNode({ level: 0, relay: false, watchdogSeconds: 1 });
    await clock.advance(1_000);
    expect([node.appliedLevel, readHolding(node)[3]]).toEqual([100, 1]);
    write(node, 1, 40);
    expect(node.appliedLevel).toBe(40);
  });

  it('starts powered up when no level was commanded: failure level, restarted', () => {
    const { node } = startedNode({ level: undefined, failureLevel: 60 });
    expect(readHolding(node)[0]).toBe(60);
    const first = readInput(node);
    expect([first[0], first[5]]).toEqual([60, 0b1100]);
    // The first read reported (and cleared) the restarted bit; the fallback bit stays.
    expect(readInput(node)[5]).toBe(0b1000);
  });
});

describe('faults', () => {
  it('lamp failure: ~0 W while driven on, bit 0 only while on, no burning hours', async () => {
    const { node, clock } = startedNode({ level: 100 });
    node.inject({ mode: 'lamp-failure' });
    expect(readInput(node)).toEqual([100, 0, 2300, 0, 0, 0b0001, 120]);
    await clock.advance(HOUR);
    write(node, 0, 0);
    expect(readInput(node)[5]).toBe(0);
    node.clearFault('lamp-failure');
    write(node, 0, 100);
    expect(node.powerW).toBe(120);
    expect(node.snapshot().burningHours).toBe(0);
  });

  it('stuck relay: writes are accepted but the lamp stays as it was', async () => {
    const { node, clock } = startedNode({ level: 50, watchdogSeconds: 10 });
    node.inject({ mode: 'stuck-relay', durationMs: 60_000 });
    expect(write(node, 0, 100)).toBe('0600000064');
    expect(write(node, 3, 0)).toBe('0600030000');
    expect(readHolding(node)).toEqual([100, 100, 10, 0]);
    expect(readInput(node).slice(0, 2)).toEqual([50, 633]);
    expect(readInput(node)[5]).toBe(0b0010);
    // The watchdog's fallback cannot move it either.
    await clock.advance(10_000);
    expect(node.appliedLevel).toBe(50);
    // Repaired after a minute: the lamp follows its registers again (fallback, relay closed).
    await clock.advance(50_000);
    expect(node.faults).toEqual([]);
    expect([node.appliedLevel, readInput(node)[5]]).toEqual([100, 0b1000]);
  });

  it('no-answer: silent while it lasts, then answers again', async () => {
    const { node, clock } = startedNode();
    node.inject({ mode: 'no-answer', durationMs: 5_000 });
    expect(node.answer(readRequestPdu(4, 0, 1))).toEqual({ kind: 'none' });
    // Writes are not heard either.
    expect(write(node, 0, 10)).toBe('none');
    await clock.advance(5_000);
    expect(readInput(node)[0]).toBe(50);
    expect(node.requests).toBe(3);
  });

  it('reboot: silent and dark while down, then at its failure level with its configuration kept', async () => {
    const { node, clock } = startedNode({ level: 30, burningHours: 10 });
    writeMany(node, 1, [70, 120]);
    await clock.advance(HOUR);
    node.inject({ mode: 'reboot', downMs: 2_000 });
    expect(node.answer(readRequestPdu(3, 0, 4))).toEqual({ kind: 'none' });
    expect([node.appliedLevel, node.powerW]).toEqual([0, 0]);
    await clock.advance(2_000);
    // The commanded level is forgotten: it comes back at the failure level, relay closed.
    expect(readHolding(node)).toEqual([70, 70, 120, 1]);
    const input = readInput(node);
    expect(input[0]).toBe(70);
    expect(input.slice(3, 5)).toEqual([0, 1100]); // 11.00 h: kept across the restart
    expect(input[5]).toBe(0b1100);
    // Reading register 5 cleared the restarted bit; the fallback lasts until a level write.
    expect(readInput(node)[5]).toBe(0b1000);
    write(node, 0, 30);
    expect(readInput(node)[5]).toBe(0);
  });

  it('power-cut: dark even behind a welded relay, a reboot does not end it, the supply does', async () => {
    const { node, clock } = startedNode({ level: 30 });
    node.inject({ mode: 'stuck-relay' });
    node.inject({ mode: 'power-cut', durationMs: 10_000 });
    expect([node.appliedLevel, node.powerW]).toEqual([0, 0]);
    expect(node.answer(readRequestPdu(4, 0, 1))).toEqual({ kind: 'none' });
    node.inject({ mode: 'reboot', downMs: 0 });
    expect(node.snapshot().rebooting).toBe(true);
    await clock.advance(10_000);
    expect(node.faults.map((f) => f.mode)).toEqual(['stuck-relay']);
    expect(node.snapshot().rebooting).toBe(false);
    // Powered up: restarted and on its failure level, in the fault register.
    expect((readInput(node)[5] ?? 0) & 0b1100).toBe(0b1100);
  });

  it('injects scheduled faults at their time and refuses a bad one', async () => {
    const { node, clock } = startedNode({
      faults: [{ mode: 'lamp-failure', atMs: 1_000, durationMs: 1_000 }],
    });
    await clock.advance(999);
    expect(node.powerW).toBeGreaterThan(0);
    await clock.advance(1);
    expect(node.faults).toEqual([{ mode: 'lamp-failure', until: clock.now() + 1_000 }]);
    expect(node.powerW).toBe(0);
    await clock.advance(1_000);
    expect(node.powerW).toBeGreaterThan(0);
    expect(() => {
      node.inject({ mode: 'reboot', downMs: -1 });
    }).toThrow(ConfigError);
  });
});

describe('burning hours', () => {
  it('count on the clock only while the lamp burns', async () => {
    const { node, clock } = startedNode({ level: 50, watchdogSeconds: 0 });
    await clock.advance(2 * HOUR);
    write(node, 0, 0);
    await clock.advance(HOUR);
    write(node, 0, 100);
    write(node, 3, 0);
    await clock.advance(HOUR);
    write(node, 3, 1);
    await clock.advance(HOUR / 2);
    expect(readInput(node).slice(3, 5)).toEqual([0, 250]);
    expect(node.snapshot().burningHours).toBe(2.5);
  });

  it('do not depend on how often they are read', async () => {
    const often = startedNode({ level: 40 });
    const once = startedNode({ level: 40 });
    for (let i = 0; i < 90; i++) {
      await often.clock.advance(61_000);
      readInput(often.node);
    }
    await once.clock.advance(90 * 61_000);
    expect(readInput(often.node)).toEqual(readInput(once.node));
    expect(readInput(once.node).slice(3, 5)).toEqual([0, 152]); // 91.5 min = 1.525 h
  });
});
