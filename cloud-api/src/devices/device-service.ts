import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  DeviceId,
  DeviceKind,
  HameauError,
  SiteId,
  usernameOf,
  type Clock,
  type Principal,
} from '@hameau/protocol';
import { createWithSecret } from '../accounts/create-with-secret.js';
import { mqttAccountStore } from '../accounts/mqtt-account-store.js';
import type { MqttCredentials } from '../accounts/service-account-service.js';
import { recordAudit } from '../audit/audit-store.js';
import { parseInput } from '../parse-input.js';
import { generateSecret } from '@hameau/protocol/secret-hash';
import type { Schema } from '../storage/schema.js';
import { deviceStore, type DeviceRecord } from './device-store.js';

export const CreateDeviceInput = z
  .object({ site: SiteId, device: DeviceId, kind: DeviceKind })
  .strict();
export type CreateDeviceInput = z.input<typeof CreateDeviceInput>;

const DeviceKey = z.object({ site: SiteId, device: DeviceId }).strict();

/** A device just created, with its MQTT credentials: the only time the password exists. */
export interface CreatedDevice {
  readonly site: string;
  readonly device: string;
  readonly kind: DeviceKind;
  readonly createdAt: number;
  readonly mqtt: MqttCredentials;
}

/** The device registry: devices, their sites and their broker identities. */
export class DeviceService {
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;
  readonly #log: Logger;

  constructor(deps: { readonly db: Kysely<Schema>; readonly clock: Clock; readonly log: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#log = deps.log;
  }

  /**
   * Registers a device (and its site, when new) with an MQTT account. The device, its account
   * and the audit row are committed together; the password is returned, never stored.
   */
  async create(input: CreateDeviceInput, actor: string): Promise<CreatedDevice> {
    const { site, device, kind } = parseInput(CreateDeviceInput, input);
    const principal: Principal = { role: 'device', site, device, kind };
    const username = usernameOf(principal);
    const createdAt = this.#clock.now();
    const password = await createWithSecret(this.#db, {
      generate: generateSecret,
      at: createdAt,
      insert: async (trx, hash) => {
        await deviceStore.ensureSite(trx, site, createdAt);
        await deviceStore.insert(trx, { site, device, kind, createdAt });
        await mqttAccountStore.insert(trx, { principal, username, hash, createdAt });
      },
      audit: { actor, action: 'device.create', subject: username, details: { kind } },
      conflict: () =>
        new HameauError('DEVICE_EXISTS', `device ${username} already exists`, { site, device }),
    });
    this.#log.info({ site, device, kind, actor }, 'device created');
    return { site, device, kind, createdAt, mqtt: { username, password } };
  }

  /** Every device with its status, optionally of one site. */
  list(filter: { readonly site?: string | undefined } = {}): Promise<DeviceRecord[]> {
    return deviceStore.list(this.#db, filter);
  }

  /** One device with its status; `DEVICE_NOT_FOUND` when it is not registered. */
  async get(site: string, device: string): Promise<DeviceRecord> {
    const key = parseInput(DeviceKey, { site, device });
    const record = await deviceStore.get(this.#db, key.site, key.device);
    if (record === undefined) throw notFound(key.site, key.device);
    return record;
  }

  /** Removes a device with its status and MQTT account; the broker refuses its next CONNECT. */
  async delete(site: string, device: string, actor: string): Promise<void> {
    const key = parseInput(DeviceKey, { site, device });
    await this.#db.transaction().execute(async (trx) => {
      // The foreign keys cascade too; deleting the account first does not rely on them.
      await mqttAccountStore.deleteDevice(trx, key.site, key.device);
      if (!(await deviceStore.delete(trx, key.site, key.device))) {
        throw notFound(key.site, key.device);
      }
      await recordAudit(trx, this.#clock.now(), {
        actor,
        action: 'device.delete',
        subject: `${key.site}/${key.device}`,
      });
    });
    this.#log.info({ site: key.site, device: key.device, actor }, 'device deleted');
  }
}

function notFound(site: string, device: string): HameauError {
  return new HameauError('DEVICE_NOT_FOUND', `no device ${site}/${device}`, { site, device });
}
