import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DeviceId, HameauError, SiteId, type Clock } from '@hameau/protocol';
import { recordAudit } from '../audit/audit-store.js';
import { deviceStore } from '../devices/device-store.js';
import { parseInput } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import type { TimeSeriesStore } from '../timeseries/time-series-store.js';
import {
  compareMeters,
  countedRole,
  MeterRole,
  meterKeyOf,
  meterOfTags,
  type ListedRole,
  type MeterKey,
} from './meter-role.js';
import { meterRoleStore } from './meter-role-store.js';

/** A meter id: the `source` of its readings (the metering module's meter ids). */
export const MeterId = z.string().min(1).max(64);

export const MeterKeyInput = z.object({ site: SiteId, device: DeviceId, meter: MeterId }).strict();

export const SetMeterRoleInput = z
  .object({
    role: MeterRole,
    label: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .nullable()
      .default(null)
      .describe('For people: "Town hall", "School roof solar"'),
  })
  .strict();
export type SetMeterRoleInput = z.input<typeof SetMeterRoleInput>;

/** A meter as listed: its role (or unassigned), how it counts, and when it last reported. */
export interface MeterListing extends MeterKey {
  readonly role: ListedRole;
  readonly countedAs: MeterRole;
  readonly label: string | null;
  /** Its newest energy reading (power or counter); null when it never reported. */
  readonly lastSeenAt: number | null;
}

/** Quantities whose series reveal a meter in the store. */
const SEEN_FIELDS = ['energy_import_kwh', 'energy_export_kwh', 'power_w'] as const;

/** Which meter measures what: set by technicians, and every meter seen in telemetry. */
export class MeterRoleService {
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #store: TimeSeriesStore;
  readonly #measurement: string;

  constructor(deps: {
    readonly db: Kysely<Schema>;
    readonly clock: Clock;
    readonly log: Logger;
    readonly store: TimeSeriesStore;
    readonly measurement: string;
  }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#store = deps.store;
    this.#measurement = deps.measurement;
  }

  /** The role each meter counts under, by `meterKeyOf`; absent meters count as consumption. */
  async roles(site?: string): Promise<Map<string, MeterRole>> {
    const rows = await meterRoleStore.list(this.#db, site);
    return new Map(rows.map((r) => [meterKeyOf(r), r.role]));
  }

  /**
   * Assigned meters and every meter seen in the store (a series on the energy stream with a
   * counter or power), the latter `unassigned` when no role was set.
   */
  async list(site?: string): Promise<MeterListing[]> {
    const tags = site === undefined ? {} : { site };
    const seen = new Map<string, { meter: MeterKey; at: number }>();
    for (const field of SEEN_FIELDS) {
      for (const latest of await this.#store.latest(this.#measurement, field, tags)) {
        const meter = meterOfTags(latest.tags);
        if (meter === undefined) continue;
        const key = meterKeyOf(meter);
        const before = seen.get(key);
        if (before === undefined || latest.time > before.at) {
          seen.set(key, { meter, at: latest.time });
        }
      }
    }
    const listed = new Map<string, MeterListing>();
    for (const r of await meterRoleStore.list(this.#db, site)) {
      const key = meterKeyOf(r);
      listed.set(key, {
        site: r.site,
        device: r.device,
        meter: r.meter,
        role: r.role,
        countedAs: r.role,
        label: r.label,
        lastSeenAt: seen.get(key)?.at ?? null,
      });
    }
    for (const [key, { meter, at }] of seen) {
      if (listed.has(key)) continue;
      listed.set(key, {
        ...meter,
        role: 'unassigned',
        countedAs: countedRole('unassigned'),
        label: null,
        lastSeenAt: at,
      });
    }
    return [...listed.values()].sort(compareMeters);
  }

  /** Sets a meter's role (and label) on a registered device; audited. */
  async set(meter: MeterKey, input: SetMeterRoleInput, actor: string): Promise<MeterListing> {
    const key = parseInput(MeterKeyInput, meter, 'params');
    const { role, label } = parseInput(SetMeterRoleInput, input, 'body');
    const updatedAt = this.#clock.now();
    await this.#db.transaction().execute(async (trx) => {
      if ((await deviceStore.get(trx, key.site, key.device)) === undefined) {
        throw new HameauError('DEVICE_NOT_FOUND', `no device ${key.site}/${key.device}`, {
          site: key.site,
          device: key.device,
        });
      }
      await meterRoleStore.upsert(trx, { ...key, role, label, updatedAt, updatedBy: actor });
      await recordAudit(trx, updatedAt, {
        actor,
        action: 'energy.meter-role.set',
        subject: `${key.site}/${key.device}/${key.meter}`,
        details: { role, label },
      });
    });
    this.#log.info(
      { site: key.site, device: key.device, meter: key.meter, role },
      'meter role set',
    );
    return this.#listed(key);
  }

  /** Forgets a meter's role: it is listed unassigned again and counts as consumption. */
  async clear(meter: MeterKey, actor: string): Promise<MeterListing> {
    const key = parseInput(MeterKeyInput, meter, 'params');
    const at = this.#clock.now();
    await this.#db.transaction().execute(async (trx) => {
      if (await meterRoleStore.remove(trx, key)) {
        await recordAudit(trx, at, {
          actor,
          action: 'energy.meter-role.clear',
          subject: `${key.site}/${key.device}/${key.meter}`,
        });
      }
    });
    this.#log.info({ site: key.site, device: key.device, meter: key.meter }, 'meter role cleared');
    return this.#listed(key);
  }

  async #listed(key: MeterKey): Promise<MeterListing> {
    const found = (await this.list(key.site)).find((m) => meterKeyOf(m) === meterKeyOf(key));
    return (
      found ?? {
        ...key,
        role: 'unassigned',
        countedAs: countedRole('unassigned'),
        label: null,
        lastSeenAt: null,
      }
    );
  }
}
