import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WeatherSource } from '@hameau/protocol';
import type { AppContext } from '../app-context.js';
import type { DomainPlugin } from '../app.js';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import type { WeatherRelay } from './weather-relay.js';

const WeatherStatusView = z
  .object({
    enabled: z.boolean().describe('False when no HAMEAU_WEATHER_URL is set'),
    url: z.string().nullable(),
    source: WeatherSource,
    lastFetchAt: z.string().nullable(),
    lastReport: z
      .object({
        fetchedAt: z.string(),
        source: WeatherSource,
        body: z.union([z.string(), z.record(z.string(), z.unknown())]),
      })
      .nullable()
      .describe('The report relayed to the lighting controllers, as fetched'),
    lastError: z.object({ at: z.string(), message: z.string() }).nullable(),
    deliveredTo: z.number().int().describe('Lighting controllers the last report went to'),
  })
  .describe('The weather relay');

/** `GET /api/v1/weather` and `POST /api/v1/weather/refresh`: the relay seen and nudged. */
export function weatherRoutes(relay: WeatherRelay): DomainPlugin {
  const plugin: FastifyPluginAsyncZod<{ ctx: AppContext }> = (app) => {
    app.get(
      '/weather',
      {
        onRequest: requireRole('technician', 'admin'),
        schema: {
          summary: 'The weather relay: last report, last error, controllers reached',
          tags: ['weather'],
          response: { 200: WeatherStatusView, ...errorResponses(...AUTH_ERRORS) },
        },
      },
      () => relay.status(),
    );
    app.post(
      '/weather/refresh',
      {
        onRequest: requireRole('technician', 'admin'),
        schema: {
          summary: 'Fetch and relay the weather now (after fixing the URL, say)',
          tags: ['weather'],
          response: { 200: WeatherStatusView, ...errorResponses(...AUTH_ERRORS) },
        },
      },
      async () => {
        await relay.refresh();
        return relay.status();
      },
    );
    return Promise.resolve();
  };
  return { name: 'weather', prefix: '/api/v1', plugin };
}
