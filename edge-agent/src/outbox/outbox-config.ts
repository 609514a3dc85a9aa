import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '@hameau/protocol';
import type { OutboxOptions } from './outbox.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Which acknowledgement deletes a record: `cloud-ack` (the default) when the cloud says on the
 * device's `ingested` topic that it has stored the record's seq; `puback` at the broker's
 * PUBACK, for a cloud that does not publish `ingested` (a broker may acknowledge a message it
 * then loses in a crash, so only the cloud's word is end to end).
 */
export const OutboxDeleteOn = z.enum(['cloud-ack', 'puback']);
export type OutboxDeleteOn = z.infer<typeof OutboxDeleteOn>;

/**
 * The `outbox:` section of the agent's site config. 200,000 records is about a week of a
 * metering box that stores 20 readings a minute, and about 50 MB on the SD card (some 230 bytes
 * a record with ~100-byte readings, measured); 30 days covers a long holiday outage.
 */
export const OutboxConfig = z
  .object({
    maxRecords: z.number().int().min(1).max(10_000_000).default(200_000),
    maxAgeDays: z.number().positive().max(3650).default(30),
    deleteOn: OutboxDeleteOn.default('cloud-ack'),
  })
  .strict();
export type OutboxConfig = z.infer<typeof OutboxConfig>;

/** The `Outbox` options for a parsed `outbox:` config section. */
export function outboxOptions(config: OutboxConfig, clock: Clock, log?: Logger): OutboxOptions {
  return {
    clock,
    maxRecords: config.maxRecords,
    maxAgeMs: Math.round(config.maxAgeDays * DAY_MS),
    deleteOn: config.deleteOn,
    ...(log && { log }),
  };
}
