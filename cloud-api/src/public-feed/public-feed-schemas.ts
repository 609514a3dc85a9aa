import { z } from 'zod';
import { IsoTime } from '../http/common-schemas.js';
import type { SectionRegistry } from './section-registry.js';

/**
 * The feed's payload: a snapshot carries every section, an update only those that changed.
 * Made from the registry, so a new section appears in the OpenAPI document by itself (inline:
 * each app has its own sections, and the component ids are one per process).
 */
export function feedPayloadSchema(registry: SectionRegistry) {
  return z
    .object({
      id: z
        .string()
        .describe('The version: `<epoch>-<n>`, the SSE event id (Last-Event-ID on reconnect)'),
      at: IsoTime.describe('When this version was computed'),
      timeZone: z.string().describe("The town's time zone, for local dates and times"),
      ingestedAt: IsoTime.nullable().describe(
        'When the oldest reading this version reflects first reached the API; null when it came ' +
          'from a refresh rather than ingestion. Viewer latency = arrival − ingestedAt.',
      ),
      sections: registry.sectionsSchema(),
    })
    .strict();
}
