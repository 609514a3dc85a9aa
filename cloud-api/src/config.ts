import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '@hameau/protocol';
import type { DatabaseConfig } from './storage/open-database.js';

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

/** Builds the config from the environment (`hameau api` passes `process.env`). */
export function apiConfigFromEnv(env: NodeJS.ProcessEnv): ApiConfig {
  const input: Record<string, string> = {};
  for (const [name, key] of Object.entries(API_ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[key] = value;
  }
  return parseApiConfig(input, 'API environment', (key) => {
    const entry = Object.entries(API_ENV).find(([, k]) => k === key);
    return entry ? entry[0] : key;
  });
}

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
