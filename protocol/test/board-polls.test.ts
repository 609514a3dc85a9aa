import { describe, expect, it } from 'vitest';
import { BoardPolls } from '../src/payloads/board-polls.js';
import { TelemetryPayload } from '../src/payloads/telemetry.js';

const BANK = {
  seq: 7,
  at: '2026-11-25T21:00:00.000Z',
  historical: false,
  source: 'bank',
  values: { boxes: 12, boards_unreachable: 1 },
};

const ANSWERING = {
  bus: 'main',
  address: 0,
  lastOkAt: '2026-11-25T20:59:59.900Z',
  ok: 600,
  failed: 2,
  lastError: 'timeout',
} as const;
const NEVER_ANSWERED = {
  bus: 'main',
  address: 1,
  lastOkAt: null,
  ok: 0,
  failed: 600,
  lastError: 'link-down',
} as const;

describe('the locker bank report’s board polls', () => {
  it('ride on the bank report, which older agents send without them', () => {
    const boards = [ANSWERING, NEVER_ANSWERED];
    expect(TelemetryPayload.parse({ ...BANK, boards })).toEqual({ ...BANK, boards });
    expect(TelemetryPayload.parse(BANK)).not.toHaveProperty('boards');
  });

  it.each([
    ['an address off the DIP switches', { address: 16 }, 'address'],
    ['a negative count', { ok: -1 }, 'ok: 0 or more'],
    ['a fractional count', { failed: 1.5 }, 'failed: a whole number'],
    ['an error kind the driver has not', { lastError: 'melted' }, 'lastError'],
    ['a local time', { lastOkAt: '2026-11-25T21:00:00+01:00' }, 'lastOkAt'],
  ])('refuses %s, saying which field', (_what, patch, said) => {
    const result = BoardPolls.safeParse({ ...ANSWERING, ...patch });
    expect(result.success).toBe(false);
    const text = result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    expect(text).toContain(said);
  });

  it('refuses a field it does not know', () => {
    expect(BoardPolls.safeParse({ ...ANSWERING, temperature: 40 }).success).toBe(false);
  });
});
