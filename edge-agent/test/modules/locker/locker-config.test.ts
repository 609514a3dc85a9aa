import { describe, expect, it } from 'vitest';
import { LockerConfig } from '../../../src/modules/locker/locker-config.js';

const bus = (id: string, boards: number[] = [0, 1]) => ({
  id,
  transport: { type: 'serial', path: '/dev/ttyUSB0' },
  boards,
});
const box = (number: number, board: number, lock: number, busId = 'main') => ({
  number,
  bus: busId,
  board,
  lock,
  size: 'M',
});

/** The problems of `input`, as `path: message`. */
function problems(input: unknown): string[] {
  const result = LockerConfig.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('LockerConfig', () => {
  it('applies the documented defaults', () => {
    const config = LockerConfig.parse({ buses: [bus('main')], boxes: [box(1, 0, 0)] });
    expect(config).toMatchObject({
      doorOpenAlarmMinutes: 5,
      openConfirmSeconds: 5,
      remoteUnlock: { maxPerMinute: 3, maxPerDay: 20 },
      lockout: { freeAttempts: 3, firstDelaySeconds: 30, maxDelaySeconds: 3600 },
      terminals: 2,
      reportSeconds: 60,
      keypads: [],
    });
    expect(config.kiosk).toBeUndefined();
    expect(config.buses[0]).toMatchObject({ id: 'main', pollMs: 250, retries: 2 });
  });

  it('lists every cross-entry problem at once, each at its path', () => {
    expect(
      problems({
        buses: [bus('main'), bus('main', [2])],
        boxes: [box(1, 0, 0), box(1, 0, 1), box(2, 0, 0), box(3, 5, 0), box(4, 0, 2, 'annex')],
      }),
    ).toEqual([
      'buses.1.id: expected a bus id used once, found main again',
      'boxes.1.number: expected a box number used once, found 1 again (boxes[0])',
      'boxes.2.lock: expected one box per lock, found bus main board 0 lock 0 again (boxes[0])',
      'boxes.3.board: expected a board of bus main (0, 1), found 5',
      'boxes.4.bus: expected a bus id (main), found annex',
    ]);
  });

  it('checks the cross-entry rules even when a field elsewhere has the wrong shape', () => {
    const found = problems({
      buses: [bus('main')],
      boxes: [box(1, 0, 0), box(1, 0, 1)],
      doorOpenAlarmMinutes: 'five',
    });
    expect(found).toContain(
      'boxes.1.number: expected a box number used once, found 1 again (boxes[0])',
    );
    expect(found.some((p) => p.startsWith('doorOpenAlarmMinutes:'))).toBe(true);
  });

  it('refuses more code terminals than the brute-force bound counts', () => {
    expect(
      problems({
        buses: [bus('main')],
        boxes: [box(1, 0, 0)],
        kiosk: { port: 0 },
        keypads: [{ path: '/dev/ttyACM0' }, { path: '/dev/ttyACM1', terminal: 'side-keypad' }],
      }),
    ).toEqual([
      'terminals: expected at least the 3 terminals configured (kiosk, keypad, side-keypad), found 2: the brute-force bound counts them',
    ]);
    expect(
      problems({
        buses: [bus('main')],
        boxes: [box(1, 0, 0)],
        kiosk: { port: 0 },
        keypads: [{ path: '/dev/ttyACM0' }, { path: '/dev/ttyACM1', terminal: 'side-keypad' }],
        terminals: 3,
      }),
    ).toEqual([]);
  });

  it('refuses a lockout whose first delay exceeds its cap, and unknown keys', () => {
    expect(
      problems({
        buses: [bus('main')],
        boxes: [box(1, 0, 0)],
        lockout: { firstDelaySeconds: 600, maxDelaySeconds: 60 },
        doorAlarm: 3,
      }),
    ).toEqual([
      'lockout.maxDelaySeconds: a value >= firstDelaySeconds',
      expect.stringContaining('doorAlarm') as unknown,
    ]);
  });
});
