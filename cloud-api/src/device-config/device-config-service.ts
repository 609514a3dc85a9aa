import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DeviceId, HameauError, SiteId, type Clock } from '@hameau/protocol';
import { recordAudit } from '../audit/audit-store.js';
import type { DeviceService } from '../devices/device-service.js';
import { parseInput } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import { isUniqueViolation } from '../storage/unique-violation.js';
import {
  deviceKeyOf,
  isInSync,
  type DesiredConfigRecord,
  type DeviceConfigState,
} from './device-config-record.js';
import { deviceConfigStore, type DeviceKey } from './device-config-store.js';
import type { DesiredConfigSender } from './desired-config-sender.js';

/**
 * Configurations larger than this (as JSON) are refused: they travel in one MQTT packet to
 * small devices, which must keep them in memory and on flash.
 */
export const MAX_CONFIG_BYTES = 64 * 1024;
/** How many times a change is tried when a concurrent one took its version number. */
const SET_TRIES = 3;

/** A new desired configuration for one device. */
export const SetDeviceConfigInput = z
  .object({
    config: z
      .record(z.string(), z.unknown())
      .check((ctx) => {
        const bytes = Buffer.byteLength(JSON.stringify(ctx.value));
        if (bytes > MAX_CONFIG_BYTES) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            message: `config must be at most ${MAX_CONFIG_BYTES} bytes as JSON; this one is ${bytes}`,
          });
        }
      })
      .describe(
        `The whole configuration (it replaces the previous one), at most ${MAX_CONFIG_BYTES} bytes as JSON`,
      ),
    baseVersion: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'The version this change was made from (0: none yet); when it is no longer the latest, ' +
          'the change is refused with 409 CONFIG_VERSION_CONFLICT',
      ),
  })
  .strict();
export type SetDeviceConfigInput = z.input<typeof SetDeviceConfigInput>;

const DeviceKeyInput = z.object({ site: SiteId, device: DeviceId }).strict();

export interface DeviceConfigServiceDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly devices: DeviceService;
  readonly sender: DesiredConfigSender;
}

/**
 * Desired configurations of devices: new versions (with optimistic concurrency), their history,
 * the drift between what is desired and what the device reports, and resyncs. Every version
 * lives in the database, so an API restart loses nothing; publishing is the sender's.
 */
export class DeviceConfigService {
  readonly #d: DeviceConfigServiceDeps;

  constructor(deps: DeviceConfigServiceDeps) {
    this.#d = deps;
  }

