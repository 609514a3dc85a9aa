import { z } from 'zod';

/**
 * How the API reaches the broker and batches what it ingests. Part of `ApiConfig` (`mqtt`),
 * set from HAMEAU_MQTT_* variables.
 */
export const IngestionConfig = z
  .object({
    /** `mqtt://host:port` or `mqtts://…`; ingestion is off without it. */
    url: z.url({
      protocol: /^(mqtts?|wss?)$/,
      error: 'must be an mqtt://, mqtts://, ws:// or wss:// URL',
    }),
    /** The service account; `cloud` may subscribe to every device topic and publish commands. */
    username: z.string().min(1).default('cloud'),
    /** Its password; without it (and without `passwordFile`) the API provisions the account. */
    password: z.string().min(1).optional(),
    /** A file holding the password (Docker secrets); read at start. */
    passwordFile: z.string().min(1).optional(),
    /** `cloud` or `cloud:<suffix>`; fixed, so the broker keeps the session while the API is down. */
    clientId: z.string().min(1).default('cloud:api'),
    /** A batch is written when it has this many messages… */
    batchMaxMessages: z.coerce.number().int().min(1).max(100_000).default(5000),
    /** …or when its oldest message has waited this long. */
    batchMaxDelayMs: z.coerce.number().int().min(0).max(10_000).default(100),
    /**
     * Devices are told which seqs are stored (`ingested`) at most once per this many
     * milliseconds each, with the latest ranges; their outboxes delete records only then.
     */
    ackIntervalMs: z.coerce.number().int().min(0).max(60_000).default(200),
    /** The intake journal; `<dataDir>/ingest-journal.sqlite` by default. */
    journalPath: z.string().min(1).optional(),
  })
  .strict();
export type IngestionConfig = Readonly<z.output<typeof IngestionConfig>>;
export type IngestionConfigInput = z.input<typeof IngestionConfig>;
