import { z } from 'zod';
import { ConfigError, WeatherSource } from '@hameau/protocol';

/**
 * Where the API fetches the town's weather and how often. Off unless a URL is given: a town
 * may have no Internet link from its server, and the lighting then runs on its base programs.
 */
export const WeatherSettings = z
  .object({
    /** e.g. `https://api.open-meteo.com/v1/forecast?latitude=49.19&longitude=2.47&current=weather_code,precipitation,visibility,cloud_cover,snow_depth&timezone=GMT` */
    url: z.url({ protocol: /^https?$/ }).optional(),
    source: WeatherSource.default('open-meteo'),
    /** Open-Meteo refreshes its `current` block every 15 min; METARs come every 30 min. */
    intervalSeconds: z.number().int().min(60).max(86_400).default(900),
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  })
  .strict();
export type WeatherSettings = z.output<typeof WeatherSettings>;

/** Environment variables of the weather relay, each mapped to its setting. */
export const WEATHER_ENV = {
  HAMEAU_WEATHER_URL: 'url',
  HAMEAU_WEATHER_SOURCE: 'source',
  HAMEAU_WEATHER_INTERVAL_SECONDS: 'intervalSeconds',
} as const satisfies Record<string, keyof z.input<typeof WeatherSettings>>;

/**
 * The relay's settings from the environment, every problem reported at once (by variable);
 * undefined when none of its variables is set.
 */
export function weatherSettingsFromEnv(env: NodeJS.ProcessEnv): WeatherSettings | undefined {
  const input: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(WEATHER_ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    input[key] = key === 'intervalSeconds' && value.trim() !== '' ? Number(value) : value;
  }
  if (Object.keys(input).length === 0) return undefined;
  const result = WeatherSettings.safeParse(input);
  if (!result.success) {
    const nameOf = (key: string) =>
      Object.entries(WEATHER_ENV).find(([, k]) => k === key)?.[0] ?? key;
    throw new ConfigError(
      'weather environment',
      result.error.issues.map((i) => `${nameOf(i.path.join('.'))}: ${i.message}`),
    );
  }
  return Object.freeze(result.data);
}
