import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import type { DomainPlugin } from '../app.js';
import type { IngestionStats } from './ingestion-service.js';

const IngestionStatsView = z
  .object({
    connected: z.boolean().describe('Connected to the broker as the cloud account'),
    journalDepth: z.number().int().describe('Messages received and not yet stored'),
    lastError: z.string().nullable().describe('Why the last batch failed; null after a success'),
    counters: z.object({
      processed: z.number().int(),
      invalid: z.record(z.string(), z.number().int()).describe('Refused messages by error code'),
      duplicates: z.number().int().describe('Replays of a (device, seq) already stored'),
      points: z.number().int().describe('Points written to the time-series store'),
      deviceResets: z.number().int(),
      batches: z.number().int(),
    }),
  })
  .describe('The health of MQTT ingestion');

/** `GET /api/v1/ingestion`: what a technician checks when readings stop arriving. */
export function ingestionRoutes(stats: () => IngestionStats): DomainPlugin {
  const plugin: FastifyPluginAsyncZod<{ ctx: AppContext }> = (app) => {
    app.get(
      '/ingestion',
      {
        onRequest: requireRole('technician', 'admin'),
        schema: {
          summary: 'Ingestion health: broker connection, journal backlog, counters',
          tags: ['ingestion'],
          response: { 200: IngestionStatsView, ...errorResponses(...AUTH_ERRORS) },
        },
      },
      () => stats(),
    );
    return Promise.resolve();
  };
  return { name: 'ingestion', prefix: '/api/v1', plugin };
}
