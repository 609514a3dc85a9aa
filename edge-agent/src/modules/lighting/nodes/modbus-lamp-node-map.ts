import { z } from 'zod';
import type { LampNodeReading } from './lamp-node.js';

/**
 * Hameau's lamp-node register map (docs/lamp-node.md) as the driver uses it: 0-based PDU
 * addresses, uint16 registers. The driver's own copy, not shared with the simulator, so a wrong
 * address on either side shows up in tests.
 */
export const NodeHolding = {
  /** Dim level commanded, 0–100 %; writing it feeds the node's controller watchdog. */
  level: 0,
  /** System-failure level, 0–100 %; register 2, the watchdog in s, follows it. */
  failureLevel: 1,
  watchdogSeconds: 2,
  /** Relay command, 1 closed / 0 open. */
  relay: 3,
} as const;

/** Input registers 0–6 in one read: applied level, W×10, V×10, hours×100 (2), faults, rated W. */
export const NODE_INPUT_START = 0;
export const NODE_INPUT_COUNT = 7;

/** Bits of input register 5. */
const FAULT_BITS = { lampFailure: 0, relayStuck: 1, restarted: 2, onFailureLevel: 3 } as const;

const Word = z.int().min(0).max(0xffff);

/** The seven input words, checked: a level above 100 % is no reading. */
const InputWords = z.tuple([
  Word.max(100, { error: (i) => `applied level ${String(i.input)} % out of range` }),
  Word,
  Word,
  Word,
  Word,
  Word,
  Word,
]);

/** A decoded reading, or why the words cannot be a node's. */
export type DecodedInputs =
  | { readonly ok: true; readonly reading: LampNodeReading }
  | { readonly ok: false; readonly reason: string };

/** Decodes input registers 0–6 into a reading. Unknown fault bits are ignored. */
export function decodeNodeInputs(words: readonly number[]): DecodedInputs {
  const parsed = InputWords.safeParse(words);
  if (!parsed.success) {
    return {
      ok: false,
      reason: `invalid reply: ${parsed.error.issues[0]?.message ?? 'registers'}`,
    };
  }
  const [level, deciW, deciV, hoursHigh, hoursLow, faults, ratedW] = parsed.data;
  const bit = (n: number) => (faults & (1 << n)) !== 0;
  const reading: LampNodeReading = {
    appliedLevel: level,
    powerW: deciW / 10,
    voltageV: deciV / 10,
    burningHours: (hoursHigh * 0x10000 + hoursLow) / 100,
    // A rated power of 0 is a node that was never told its lamp.
    ratedW: ratedW === 0 ? null : ratedW,
    faults: {
      lampFailure: bit(FAULT_BITS.lampFailure),
      relayStuck: bit(FAULT_BITS.relayStuck),
      restarted: bit(FAULT_BITS.restarted),
      onFailureLevel: bit(FAULT_BITS.onFailureLevel),
    },
  };
  return { ok: true, reading };
}