  /**
   * Stores a new version of the device's configuration and publishes it at once when the API is
   * connected to the broker; otherwise it stays unpublished until the next connection. The
   * version is the latest plus one, or the version the device reports running plus one when
   * that is higher (a cloud database restored from an older backup), since the device ignores
   * any version not newer than its own. `baseVersion`, when given, must be the latest.
   */
  async set(
    site: string,
    device: string,
    input: SetDeviceConfigInput,
    actor: string,
  ): Promise<DeviceConfigState> {
    const key = parseInput(DeviceKeyInput, { site, device }, 'params');
    const body = parseInput(SetDeviceConfigInput, input, 'body');
    await this.#d.devices.get(key.site, key.device);
    const bytes = Buffer.byteLength(JSON.stringify(body.config));
    let created: DesiredConfigRecord | undefined;
    for (let attempt = 1; created === undefined; attempt++) {
      try {
        created = await this.#insertNext(key, body, actor, bytes);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // A concurrent change took the version: with a baseVersion the next try reports the
        // conflict; without one, the change goes on top of it.
        if (attempt >= SET_TRIES) throw conflict(key, 'it kept changing concurrently');
      }
    }
    this.#logOf(key).info(
      { version: created.version, bytes, actor, baseVersion: body.baseVersion },
      'desired config set',
    );
    const sent = await this.#d.sender.sendLatest(key);
    const desired =
      sent.status === 'published' && sent.record.version === created.version
        ? sent.record
        : created;
    const reported = (await deviceConfigStore.report(this.#d.db, key)) ?? null;
    return { desired, reported, inSync: isInSync(desired, reported) };
  }

  /** The device's latest desired version and last report; `DEVICE_NOT_FOUND` when unknown. */
  async state(site: string, device: string): Promise<DeviceConfigState> {
    const key = parseInput(DeviceKeyInput, { site, device }, 'params');
    await this.#d.devices.get(key.site, key.device);
    return this.#stateOf(key);
  }

  /** The device's versions, newest first; `before` pages back from a version already seen. */
  async versions(
    site: string,
    device: string,
    page: { readonly limit: number; readonly before?: number | undefined },
  ): Promise<DesiredConfigRecord[]> {
    const key = parseInput(DeviceKeyInput, { site, device }, 'params');
    await this.#d.devices.get(key.site, key.device);
    return deviceConfigStore.list(this.#d.db, key, page);
  }

  /**
   * Publishes the device's latest version again, retained, and answers once the broker has it:
   * `MQTT_UNAVAILABLE` when it could not (the version then goes out at the next connection).
   * A device without a desired configuration has nothing to resync; its state is returned.
   */
  async resync(site: string, device: string, actor: string): Promise<DeviceConfigState> {
    const key = parseInput(DeviceKeyInput, { site, device }, 'params');
    await this.#d.devices.get(key.site, key.device);
    const sent = await this.#d.sender.sendLatest(key);
    switch (sent.status) {
      case 'none':
        return this.#stateOf(key);
      case 'invalid':
        throw new Error(`the latest desired config of ${deviceKeyOf(key)} is not publishable`);
      case 'unavailable':
        throw new HameauError(
          'MQTT_UNAVAILABLE',
          'the broker did not take the configuration; it is published again when the API ' +
            'reconnects to the broker',
        );
      case 'published': {
        const { version } = sent.record;
        await recordAudit(this.#d.db, this.#d.clock.now(), {
          actor,
          action: 'device-config.resync',
          subject: deviceKeyOf(key),
          details: { version },
        });
        this.#logOf(key).info({ version, actor }, 'desired config resync');
        return this.#stateOf(key);
      }
    }
  }

  /** Inserts the next version with its audit row, in one transaction. */
  async #insertNext(
    key: DeviceKey,
    body: z.output<typeof SetDeviceConfigInput>,
    actor: string,
    bytes: number,
  ): Promise<DesiredConfigRecord> {
    const now = this.#d.clock.now();
    return this.#d.db.transaction().execute(async (trx) => {
      const latest = await deviceConfigStore.latestVersion(trx, key);
      if (body.baseVersion !== undefined && body.baseVersion !== latest) {
        throw conflict(key, `it is at version ${latest}, not ${body.baseVersion}`);
      }
      const running = (await deviceConfigStore.report(trx, key))?.configVersion ?? 0;
      const record: DesiredConfigRecord = {
        ...key,
        version: Math.max(latest, running) + 1,
        config: body.config,
        issuedAt: now,
        issuedBy: actor,
        publishedAt: null,
      };
      await deviceConfigStore.insert(trx, record);
      // Never the configuration itself: it may hold secrets.
      await recordAudit(trx, now, {
        actor,
        action: 'device-config.set',
        subject: deviceKeyOf(key),
        details: {
          version: record.version,
          bytes,
          ...(body.baseVersion !== undefined && { baseVersion: body.baseVersion }),
        },
      });
      return record;
    });
  }

  async #stateOf(key: DeviceKey): Promise<DeviceConfigState> {
    const [desired, reported] = await Promise.all([
      deviceConfigStore.latest(this.#d.db, key),
      deviceConfigStore.report(this.#d.db, key),
    ]);
    return {
      desired: desired ?? null,
      reported: reported ?? null,
      inSync: isInSync(desired ?? null, reported ?? null),
    };
  }

  #logOf(key: DeviceKey): Logger {
    return this.#d.log.child({ site: key.site, device: key.device });
  }
}

function conflict(key: DeviceKey, why: string): HameauError {
  return new HameauError(
    'CONFIG_VERSION_CONFLICT',
    `the desired config of ${deviceKeyOf(key)} changed meanwhile: ${why}; read it again and retry`,
    { site: key.site, device: key.device },
  );
}
