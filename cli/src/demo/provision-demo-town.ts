import {
  DeviceService,
  ServiceAccountService,
  migrateToLatest,
  openDatabase,
  type DatabaseConfig,
} from '@hameau/cloud-api';
import { usernameOf, type Clock, type DeviceKind } from '@hameau/protocol';
import type { Logger } from 'pino';
import type { IssuedCredentials } from '../identities/identity-store.js';
import { rotateMqttPassword } from './rotate-mqtt-password.js';

/** The demo town's devices. */
export const DEMO_DEVICES: readonly { site: string; device: string; kind: DeviceKind }[] = [
  { site: 'mairie', device: 'lockers', kind: 'locker' },
  { site: 'gare', device: 'lockers', kind: 'locker' },
  { site: 'mairie', device: 'meters', kind: 'meters' },
  { site: 'ville', device: 'lighting', kind: 'lighting' },
];

/** The service account the API will connect to the broker as. */
export const DEMO_CLOUD_ACCOUNT = 'cloud';

/** Credentials of the demo's `cloud` account and of every demo device, in that order. */
export interface DemoCredentials {
  readonly cloud: IssuedCredentials;
  readonly devices: readonly IssuedCredentials[];
}

/**
 * Registers the demo town in the registry through the API's services and returns a password for
 * each identity, to print. Idempotent across restarts: a device registered by an earlier start
 * keeps its identity and history and only gets a new password (rotated, with an audit row), since
 * the earlier one was shown once and is gone; nothing is deleted and created again.
 *
 * Opens its own connection and closes it before the broker and the API start, so the demo's
 * three users of the database never migrate or write it at the same time.
 */
export async function provisionDemoTown(deps: {
  readonly database: DatabaseConfig;
  readonly clock: Clock;
  readonly log: Logger;
  readonly actor: string;
}): Promise<DemoCredentials> {
  const { clock, log, actor } = deps;
  const handle = await openDatabase(deps.database, { log });
  try {
    await migrateToLatest(handle.db);
    const devices = new DeviceService({ db: handle.db, clock, log });
    const accounts = new ServiceAccountService({ db: handle.db, clock, log });
    const existing = new Set((await accounts.list()).map((a) => a.username));
    const rotate = (username: string) => rotateMqttPassword(handle.db, clock, username, actor);

    const cloud = existing.has(DEMO_CLOUD_ACCOUNT)
      ? await rotate(DEMO_CLOUD_ACCOUNT)
      : await accounts.create({ role: 'cloud', name: DEMO_CLOUD_ACCOUNT }, actor);
    const issued: IssuedCredentials[] = [];
    for (const d of DEMO_DEVICES) {
      const username = usernameOf({ role: 'device', ...d });
      issued.push(
        existing.has(username) ? await rotate(username) : (await devices.create(d, actor)).mqtt,
      );
    }
    return { cloud: { username: cloud.username, password: cloud.password }, devices: issued };
  } finally {
    await handle.close();
  }
}
