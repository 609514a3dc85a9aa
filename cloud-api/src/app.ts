import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type FastifyPluginAsyncZod,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { Kysely } from 'kysely';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { ConfigError, type Clock } from '@hameau/protocol';
import { accountRoutes } from './accounts/account-routes.js';
import { AlarmSettings } from './alarms/alarm-settings.js';
import { alarmsPlugin } from './alarms/alarms-plugin.js';
import { createAppContext, type AppContext } from './app-context.js';
import { auditRoutes } from './audit/audit-routes.js';
import {
  bearerTokenAuthenticator,
  installAuthentication,
  type Authenticator,
} from './auth/authenticate.js';
import { tokenRoutes } from './auth/token-routes.js';
import { commandsPlugin } from './commands/commands-plugin.js';
import { deviceConfigPlugin } from './device-config/device-config-plugin.js';
import { deviceRoutes } from './devices/device-routes.js';
import { energyPlugin } from './energy/energy-plugin.js';
import { lightingPlugin } from './lighting/lighting-plugin.js';
import { publicFeedPlugin } from './public-feed/public-feed-plugin.js';
import { LockerOptions } from './lockers/locker-settings.js';
import { lockersPlugin } from './lockers/lockers-plugin.js';
import { usersPlugin } from './users/users-plugin.js';
import { installErrorHandling } from './http/error-handler.js';
import { healthRoutes } from './http/health-routes.js';
import { registerOpenApi } from './http/openapi.js';
import { IngestionHub } from './ingestion/ingestion-hub.js';
import { offlinePublisher, type CloudPublisher } from './mqtt/cloud-publisher.js';
import { EmbeddedStore } from './timeseries/embedded-store.js';
import { EnergySettings } from './energy/energy-settings.js';
import type { TimeSeriesStore } from './timeseries/time-series-store.js';
import type { Schema } from './storage/schema.js';
import { WeatherRelay } from './weather/weather-relay.js';
import { weatherRoutes } from './weather/weather-routes.js';
import { webRoutes } from './web/web-routes.js';
import { WeatherSettings } from './weather/weather-settings.js';

/** A domain: an encapsulated fastify plugin that receives the app context as `opts.ctx`. */
export interface DomainPlugin {
  /** E.g. `ingestion`; its `ctx.log` tags every line with `domain: <name>`. */
  readonly name: string;
  /** URL prefix of its routes; `/api/v1` for API domains. */
  readonly prefix: string;
  readonly plugin: FastifyPluginAsyncZod<{ ctx: AppContext }>;
}

/**
 * The built-in domains, in registration order. A new domain (commands, alarms, lockers) is a
 * folder with routes, schemas, service and store, and one line here.
 */
const DOMAINS: readonly DomainPlugin[] = [
  { name: 'health', prefix: '', plugin: healthRoutes },
  { name: 'devices', prefix: '/api/v1', plugin: deviceRoutes },
  { name: 'commands', prefix: '/api/v1', plugin: commandsPlugin },
  { name: 'alarms', prefix: '/api/v1', plugin: alarmsPlugin },
  { name: 'device-config', prefix: '/api/v1', plugin: deviceConfigPlugin },
  { name: 'tokens', prefix: '/api/v1', plugin: tokenRoutes },
  { name: 'users', prefix: '/api/v1', plugin: usersPlugin },
  { name: 'mqtt-accounts', prefix: '/api/v1', plugin: accountRoutes },
  { name: 'audit', prefix: '/api/v1', plugin: auditRoutes },
  { name: 'energy', prefix: '/api/v1', plugin: energyPlugin },
  { name: 'lockers', prefix: '/api/v1', plugin: lockersPlugin },
  { name: 'lighting', prefix: '/api/v1', plugin: lightingPlugin },
  // After lighting: its ingestion listener stores the levels and tonight's figures the feed's
  // sections read, and listeners run in registration order (the feed checks, FEED_READS_AFTER).
  { name: 'public-feed', prefix: '/api/v1', plugin: publicFeedPlugin },
  { name: 'web', prefix: '', plugin: webRoutes },
];

const isFunction = (v: unknown): v is (...args: never[]) => unknown => typeof v === 'function';

