import { z } from 'zod';
import { ConfigError } from '@hameau/protocol';
import { RetentionConfig } from './retention.js';

/** zod's default for a missing value ("expected string, received undefined") reads badly. */
const unset = (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is not set' : undefined;
const HttpUrl = z.url({ protocol: /^https?$/, error: unset });
const Text = z.string({ error: unset }).min(1);

/** Which time-series store the API uses, and how to reach it. Parsed once, frozen. */
export const TimeSeriesConfig = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('embedded'),
      /** The SQLite file; `./data/series.sqlite` by default. */
      path: Text.optional(),
      /** Days each resolution is kept (`null`: forever); defaults 7, 30, 400, forever. */
      retention: RetentionConfig.optional(),
    })
    .strict(),
  z.discriminatedUnion('version', [
    z
      .object({
        kind: z.literal('influxdb'),
        url: HttpUrl,
        version: z.literal(1),
        database: Text,
        username: Text.optional(),
        password: z.string().optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('influxdb'),
        url: HttpUrl,
        version: z.literal(2),
        org: Text,
        bucket: Text,
        token: Text,
      })
      .strict(),
  ]),
]);
export type TimeSeriesConfig = Readonly<z.output<typeof TimeSeriesConfig>>;
export type TimeSeriesConfigInput = z.input<typeof TimeSeriesConfig>;

/** Config paths and the environment variables that set them, for error messages. */
const ENV_OF: Readonly<Record<string, string>> = {
  kind: 'HAMEAU_TSDB',
  path: 'HAMEAU_TSDB_PATH',
  url: 'HAMEAU_INFLUX_URL',
  version: 'HAMEAU_INFLUX_VERSION',
  database: 'HAMEAU_INFLUX_DB',
  username: 'HAMEAU_INFLUX_USER',
  password: 'HAMEAU_INFLUX_PASSWORD',
  org: 'HAMEAU_INFLUX_ORG',
  bucket: 'HAMEAU_INFLUX_BUCKET',
  token: 'HAMEAU_INFLUX_TOKEN',
};

/** Validates a config, listing every problem at once; the result is frozen. */
export function parseTimeSeriesConfig(
  input: unknown,
  source = 'time-series config',
  nameOf: (path: string) => string = (p) => p,
): TimeSeriesConfig {
  const result = TimeSeriesConfig.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      source,
      // zod's messages never quote the value, so a token or password cannot leak through them.
      result.error.issues.map((i) => `${nameOf(i.path.join('.')) || '(root)'}: ${i.message}`),
    );
  }
  const config = result.data;
  return Object.freeze(
    config.kind === 'embedded' && config.retention
      ? { ...config, retention: Object.freeze({ ...config.retention }) }
      : config,
  );
}

/**
 * The config from the environment: `HAMEAU_TSDB` is `embedded` (the default) or `influxdb`.
 * InfluxDB 1.x needs HAMEAU_INFLUX_URL, HAMEAU_INFLUX_VERSION=1 and HAMEAU_INFLUX_DB (with
 * optional HAMEAU_INFLUX_USER and HAMEAU_INFLUX_PASSWORD); 2.x and 3.x (which serves the 2.x
 * write API) need HAMEAU_INFLUX_VERSION=2 or 3, HAMEAU_INFLUX_ORG, HAMEAU_INFLUX_BUCKET and
 * HAMEAU_INFLUX_TOKEN. Every problem is reported at once, each naming its variable.
 */
export function timeSeriesConfigFromEnv(env: NodeJS.ProcessEnv): TimeSeriesConfig {
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const kind = get('HAMEAU_TSDB') ?? 'embedded';
  const source = 'time-series environment';
  const nameOf = (path: string) => ENV_OF[path] ?? path;
  if (kind === 'embedded') {
    return parseTimeSeriesConfig(
      withoutUndefined({ kind, path: get('HAMEAU_TSDB_PATH') }),
      source,
      nameOf,
    );
  }
  if (kind !== 'influxdb') {
    throw new ConfigError(source, [
      `HAMEAU_TSDB: must be embedded or influxdb, not ${JSON.stringify(kind)}`,
    ]);
  }
  const rawVersion = get('HAMEAU_INFLUX_VERSION');
  if (rawVersion !== '1' && rawVersion !== '2' && rawVersion !== '3') {
    // Without a version the other variables cannot be checked; report what can be.
    const problems = [
      `HAMEAU_INFLUX_VERSION: must be 1, 2 or 3${rawVersion === undefined ? ' (it is not set)' : ''}`,
    ];
    if (get('HAMEAU_INFLUX_URL') === undefined) problems.push('HAMEAU_INFLUX_URL: is not set');
    throw new ConfigError(source, problems);
  }
  const common = { kind, url: get('HAMEAU_INFLUX_URL') };
  const input =
    rawVersion === '1'
      ? {
          ...common,
          version: 1,
          database: get('HAMEAU_INFLUX_DB'),
          username: get('HAMEAU_INFLUX_USER'),
          password: get('HAMEAU_INFLUX_PASSWORD'),
        }
      : {
          ...common,
          version: 2,
          org: get('HAMEAU_INFLUX_ORG'),
          bucket: get('HAMEAU_INFLUX_BUCKET'),
          token: get('HAMEAU_INFLUX_TOKEN'),
        };
  return parseTimeSeriesConfig(withoutUndefined(input), source, nameOf);
}

/** Drops unset keys, so optional settings stay absent (exactOptionalPropertyTypes). */
function withoutUndefined(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}
