import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '@hameau/protocol';
import { IngestionConfig } from './ingestion/ingestion-config.js';
import type { DatabaseConfig } from './storage/open-database.js';
import { TimeSeriesConfig, timeSeriesConfigFromEnv } from './timeseries/time-series-config.js';
import { EnergySettings, energySettingsFromEnv } from './energy/energy-settings.js';
import { LockerConfig, lockerConfigFromEnv } from './lockers/locker-settings.js';
import { WeatherSettings, weatherSettingsFromEnv } from './weather/weather-settings.js';

const Port = z.coerce.number().int().min(0).max(65535);

/** Every setting of the API server; parsed once at start, frozen, and passed in. */
export const ApiConfig = z
  .object({
    host: z.string().min(1).default('0.0.0.0'),
    /** Port 0 picks a free port (tests). */
    port: Port.default(8080),
    /** Holds `hameau.sqlite` (without `databaseUrl`) and the bootstrap `admin-token`. */
    dataDir: z.string().min(1).default('./data'),
    /** PostgreSQL instead of the embedded SQLite file. */
    databaseUrl: z
      .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
      .optional(),
    /** Where the bootstrap admin token is written; defaults to `<dataDir>/admin-token`. */
    adminTokenFile: z.string().min(1).optional(),
    /** Trust `X-Forwarded-*` headers from a reverse proxy. */
    trustProxy: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
      .default(false),
    /** The broker to ingest from and publish commands to; no MQTT side without it. */
    mqtt: IngestionConfig.optional(),
    /** Where readings go; the embedded store at `<dataDir>/series.sqlite` by default. */
    timeSeries: TimeSeriesConfig.default({ kind: 'embedded' }),
    /** Time zone and grid renewable share of the energy figures (HAMEAU_TOWN_TIME_ZONE…). */
    energy: EnergySettings.prefault({}),
    /** The lockers' pepper (HAMEAU_LOCKER_PEPPER…); `<dataDir>/locker-pepper` without it. */
    lockers: LockerConfig.optional(),
    /** The weather relayed to the lighting controllers (HAMEAU_WEATHER_URL…); off without a URL. */
    weather: WeatherSettings.optional(),
  })
  .strict();
export type ApiConfig = Readonly<
  Omit<z.output<typeof ApiConfig>, 'adminTokenFile'> & { adminTokenFile: string }
>;
export type ApiConfigInput = z.input<typeof ApiConfig>;

/** Environment variables the API reads, each mapped to its config key. */
export const API_ENV = {
  HAMEAU_API_HOST: 'host',
  HAMEAU_API_PORT: 'port',
  HAMEAU_DATA_DIR: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  HAMEAU_ADMIN_TOKEN_FILE: 'adminTokenFile',
  HAMEAU_API_TRUST_PROXY: 'trustProxy',
} as const satisfies Record<string, keyof ApiConfigInput>;

/** Environment variables of the MQTT side, each mapped to its key in `mqtt`. */
export const MQTT_ENV = {
  HAMEAU_MQTT_URL: 'url',
  HAMEAU_MQTT_USERNAME: 'username',
  HAMEAU_MQTT_PASSWORD: 'password',
  HAMEAU_MQTT_PASSWORD_FILE: 'passwordFile',
  HAMEAU_MQTT_CLIENT_ID: 'clientId',
  HAMEAU_INGEST_BATCH_MAX: 'batchMaxMessages',
  HAMEAU_INGEST_BATCH_DELAY_MS: 'batchMaxDelayMs',
  HAMEAU_INGEST_ACK_MS: 'ackIntervalMs',
  HAMEAU_INGEST_JOURNAL: 'journalPath',
} as const satisfies Record<string, keyof IngestionConfigInput>;
type IngestionConfigInput = z.input<typeof IngestionConfig>;

/**
 * Builds the config from the environment (`hameau api` passes `process.env`): the variables of
 * `API_ENV`, `MQTT_ENV` (the MQTT side is on when HAMEAU_MQTT_URL is set) and the time-series
 * ones (`timeSeriesConfigFromEnv`). Every problem of every part is reported at once.
 */
export function apiConfigFromEnv(env: NodeJS.ProcessEnv): ApiConfig {
  const set = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const input: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(API_ENV)) {
    const value = set(name);
    if (value !== undefined) input[key] = value;
  }
  const mqtt: Record<string, string> = {};
  for (const [name, key] of Object.entries(MQTT_ENV)) {
    const value = set(name);
    if (value !== undefined) mqtt[key] = value;
  }
  const mqttProblems: string[] = [];
  if (Object.keys(mqtt).length > 0) {
    if (mqtt.url === undefined) mqttProblems.push('HAMEAU_MQTT_URL: is not set');
    else input.mqtt = mqtt;
  }
  const problems: string[] = [...mqttProblems];
  try {
    input.timeSeries = timeSeriesConfigFromEnv(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  try {
    input.energy = energySettingsFromEnv(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  try {
    const lockers = lockerConfigFromEnv(env);
    if (lockers !== undefined) input.lockers = lockers;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  try {
    const weather = weatherSettingsFromEnv(env);
    if (weather !== undefined) input.weather = weather;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  const nameOf = (path: string): string => {
    const [head, key] = path.split('.');
    const table: Record<string, string> = head === 'mqtt' ? MQTT_ENV : API_ENV;
    const entry = Object.entries(table).find(([, k]) => k === (head === 'mqtt' ? key : path));
    return entry ? entry[0] : path;
  };
  try {
    const config = parseApiConfig(input, 'API environment', nameOf);
    if (problems.length > 0) throw new ConfigError('API environment', problems);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError) || problems.length === 0) throw err;
    throw new ConfigError('API environment', [...err.problems, ...problems].filter(unique));
  }
}

const unique = (v: string, i: number, all: readonly string[]) => all.indexOf(v) === i;

/** Validates a config, listing every problem at once; paths are resolved and the result frozen. */
export function parseApiConfig(
  input: unknown,
  source = 'API config',
  nameOf: (key: string) => string = (k) => k,
): ApiConfig {
  const result = ApiConfig.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      source,
      // Never echo the input: DATABASE_URL may carry a password.
      result.error.issues.map((i) => `${nameOf(i.path.join('.')) || '(root)'}: ${i.message}`),
    );
  }
  const c = result.data;
  const dataDir = resolve(c.dataDir);
  return Object.freeze({
    ...c,
    dataDir,
    adminTokenFile: resolve(c.adminTokenFile ?? join(dataDir, 'admin-token')),
  });
}

/** The database this config points at: PostgreSQL with `databaseUrl`, else the SQLite file. */
export function databaseConfigOf(config: ApiConfig): DatabaseConfig {
  return config.databaseUrl === undefined
    ? { dialect: 'sqlite', file: join(config.dataDir, 'hameau.sqlite') }
    : { dialect: 'postgres', url: config.databaseUrl };
}
