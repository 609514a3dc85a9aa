import { z } from 'zod';
import { BoxNumber, SEGMENT_PATTERN } from '@hameau/protocol';
import { KerongBusConfig } from './board/kerong-bus-config.js';
import { KeypadConfig } from './keypad/serial-keypad.js';
import { KioskConfig } from './kiosk/kiosk-server.js';

const int = (min: number, max: number) => z.int().min(min).max(max);

const Bus = KerongBusConfig.extend({
  /** The bus's id, as the boxes name it (`bus:`) and in logs and events. */
  id: z.string().regex(SEGMENT_PATTERN, {
    error: 'a bus id is 1-40 lower-case letters, digits or inner dashes',
  }),
});

const Box = z.strictObject({
  /** The number on the door, as residents and the cloud know it. */
  number: BoxNumber,
  /** The `id` of the bus its board hangs on. */
  bus: z.string().min(1),
  /** The board's address (0-15, its DIP switches). */
  board: int(0, 15),
  /** The lock's channel on the board (0-15). */
  lock: int(0, 15),
  size: z.enum(['S', 'M', 'L', 'XL'], { error: 'a size: S, M, L or XL' }),
});

/**
 * A lenient view for the checks across entries, so they run even when a shape error elsewhere
 * stops the strict schema, and every problem is listed at once.
 */
const Peek = z
  .object({
    buses: z
      .array(
        z
          .object({
            id: z.string().catch(''),
            boards: z.array(z.number().catch(Number.NaN)).optional().catch(undefined),
          })
          .catch({ id: '' }),
      )
      .catch([]),
    boxes: z
      .array(
        z
          .object({
            number: z.number().catch(Number.NaN),
            bus: z.string().catch(''),
            board: z.number().catch(Number.NaN),
            lock: z.number().catch(Number.NaN),
          })
          .catch({ number: Number.NaN, bus: '', board: Number.NaN, lock: Number.NaN }),
      )
      .catch([]),
    kiosk: z
      .object({
        enabled: z.boolean().default(true).catch(false),
        terminal: z.string().default('kiosk').catch(''),
      })
      .optional()
      .catch(undefined),
    keypads: z
      .array(z.object({ terminal: z.string().default('keypad').catch('') }).catch({ terminal: '' }))
      .default([])
      .catch([]),
    terminals: z.number().default(2).catch(Number.NaN),
  })
  .catch({ buses: [], boxes: [], keypads: [], terminals: Number.NaN });

/**
 * Unique bus ids, unique box numbers and lock addresses, boxes on declared buses and boards, and
 * no more terminals than the brute-force bound counts.
 */
function checkAcross(value: unknown, ctx: z.RefinementCtx): void {
  const config = Peek.parse(value);
  const issue = (path: (string | number)[], message: string, input: unknown) => {
    ctx.addIssue({ code: 'custom', message, path, input });
  };
  const busIds = new Set<string>();
  const boardsOf = new Map<string, readonly number[]>();
  config.buses.forEach((bus, b) => {
    if (bus.id !== '' && busIds.has(bus.id)) {
      issue(['buses', b, 'id'], `expected a bus id used once, found ${bus.id} again`, bus.id);
    }
    busIds.add(bus.id);
    if (bus.boards !== undefined && !boardsOf.has(bus.id)) boardsOf.set(bus.id, bus.boards);
  });
  const numbers = new Map<number, number>();
  const addresses = new Map<string, number>();
  config.boxes.forEach((box, i) => {
    if (!Number.isNaN(box.number)) {
      const other = numbers.get(box.number);
      if (other !== undefined) {
        issue(
          ['boxes', i, 'number'],
          `expected a box number used once, found ${box.number} again (boxes[${other}])`,
          box.number,
        );
      } else numbers.set(box.number, i);
    }
    if (box.bus !== '' && !busIds.has(box.bus)) {
      const known = [...busIds].filter((id) => id !== '').join(', ') || 'none';
      issue(['boxes', i, 'bus'], `expected a bus id (${known}), found ${box.bus}`, box.bus);
    }
    const boards = boardsOf.get(box.bus);
    if (boards !== undefined && !Number.isNaN(box.board) && !boards.includes(box.board)) {
      issue(
        ['boxes', i, 'board'],
        `expected a board of bus ${box.bus} (${boards.join(', ')}), found ${box.board}`,
        box.board,
      );
    }
    if (box.bus !== '' && !Number.isNaN(box.board) && !Number.isNaN(box.lock)) {
      const key = `${box.bus}/${String(box.board)}/${String(box.lock)}`;
      const other = addresses.get(key);
      if (other !== undefined) {
        issue(
          ['boxes', i, 'lock'],
          `expected one box per lock, found bus ${box.bus} board ${box.board} lock ${box.lock} again (boxes[${other}])`,
          box.lock,
        );
      } else addresses.set(key, i);
    }
  });
  const names = [
    ...(config.kiosk?.enabled === true ? [config.kiosk.terminal] : []),
    ...config.keypads.map((k) => k.terminal),
  ];
  const distinct = new Set(names.filter((n) => n !== ''));
  if (!Number.isNaN(config.terminals) && distinct.size > config.terminals) {
    issue(
      ['terminals'],
      `expected at least the ${distinct.size} terminals configured (${[...distinct].join(', ')}), found ${config.terminals}: the brute-force bound counts them`,
      config.terminals,
    );
  }
}

