import { describe, expect, it } from 'vitest';
import type { CommandResultPayload } from '@hameau/protocol';
import type { CommandRecord } from '../../src/commands/command-record.js';
import type { CommandState } from '../../src/commands/command-state.js';
import { applyResult } from '../../src/commands/command-transition.js';

const T0 = Date.UTC(2026, 10, 25, 12);
const AT = new Date(T0).toISOString();

function command(state: CommandState, fields: Partial<CommandRecord> = {}): CommandRecord {
  return {
    id: 'cmd-0000000001',
    site: 'gare',
    device: 'lockers-1',
    name: 'unlock',
    args: { box: 3 },
    issuedBy: 'anna',
    issuedAt: T0,
    expiresAt: T0 + 60_000,
    state,
    stateAt: T0,
    attempts: 1,
    sentAt: T0,
    deliveredAt: null,
    finishedAt: null,
    result: null,
    lateResult: null,
    ...fields,
  };
}

const envelope = { seq: 1, at: AT, historical: false, id: 'cmd-0000000001', name: 'unlock' };
const accepted: CommandResultPayload = { ...envelope, status: 'accepted' };
const ok: CommandResultPayload = { ...envelope, status: 'ok', data: { opened: true } };
const failure = (code: 'EXPIRED' | 'DUPLICATE' | 'HARDWARE_FAILURE'): CommandResultPayload => ({
  ...envelope,
  status: 'error',
  error: { code, message: `it said ${code}` },
});

/** Applies the effect's change, as the store would. */
function fold(c: CommandRecord, m: CommandResultPayload, at: number): CommandRecord {
  return { ...c, ...applyResult(c, m, at).change };
}

describe('applyResult', () => {
  it('moves queued and sent commands to delivered on accepted', () => {
    for (const state of ['queued', 'sent'] as const) {
      expect(applyResult(command(state), accepted, T0 + 5).change).toEqual({
        state: 'delivered',
        stateAt: T0 + 5,
        deliveredAt: T0 + 5,
      });
    }
  });

  it('finishes a delivered command with the outcome', () => {
    const delivered = command('delivered', { deliveredAt: T0 + 5 });
    expect(applyResult(delivered, ok, T0 + 9).change).toEqual({
      state: 'succeeded',
      stateAt: T0 + 9,
      finishedAt: T0 + 9,
      result: { status: 'ok', data: { opened: true } },
    });
    expect(applyResult(delivered, failure('HARDWARE_FAILURE'), T0 + 9).change).toEqual({
      state: 'failed',
      stateAt: T0 + 9,
      finishedAt: T0 + 9,
      result: {
        status: 'error',
        error: { code: 'HARDWARE_FAILURE', message: 'it said HARDWARE_FAILURE' },
      },
    });
  });

  it('keeps a final state when accepted arrives after the outcome, noting the delivery', () => {
    const done = fold(command('sent'), ok, T0 + 9);
    expect(done.state).toBe('succeeded');
    const effect = applyResult(done, accepted, T0 + 10);
    // deliveredAt came with the outcome already: nothing left to change.
    expect(effect.change).toBeNull();
    expect(done.deliveredAt).toBe(T0 + 9);
  });

  it('changes nothing when the same message comes twice', () => {
    for (const [state, message] of [
      ['sent', accepted],
      ['delivered', ok],
      ['expired', accepted],
      ['cancelled', ok],
      ['expired', failure('EXPIRED')],
    ] as const) {
      const once = fold(command(state), message, T0 + 7);
      expect(applyResult(once, message, T0 + 8).change, `${state} + ${message.status}`).toBeNull();
    }
  });

  it('never changes a final outcome with a second one', () => {
    const failed = fold(command('delivered'), failure('HARDWARE_FAILURE'), T0 + 9);
    expect(applyResult(failed, ok, T0 + 10).change).toBeNull();
  });

  it('maps the device EXPIRED refusal to expired, and confirms a swept one', () => {
    expect(applyResult(command('sent'), failure('EXPIRED'), T0 + 61_000).change).toMatchObject({
      state: 'expired',
      result: { status: 'error', error: { code: 'EXPIRED' } },
    });
    const swept = command('expired', { finishedAt: T0 + 60_000 });
    const effect = applyResult(swept, failure('EXPIRED'), T0 + 61_000);
    expect(effect.change).toEqual({
      deliveredAt: T0 + 61_000,
      result: { status: 'error', error: { code: 'EXPIRED', message: 'it said EXPIRED' } },
    });
    expect(effect.level).toBe('debug');
  });

  it('keeps the state on DUPLICATE and logs it', () => {
    const effect = applyResult(command('sent'), failure('DUPLICATE'), T0 + 5);
    expect(effect.change).toBeNull();
    expect(effect.message).toContain('DUPLICATE');
  });

  it('records what comes after expiry or cancellation as a late result, with a warning', () => {
    for (const state of ['expired', 'cancelled'] as const) {
      const c = command(state, { finishedAt: T0 + 60_000 });
      const first = applyResult(c, accepted, T0 + 61_000);
      expect(first.change).toEqual({
        deliveredAt: T0 + 61_000,
        lateResult: { status: 'accepted', receivedAt: T0 + 61_000 },
      });
      expect(first.level).toBe('warn');
      expect(first.message).toContain('may have acted');
      // A final outcome replaces the acknowledgement; the state never moves.
      const acked = fold(c, accepted, T0 + 61_000);
      const outcome = applyResult(acked, ok, T0 + 62_000);
      expect(outcome.change).toEqual({
        lateResult: { status: 'ok', data: { opened: true }, receivedAt: T0 + 62_000 },
      });
      // …and an acknowledgement replayed after the outcome does not replace it.
      const finished = fold(acked, ok, T0 + 62_000);
      expect(applyResult(finished, accepted, T0 + 63_000).change).toBeNull();
    }
  });

  it('notes without alarm that a cancelled command was refused as expired', () => {
    const effect = applyResult(command('cancelled'), failure('EXPIRED'), T0 + 61_000);
    expect(effect.change).toMatchObject({
      lateResult: { status: 'error', error: { code: 'EXPIRED' } },
    });
    expect(effect.level).toBe('info');
  });
});
