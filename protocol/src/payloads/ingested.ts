import { z } from 'zod';
import { Seq, Timestamp } from './common.js';

/**
 * Ranges an `ingested` message carries at most. A device only needs ranges that cover what its
 * outbox still holds, which are the newest seqs, so the cloud sends the highest ranges.
 */
export const MAX_INGESTED_RANGES = 64;

/** An inclusive range of seqs, `[from, to]` with `from <= to`. */
export const SeqRange = z
  .tuple([Seq, Seq])
  .refine(([from, to]) => from <= to, { message: 'a range must have from <= to' });
export type SeqRange = z.infer<typeof SeqRange>;

/** True when every range starts after the previous one ends. */
const sortedAndDisjoint = (ranges: readonly SeqRange[]): boolean =>
  ranges.every((range, i) => i === 0 || range[0] > (ranges[i - 1] as SeqRange)[1]);

/**
 * The seqs the cloud has stored for one device, retained on its `ingested` topic. The device
 * deletes the outbox records whose seq lies in `seen`; the broker's PUBACK only means "sent".
 */
export const IngestedPayload = z
  .object({
    /** The cloud's clock when it published this. */
    at: Timestamp,
    /**
     * The device session the cloud's ledger belongs to (the highest session it has seen in a
     * birth; 0 before any). A device whose own session is lower lost its database and counts
     * seqs from 1 again: these ranges describe another life of its outbox, so it ignores them.
     */
    session: z.number().int().min(0),
    /** Sorted, disjoint, inclusive ranges, at most `MAX_INGESTED_RANGES`, the highest kept. */
    seen: z
      .array(SeqRange)
      .max(MAX_INGESTED_RANGES)
      .refine(sortedAndDisjoint, { message: 'ranges must be sorted and disjoint' }),
  })
  .strict();
export type IngestedPayload = z.infer<typeof IngestedPayload>;
