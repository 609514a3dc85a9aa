import { z } from 'zod';

/**
 * How the public live feed paces and bounds itself. Every field has a default sized for one
 * town's API on two cores: 1,000 viewers, an update at most four times a second.
 */
export const PublicFeedSettings = z
  .object({
    /**
     * Updates are computed at most this often, all sections at once: a burst of ingested
     * batches makes one update. It is a throttle, not a debounce, so steady ingestion cannot
     * starve the viewers: a batch is shown at most this long (plus one computation) after it
     * was stored.
     */
    minIntervalMs: z.number().int().min(0).max(1_000).default(250),
    /** A comment line on every stream this often, so proxies and NAT keep idle streams open. */
    heartbeatMs: z.number().int().min(1_000).max(120_000).default(15_000),
    /** The reconnection delay EventSource is told (`retry:`); each stream adds up to as much again. */
    retryMs: z.number().int().min(500).max(60_000).default(3_000),
    /** Streams open at once; one more is answered 503 `PUBLIC_FEED_FULL`. */
    maxStreams: z.number().int().min(1).max(100_000).default(2_000),
    /** What 503 answers say to wait (`Retry-After`), in seconds. */
    fullRetryAfterS: z.number().int().min(1).max(3_600).default(30),
    /**
     * A stream whose unsent output grows past this is closed: a viewer that cannot keep up
     * reconnects and gets a fresh snapshot, instead of the server buffering for it forever.
     */
    maxBufferedBytes: z
      .number()
      .int()
      .min(1_024)
      .default(256 * 1024),
    /** History charts are computed once for every viewer for this long. */
    historyTtlMs: z.number().int().min(0).max(3_600_000).default(60_000),
  })
  .strict();
export type PublicFeedSettings = Readonly<z.output<typeof PublicFeedSettings>>;
export type PublicFeedSettingsInput = z.input<typeof PublicFeedSettings>;
