import { z } from 'zod';
import { DeviceId, DeviceKind, SiteId } from '@hameau/protocol';
import { OutboxDeleteOn } from '../outbox/outbox-config.js';
import type { DeepReadonly } from './deep-freeze.js';
import { modulesSchema, type ModuleSchemaSource } from './module-schemas.js';
import type { Secret } from './secret.js';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.int().min(min).max(max);

const MqttUrl = z
  .url({
    protocol: /^(mqtts?|wss?)$/,
    error: 'an mqtt://, mqtts://, ws:// or wss:// URL',
  })
  .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), {
    message: 'a URL without user:password (use mqtt.username and mqtt.passwordFile)',
  });

const MqttSection = z.strictObject({
  url: MqttUrl,
  /** Defaults to `site/device`, the identity the broker expects from a device. */
  username: z.string().min(1).max(128).optional(),
  /** Exactly one of `password` and `passwordFile`; `loadAgentConfig` checks it. */
  password: z.string().min(1).optional(),
  /** Read once at load, relative to the config file's folder. Preferred over `password`. */
  passwordFile: z.string().min(1).optional(),
  /** A PEM file of the CA that signed the broker's certificate, for mqtts:// and wss://. */
  ca: z.string().min(1).optional(),
  keepaliveSeconds: int(5, 3600).default(30),
  reconnect: z
    .strictObject({ minMs: int(100).default(1_000), maxMs: int(100).default(60_000) })
    .prefault({})
    .refine((r) => r.minMs <= r.maxMs, {
      message: 'a value >= mqtt.reconnect.minMs',
      path: ['maxMs'],
    }),
});

const OutboxSection = z
  .strictObject({
    /** Records kept while offline; past it the oldest non-critical records are dropped. */
    maxRecords: int(100).default(200_000),
    /** Records older than this are dropped (non-critical ones). */
    maxAgeDays: int(1, 3650).default(30),
    /** Replay rate of the backlog after a reconnect, so live data is not starved. */
    replayPerSecond: int(1, 100_000).default(50),
    /** How often the outbox reports its own depth as telemetry (stream `outbox`). */
    statsIntervalSeconds: int(1, 86_400).default(60),
    /**
     * When a record leaves the outbox: once the cloud confirms it stored its seq (`cloud-ack`),
     * or at the broker's PUBACK (`puback`, for a cloud that is not Hameau's).
     */
    deleteOn: OutboxDeleteOn.default('cloud-ack'),
    /**
     * With `cloud-ack`: the oldest record sent and still unconfirmed after this long (checked
     * twice) sends the backlog again; a cloud that was away when it was sent then gets it.
     */
    resendAfterSeconds: int(1, 3600).default(30),
  })
  .prefault({});

const LogSection = z
  .strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .prefault({});

/**
 * The one schema of `site.yaml`. Module sections are validated by each module's own schema
 * (see `modulesSchema`). File references are only checked for shape here; `loadAgentConfig`
 * resolves and reads them.
 */
export function agentConfigSchema(modules: readonly ModuleSchemaSource[]) {
  return z.strictObject({
    site: SiteId,
    device: DeviceId,
    kind: DeviceKind,
    mqtt: MqttSection,
    dataDir: z.string().min(1).default('/var/lib/hameau'),
    outbox: OutboxSection,
    log: LogSection,
    modules: modulesSchema(modules).prefault({}),
  });
}

type Parsed = z.output<ReturnType<typeof agentConfigSchema>>;

/** The agent's configuration as loaded: defaults applied, files read, paths absolute, frozen. */
export type AgentConfig = DeepReadonly<
  Omit<Parsed, 'mqtt'> & {
    mqtt: Omit<Parsed['mqtt'], 'username' | 'password' | 'passwordFile' | 'ca'> & {
      username: string;
      /** From `passwordFile` or `password`; `reveal()` it only to hand it to the MQTT client. */
      password: Secret;
      /** The CA certificate, read at load. */
      ca?: { file: string; pem: string };
    };
    /** Absolute path of the file this was loaded from; modules resolve relative paths with it. */
    configFile: string;
    /**
     * Each enabled module's `modules.<name>` as written (before defaults): a desired config
     * takes the module's local-only keys from it (`AgentModule.localKeys`).
     */
    writtenModules: Readonly<Record<string, unknown>>;
  }
>;
