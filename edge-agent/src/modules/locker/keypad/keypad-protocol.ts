import { PICKUP_CODE_DIGITS } from '@hameau/protocol';
import type { PickupOutcome } from '../pickup-desk.js';

// The keypad's line protocol. In: a bare code typed on a keypad (`12345678`) or the payload of
// the QR code on a pickup notice (`HAMEAU:12345678`), one per line. Out: one answer line per
// line read, for keypads with a display: `OK <box>`, `ERR <reason>` with the lock-out's seconds
// after `locked-out`, `ERR format` for a line that holds no code.

const CODE_LINE = new RegExp(`^(?:HAMEAU:)?([0-9]{${String(PICKUP_CODE_DIGITS)}})$`, 'i');

/** The code in a line read from a keypad or scanner, or null when the line holds none. */
export function extractCode(line: Buffer): string | null {
  // latin1 maps every byte to one character, so garbage can neither throw nor fake a digit.
  const text = line.toString('latin1').trim();
  return CODE_LINE.exec(text)?.[1] ?? null;
}

/** Whether a line is blank once trimmed (a scanner's lone space, say): it gets no answer. */
export function isBlank(line: Buffer): boolean {
  return line.toString('latin1').trim() === '';
}

/** The answer line (without its line end) for what the desk decided. */
export function answerLine(outcome: PickupOutcome): string {
  if (outcome.status === 'opened') return `OK ${outcome.box}`;
  return outcome.retryAfterSeconds === undefined
    ? `ERR ${outcome.reason}`
    : `ERR ${outcome.reason} ${outcome.retryAfterSeconds}`;
}

/** The answer to a line that holds no code. */
export const FORMAT_ERROR_LINE = 'ERR format';

/** The answer when the desk failed (it should not: its contract says it never throws). */
export const INTERNAL_ERROR_LINE = 'ERR internal';
