import { z } from 'zod';
import { Timestamp } from './common.js';

/** Where a weather report comes from; the agent has a reader for each. */
export const WeatherSource = z.enum(['open-meteo', 'metar']);
export type WeatherSource = z.infer<typeof WeatherSource>;

/**
 * A weather report the cloud fetched and relays as it came (an Open-Meteo JSON body, or a METAR
 * line), retained, so a lighting controller that (re)connects has the latest at once. The agent
 * reads it itself: one reader per source, on the edge, where a report read directly from the
 * source (no cloud) goes through the same code.
 */
export const WeatherPayload = z
  .object({
    fetchedAt: Timestamp,
    source: WeatherSource,
    body: z.union([z.string().min(1).max(2_000), z.record(z.string(), z.unknown())]),
  })
  .strict()
  .refine((w) => (w.source === 'metar') === (typeof w.body === 'string'), {
    message: 'a METAR body is its text; an Open-Meteo body is its JSON object',
    path: ['body'],
  });
export type WeatherPayload = z.infer<typeof WeatherPayload>;
