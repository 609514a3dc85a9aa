import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '@hameau/protocol';
import { ServiceAccountService } from './accounts/service-account-service.js';
import { AlarmService } from './alarms/alarm-service.js';
import type { AlarmSettings } from './alarms/alarm-settings.js';
import { TokenService } from './auth/token-service.js';
import { DesiredConfigSender } from './device-config/desired-config-sender.js';
import { DeviceService } from './devices/device-service.js';
import { EnergyService } from './energy/energy-service.js';
import { MeterRoleService } from './energy/meter-role-service.js';
import { deviceStatusListener } from './devices/device-status-listener.js';
import { IngestionHub } from './ingestion/ingestion-hub.js';
import { LightingReportService } from './lighting/lighting-report-service.js';
import type { CloudPublisher } from './mqtt/cloud-publisher.js';
import type { TimeSeriesStore } from './timeseries/time-series-store.js';
import type { EnergySettings } from './energy/energy-settings.js';
import type { LockerOptions } from './lockers/locker-settings.js';
import type { Schema } from './storage/schema.js';

/**
 * What every domain plugin receives as `opts.ctx`: the injected dependencies and the services
 * built on them. A new domain (ingestion, commands, alarms) adds its service here when other
 * domains need it, or builds its own from `db`, `clock` and `log` when none do.
 */
export interface AppContext {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly tokens: TokenService;
  readonly devices: DeviceService;
  readonly accounts: ServiceAccountService;
  /** Publishes to devices as the `cloud` account (`offlinePublisher` without MQTT). */
  readonly publisher: CloudPublisher;
  /** Domains subscribe here to the device messages that ingestion validated and deduplicated. */
  readonly ingestion: IngestionHub;
  /** Readings: the store ingestion writes to, for the domains that read series (energy…). */
  readonly timeSeries: TimeSeriesStore;
  /** The energy figures' settings (`AppOptions.energy`). */
  readonly energySettings: EnergySettings;
  /**
   * The energy domain's figures over `timeSeries` with `energySettings`: one instance for the
   * energy routes and the public feed, so they read through the same meter roles.
   */
  readonly energy: EnergyService;
  /** Which meter measures what (the energy domain's table), shared with `energy`. */
  readonly meterRoles: MeterRoleService;
  /** What lighting controllers reported (levels, nights, tonight), for the routes and the feed. */
  readonly lightingReports: LightingReportService;
  /** Raises, acknowledges and resolves alarms; other domains raise theirs through it. */
  readonly alarms: AlarmService;
  /**
   * Publishes desired configurations. One for the app: it runs a device's publishes one after
   * the other, so every domain that sets a configuration (device-config, lighting) shares it.
   */
  readonly desiredConfigs: DesiredConfigSender;
  /** Thresholds of the cloud's alarm rules (`AppOptions.alarms`). */
  readonly alarmSettings: AlarmSettings;
  /** The lockers' pepper, notifier and sweep interval (`AppOptions.lockers`). */
  readonly lockers: LockerOptions;
}

/** Builds the services over one database, clock and logger. */
export function createAppContext(deps: {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly publisher: CloudPublisher;
  readonly alarmSettings: AlarmSettings;
  readonly timeSeries: TimeSeriesStore;
  readonly energySettings: EnergySettings;
  readonly lockers: LockerOptions;
  /** The hub ingestion dispatches to; a new one when the caller has none. */
  readonly ingestion?: IngestionHub;
}): AppContext {
  const { db, clock, log, timeSeries: store, energySettings } = deps;
  const ingestion = deps.ingestion ?? new IngestionHub();
  const meterRoles = new MeterRoleService({
    db,
    clock,
    log: log.child({ domain: 'energy' }),
    store,
    measurement: energySettings.measurement,
  });
  // First listener: a birth is recorded before the domains that react to it (commands sent on
  // reconnect) run.
  ingestion.addListener(
    deviceStatusListener({ db, log: log.child({ domain: 'devices' }), now: () => clock.now() }),
  );
  return Object.freeze({
    ...deps,
    ingestion,
    tokens: new TokenService({ db, clock }),
    devices: new DeviceService({ db, clock, log: log.child({ domain: 'devices' }) }),
    accounts: new ServiceAccountService({ db, clock, log: log.child({ domain: 'mqtt-accounts' }) }),
    alarms: new AlarmService({ db, clock, log: log.child({ domain: 'alarms' }) }),
    meterRoles,
    energy: new EnergyService({ store, roles: meterRoles, clock, settings: energySettings }),
    lightingReports: new LightingReportService({ db, clock, timeSeries: store }),
    desiredConfigs: new DesiredConfigSender({
      db,
      clock,
      log: log.child({ domain: 'device-config' }),
      publisher: deps.publisher,
    }),
  });
}