/**
 * The keys of `modules.locker` that only site.yaml sets: a desired configuration from the cloud
 * runs with site.yaml's values for them (docs/lockers.md). The cloud keeps the bank's name and
 * its timings (`doorOpenAlarmMinutes`, `openConfirmSeconds`, `reportSeconds`).
 */
export const LOCKER_LOCAL_KEYS = [
  // The lock-board lines: serial ports or gateway addresses, board addresses, polling.
  'buses',
  // Which lock opens which door, and its size: how the bank is built.
  'boxes',
  // The brute-force lockout of code terminals: a compromised cloud must not loosen it.
  'lockout',
  // The caps on remote unlocks: they bound what a compromised cloud account can open.
  'remoteUnlock',
  // How many code terminals the bank has: the brute-force bound counts them.
  'terminals',
  // The touchscreen page's address on this box, and the serial keypads plugged into it.
  'kiosk',
  'keypads',
] as const;

/**
 * `modules.locker` in site.yaml (docs/lockers.md): the lock boards' buses, the boxes wired to
 * them, and the safety settings (lockout of code terminals, caps on remote unlocks).
 */
export const LockerConfig = z
  .strictObject({
    /** The bank's name, on the kiosk page; the device id by default. */
    name: z.string().trim().min(1).max(80).optional(),
    buses: z.array(Bus).min(1, { error: 'at least one bus of lock boards' }),
    boxes: z.array(Box).min(1, { error: 'at least one box' }),
    /** A door open longer than this raises `door-left-open` (once per opening). */
    doorOpenAlarmMinutes: int(1, 24 * 60).default(5),
    /** How long an unlocked door has to be seen open before its lock is called stuck. */
    openConfirmSeconds: int(1, 20).default(5),
    remoteUnlock: z
      .strictObject({
        maxPerMinute: int(1, 60).default(3),
        /** Over any 24 h: a compromised cloud account empties a few boxes, not the bank. */
        maxPerDay: int(1, 10_000).default(20),
      })
      .prefault({}),
    lockout: z
      .strictObject({
        freeAttempts: int(1, 20).default(3),
        firstDelaySeconds: int(1, 86_400).default(30),
        maxDelaySeconds: int(1, 86_400).default(3_600),
      })
      .prefault({})
      .refine((l) => l.firstDelaySeconds <= l.maxDelaySeconds, {
        error: 'a value >= firstDelaySeconds',
        path: ['maxDelaySeconds'],
      }),
    /** How many code terminals (kiosk, keypads) the bank has: the brute-force bound counts them. */
    terminals: int(1, 20).default(2),
    /** How often the `locker` telemetry is reported. */
    reportSeconds: int(5, 86_400).default(60),
    /** The touchscreen kiosk page where residents type their code. */
    kiosk: KioskConfig.optional(),
    /** Serial keypads or code scanners. */
    keypads: z.array(KeypadConfig).default([]),
  })
  .superRefine(checkAcross, { when: () => true });

/** The locker module's configuration, defaults applied. */
export type LockerConfig = z.output<typeof LockerConfig>;
/** One bus of it. */
export type LockerBusConfig = LockerConfig['buses'][number];
