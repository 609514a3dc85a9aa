import type { Logger } from 'pino';
import { TOPICS, type IngestedPayload } from '@hameau/protocol';
import type { Outbox, OutboxEntry } from '../outbox/outbox.js';
import { inSeqRanges } from '../outbox/seq-range-list.js';

/**
 * Applies the cloud's word on what it has stored (the retained `ingested` message): deletes
 * those records in one durable transaction and returns a test for them, so the caller drops
 * them from what its connection still has queued; null when nothing was deleted. Never throws:
 * a bad payload or a failed delete is logged, and the next message (its ranges only grow) or
 * the retained one at the next connect covers the same records again.
 */
export function applyCloudAck(
  payload: Buffer,
  deps: {
    readonly outbox: Outbox;
    /** The link's current session; ranges from a later one are not about this database. */
    readonly session: number;
    readonly log: Logger;
  },
): ((entry: OutboxEntry) => boolean) | null {
  const { log } = deps;
  let message: IngestedPayload;
  try {
    message = TOPICS.ingested.decode(payload);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'ignoring an invalid ingested message');
    return null;
  }
  if (message.session > deps.session) {
    // The cloud knows a later session than ours: this agent lost its database and counts
    // seqs from 1 again, so these ranges are about records it no longer has.
    log.warn(
      { cloudSession: message.session, session: deps.session },
      'ignoring ingested ranges from a later session of this device',
    );
    return null;
  }
  let removed: number;
  try {
    removed = deps.outbox.removeSeqRanges(message.seen);
  } catch (err) {
    log.error({ err }, 'could not delete the records the cloud acknowledged');
    return null;
  }
  log.debug({ removed, ranges: message.seen.length }, 'cloud acknowledged records');
  return (entry) => inSeqRanges(message.seen, entry.seq);
}