/** What `buildApp` needs. Dependencies are injected: tests pass a database, server.ts opens one. */
export const AppOptions = z
  .object({
    db: z.custom<Kysely<Schema>>((v) => v instanceof Kysely, {
      message: 'must be a Kysely instance (openDatabase(...).db), migrated',
    }),
    clock: z.custom<Clock>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        isFunction((v as Partial<Clock>).now) &&
        isFunction((v as Partial<Clock>).setTimeout),
      { message: 'must be a Clock (systemClock, or ManualClock in tests)' },
    ),
    log: z
      .custom<Logger>(
        (v) => typeof v === 'object' && v !== null && isFunction((v as Partial<Logger>).child),
        { message: 'must be a pino Logger' },
      )
      .optional(),
    /** Publishes commands and desired config to devices; without it commands stay queued. */
    publisher: z
      .custom<CloudPublisher>(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          isFunction((v as Partial<CloudPublisher>).publish) &&
          isFunction((v as Partial<CloudPublisher>).onConnect),
        { message: 'must be a CloudPublisher ({ connected, publish, onConnect })' },
      )
      .default(offlinePublisher),
    /**
     * Where readings are stored and read (the server passes the store it ingests into); without
     * it, a throw-away in-memory embedded store, so domains that read series always have one.
     */
    timeSeries: z
      .custom<TimeSeriesStore>(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          isFunction((v as Partial<TimeSeriesStore>).query) &&
          isFunction((v as Partial<TimeSeriesStore>).write),
        { message: 'must be a TimeSeriesStore (createTimeSeriesStore(...))' },
      )
      .optional(),
    /** The energy figures' time zone, grid renewable share… (`energySettingsFromEnv`). */
    energy: EnergySettings.prefault({}),
    /** The lockers' pepper, notifier and sweep interval (the server resolves the pepper). */
    lockers: LockerOptions.prefault({}),
    /**
     * Where the town's weather is fetched for the lighting controllers (`weatherSettingsFromEnv`);
     * the relay runs only with a URL and a broker connection (a `publisher`).
     */
    weather: WeatherSettings.prefault({}),
    /** Where ingestion hands over device messages; the server shares one with its pipeline. */
    ingestion: z
      .custom<IngestionHub>((v) => v instanceof IngestionHub, {
        message: 'must be an IngestionHub',
      })
      .optional(),
    auth: z
      .object({
        /** Tried after the bearer token authenticator, in order. */
        authenticators: z
          .array(z.custom<Authenticator>(isFunction, { message: 'must be a function' }))
          .default([]),
      })
      .strict()
      .prefault({}),
    /** Thresholds of the alarm rules: `{ offlineAfterMinutes: 10, backlogAfterMinutes: 30 }`. */
    alarms: AlarmSettings.prefault({}),
    /** Serve swagger-ui at `/docs` (the JSON document at `/docs/json` comes with it). */
    docs: z.boolean().default(true),
    /** Largest request body accepted, in bytes. */
    bodyLimit: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** Trust `X-Forwarded-*` from a reverse proxy in front of the API. */
    trustProxy: z.boolean().default(false),
    /** Domains added by the embedding program (e.g. MQTT ingestion), after the built-in ones. */
    plugins: z
      .array(
        z.custom<DomainPlugin>(
          (v) =>
            typeof v === 'object' &&
            v !== null &&
            typeof (v as Partial<DomainPlugin>).name === 'string' &&
            typeof (v as Partial<DomainPlugin>).prefix === 'string' &&
            isFunction((v as Partial<DomainPlugin>).plugin),
          { message: 'must be { name, prefix, plugin }' },
        ),
      )
      .default([]),
  })
  .strict();
export type AppOptions = z.input<typeof AppOptions>;

/** The API's fastify instance, with the context its domains were built on. */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
> & { readonly hameau: AppContext };

/**
 * Builds the HTTP API without listening: validates the options once (every problem listed),
 * then wires error handling, authentication, the OpenAPI document and every domain. Only
 * server.ts listens; tests call `app.inject()`.
 */
export function buildApp(input: AppOptions): ApiApp {
  const parsed = AppOptions.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      'buildApp options',
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  const options = Object.freeze(parsed.data);
  const log = options.log ?? pino({ name: 'cloud-api' });
  // A store the app made itself is the app's to close.
  const ownStore =
    options.timeSeries === undefined
      ? new EmbeddedStore({ path: ':memory:', clock: options.clock, retentionIntervalMs: null })
      : undefined;
  const timeSeries: TimeSeriesStore = options.timeSeries ?? (ownStore as EmbeddedStore);
  const ctx = createAppContext({
    db: options.db,
    clock: options.clock,
    log,
    publisher: options.publisher,
    alarmSettings: Object.freeze({ ...options.alarms }),
    timeSeries,
    energySettings: Object.freeze({ ...options.energy }),
    lockers: Object.freeze({ ...options.lockers }),
    ...(options.ingestion && { ingestion: options.ingestion }),
  });

  // Typed as fastify's logger interface so the instance type is the plain ApiApp one.
  const baseLog: FastifyBaseLogger = log;
  const fastify = Fastify({
    loggerInstance: baseLog,
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  fastify.decorate('hameau', ctx);
  // The decoration above is what makes the instance an ApiApp.
  const app = fastify as ApiApp;
  if (ownStore) {
    app.addHook('onClose', async () => {
      await ownStore.close();
    });
  }
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Root-level hooks and handlers apply to every domain plugin registered below.
  installErrorHandling(app);
  installAuthentication(app, [
    bearerTokenAuthenticator(ctx.tokens),
    ...options.auth.authenticators,
  ]);
  registerOpenApi(app, { ui: options.docs });
  // The relay is always there to report on (`GET /api/v1/weather`); it fetches and publishes
  // only when MQTT is configured: without a broker there is no controller to relay to.
  const weather = new WeatherRelay({
    settings: options.weather,
    db: options.db,
    publisher: options.publisher,
    clock: options.clock,
    log: ctx.log.child({ domain: 'weather' }),
  });
  // The input's publisher: the parsed default is a copy of `offlinePublisher`, not the same object.
  if (input.publisher !== undefined && input.publisher !== offlinePublisher) {
    app.addHook('onReady', () => {
      weather.start();
      return Promise.resolve();
    });
  }
  app.addHook('onClose', () => weather.stop());
  for (const domain of [...DOMAINS, weatherRoutes(weather), ...options.plugins]) {
    const log = ctx.log.child({ domain: domain.name });
    void app.register(domain.plugin, { prefix: domain.prefix, ctx: { ...ctx, log } });
  }
  return app;
}
