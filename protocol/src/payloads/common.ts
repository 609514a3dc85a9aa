import { z } from 'zod';

/** A timestamp from the sender's clock, ISO 8601 in UTC (`2026-11-25T21:00:00.000Z`). */
export const Timestamp = z.iso.datetime({ offset: false });

/**
 * The per-device sequence number. Every message that goes through the edge outbox carries the
 * next value, which survives restarts, so the cloud deduplicates on (device, seq).
 */
export const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Fields of every message that goes through the durable edge outbox. */
export const OutboxEnvelope = {
  seq: Seq,
  at: Timestamp,
  /** True when the message is replayed from the outbox after an outage, not sent live. */
  historical: z.boolean(),
};
