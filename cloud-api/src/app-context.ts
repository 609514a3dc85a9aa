import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '@hameau/protocol';
import { ServiceAccountService } from './accounts/service-account-service.js';
import { TokenService } from './auth/token-service.js';
import { DeviceService } from './devices/device-service.js';
import { IngestionHub } from './ingestion/ingestion-hub.js';
import type { CloudPublisher } from './mqtt/cloud-publisher.js';
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
}

/** Builds the services over one database, clock and logger. */
export function createAppContext(deps: {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly publisher: CloudPublisher;
}): AppContext {
  const { db, clock, log } = deps;
  return Object.freeze({
    ...deps,
    ingestion: new IngestionHub(),
    tokens: new TokenService({ db, clock }),
    devices: new DeviceService({ db, clock, log: log.child({ domain: 'devices' }) }),
    accounts: new ServiceAccountService({ db, clock, log: log.child({ domain: 'mqtt-accounts' }) }),
  });
}
