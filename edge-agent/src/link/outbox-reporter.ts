import { TOPICS, every, type Clock } from '@hameau/protocol';
import type { Outbox } from '../outbox/outbox.js';

/**
 * Reports the outbox's own health as telemetry (stream `outbox`): depth, the oldest record's
 * age and how many records the overflow policy dropped, so a technician sees a backlog build up
 * before it overflows. Returns a function that stops the reports.
 */
export function reportOutboxStats(
  outbox: Outbox,
  identity: { readonly site: string; readonly device: string },
  clock: Clock,
  intervalMs: number,
): () => void {
  const topic = TOPICS.telemetry.build({ ...identity, stream: 'outbox' });
  return every(clock, intervalMs, () => {
    const stats = outbox.stats();
    outbox.append('telemetry', (seq, at) => ({
      topic,
      payload: {
        seq,
        at,
        historical: false,
        source: 'outbox',
        values: {
          depth: stats.depth,
          oldest_age_s: stats.oldestAgeMs === null ? 0 : Math.round(stats.oldestAgeMs / 1000),
          dropped_total: stats.droppedTotal,
        },
      },
    }));
  });
}
