import { z } from 'zod';
import { Timestamp } from './common.js';

// How each lock board answered its status polls, as a locker agent reports it with its bank's
// `locker` telemetry. The `board-unreachable` event only says a board was lost; this says when it
// last answered, so a technician tells a board silent for 5 s from one silent for an hour.

const count = (what: string) =>
  z
    .number({ error: `${what}: a number` })
    .int({ error: `${what}: a whole number` })
    .nonnegative({ error: `${what}: 0 or more` });

/** Why a poll failed: the lock board driver's failure kinds. */
export const BoardPollErrorKind = z.enum(['timeout', 'checksum', 'link-down', 'unknown-board']);
export type BoardPollErrorKind = z.infer<typeof BoardPollErrorKind>;

/**
 * One board's polls since the agent started: counts restart at 0 with the agent, so a ratio of
 * failed over all polls is the board's health since then, whatever the report period.
 */
export const BoardPolls = z
  .object({
    /** The bus id in the locker configuration. */
    bus: z.string().min(1).max(64),
    /** The board's address on its bus (its DIP switches). */
    address: z.number().int().min(0).max(15),
    /** The last poll the board answered; null when it has not answered since the agent started. */
    lastOkAt: Timestamp.nullable(),
    /** Polls answered (after the driver's retries), since the agent started. */
    ok: count('ok'),
    /** Polls that got no valid answer after the retries, since the agent started. */
    failed: count('failed'),
    /** Why the last failed poll failed; null when none has. */
    lastError: BoardPollErrorKind.nullable(),
  })
  .strict();
export type BoardPolls = z.infer<typeof BoardPolls>;
