import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '@hameau/protocol';

const Port = z.coerce.number().int().min(0).max(65535);
const Positive = z.coerce.number().int().positive();

/** Every setting of the broker; parsed once at start, frozen, and passed in. */
export const BrokerConfig = z
  .object({
    host: z.string().min(1).default('0.0.0.0'),
    /** MQTT over TCP (TLS when `tls` is set). Port 0 picks a free port (tests). */
    mqttPort: Port.default(1883),
    /** MQTT over WebSocket (WSS when `tls` is set); null disables it. */
    wsPort: Port.nullable().default(9001),
    /** Health and Prometheus metrics over HTTP; null disables it. */
    httpPort: Port.nullable().default(9100),
    tls: z
      .object({ certFile: z.string().min(1), keyFile: z.string().min(1) })
      .strict()
      .optional(),
    /** Holds the API's `hameau.sqlite` (the registry without `databaseUrl`), or the file store. */
    dataDir: z.string().min(1).default('./data'),
    /**
     * Where accounts come from. `registry` (the default) is the cloud API's device registry, the
     * one place `hameau device add` and the admin API create identities: PostgreSQL when
     * `databaseUrl` is set, else `<dataDir>/hameau.sqlite`. `file` is `<dataDir>/credentials.json`,
     * for a broker run without the API (`hameau device add --credentials-file` writes it).
     */
    credentials: z.enum(['registry', 'file']).default('registry'),
    databaseUrl: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    /** When set, sessions and routing go through Redis so several brokers serve one fleet. */
    redisUrl: z.url({ protocol: /^rediss?$/ }).optional(),
    limits: z
      .object({
        /** Largest MQTT packet accepted; a larger one closes that client. */
        maxPacketBytes: Positive.default(1024 * 1024),
        /** New connections per second allowed per remote address, and the burst above it. */
        connectionsPerSecond: Positive.default(10),
        connectionBurst: Positive.default(50),
        /** A subscriber whose socket stays full this long is disconnected, not waited for. */
        drainTimeoutMs: Positive.default(5_000),
        /** A connection that sends no CONNECT within this time is closed. */
        connectTimeoutMs: Positive.default(10_000),
        /**
         * With Redis: how many queued messages a persistent session gets when it reconnects.
         * aedes-persistence-redis sends only this many at connect and the rest wait for the next
         * reconnect, so it must exceed what the API's session can queue during an outage
         * (a town: hundreds of devices × a reading a minute × hours). Its default is 1,000.
         */
        maxSessionDelivery: Positive.default(1_000_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type BrokerConfig = Readonly<z.output<typeof BrokerConfig>>;
export type BrokerConfigInput = z.input<typeof BrokerConfig>;

/** Environment variables the broker reads, each mapped to its config path. */
export const BROKER_ENV = {
  HAMEAU_MQTT_HOST: 'host',
  HAMEAU_MQTT_PORT: 'mqttPort',
  HAMEAU_MQTT_WS_PORT: 'wsPort',
  HAMEAU_BROKER_HTTP_PORT: 'httpPort',
  HAMEAU_DATA_DIR: 'dataDir',
  HAMEAU_BROKER_CREDENTIALS: 'credentials',
  DATABASE_URL: 'databaseUrl',
  REDIS_URL: 'redisUrl',
  HAMEAU_MQTT_MAX_PACKET_BYTES: 'limits.maxPacketBytes',
  HAMEAU_MQTT_CONNECTIONS_PER_SECOND: 'limits.connectionsPerSecond',
  HAMEAU_MQTT_CONNECTION_BURST: 'limits.connectionBurst',
  HAMEAU_MQTT_DRAIN_TIMEOUT_MS: 'limits.drainTimeoutMs',
  HAMEAU_MQTT_MAX_SESSION_DELIVERY: 'limits.maxSessionDelivery',
} as const;

/** Builds the config from the environment; `off` disables the WebSocket or HTTP listener. */
export function brokerConfigFromEnv(env: NodeJS.ProcessEnv): BrokerConfig {
  const input: Record<string, unknown> = { limits: {} };
  for (const [name, path] of Object.entries(BROKER_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = raw === 'off' && (path === 'wsPort' || path === 'httpPort') ? null : raw;
    const [head, tail] = path.split('.') as [string, string | undefined];
    if (tail === undefined) input[head] = value;
    else (input[head] as Record<string, unknown>)[tail] = value;
  }
  const cert = env.HAMEAU_TLS_CERT;
  const key = env.HAMEAU_TLS_KEY;
  if (cert !== undefined || key !== undefined) input.tls = { certFile: cert, keyFile: key };
  return parseBrokerConfig(input, 'broker environment', envNameOf);
}

function envNameOf(path: string): string {
  if (path.startsWith('tls.'))
    return path === 'tls.certFile' ? 'HAMEAU_TLS_CERT' : 'HAMEAU_TLS_KEY';
  const entry = Object.entries(BROKER_ENV).find(([, p]) => p === path);
  return entry ? entry[0] : path;
}

/** Validates a config, listing every problem at once; the result is frozen. */
export function parseBrokerConfig(
  input: unknown,
  source = 'broker config',
  nameOf: (path: string) => string = (p) => p,
): BrokerConfig {
  const result = BrokerConfig.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      source,
      result.error.issues.map((i) => `${nameOf(i.path.join('.')) || '(root)'}: ${i.message}`),
    );
  }
  const c = result.data;
  return Object.freeze({
    ...c,
    dataDir: resolve(c.dataDir),
    limits: Object.freeze({ ...c.limits }),
  });
}

export function credentialsPath(config: Pick<BrokerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'credentials.json');
}

/** The API's embedded database, which holds the device registry when no `DATABASE_URL` is set. */
export function registryPath(config: Pick<BrokerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'hameau.sqlite');
}

/** Where this broker's accounts come from, for start-up lines; never a password. */
export function describeCredentialSource(
  config: Pick<BrokerConfig, 'dataDir' | 'credentials' | 'databaseUrl'>,
): string {
  if (config.credentials === 'file') return `credential file ${credentialsPath(config)}`;
  if (config.databaseUrl === undefined) return `registry in ${registryPath(config)}`;
  const url = new URL(config.databaseUrl);
  return `registry in PostgreSQL at ${url.hostname}:${url.port || '5432'}${url.pathname}`;
}
