import { ManualClock } from '@hameau/protocol';
import { EnergyService } from '../../src/energy/energy-service.js';
import { EnergySettings, type EnergySettingsInput } from '../../src/energy/energy-settings.js';
import { MeterRoleService } from '../../src/energy/meter-role-service.js';
import type { MeterKey, MeterRole } from '../../src/energy/meter-role.js';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import type { Point } from '../../src/timeseries/point.js';
import { silent } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Meters of the tests: two sites, one device each. */
export const HALL: MeterKey = { site: 'town-hall', device: 'meters-1', meter: 'building' };
export const SCHOOL: MeterKey = { site: 'school', device: 'meters-2', meter: 'building' };
export const SOLAR: MeterKey = { site: 'school', device: 'meters-2', meter: 'roof-solar' };
export const GRID: MeterKey = { site: 'town-hall', device: 'meters-1', meter: 'grid' };

/** An energy reading of a meter, as ingestion writes it. */
export function reading(meter: MeterKey, time: number, fields: Record<string, number>): Point {
  return {
    measurement: 'energy',
    tags: { site: meter.site, device: meter.device, source: meter.meter },
    fields,
    time,
  };
}

/**
 * Readings of one counter every `stepMs` over [from, to) (the first at `from`), the counter
 * growing at a steady `kw` from `start`: value(t) = start + kw × (t − from) / 1 h.
 */
export function steady(
  meter: MeterKey,
  opts: {
    from: number;
    to: number;
    stepMs: number;
    kw: number;
    start: number;
    field?: string;
    extra?: Record<string, number>;
  },
): Point[] {
  const points: Point[] = [];
  for (let t = opts.from; t < opts.to; t += opts.stepMs) {
    const value = opts.start + (opts.kw * (t - opts.from)) / HOUR;
    points.push(
      reading(meter, t, { [opts.field ?? 'energy_import_kwh']: value, ...(opts.extra ?? {}) }),
    );
  }
  return points;
}

/** The energy service over an in-memory store and a fresh SQLite database. */
export interface EnergyKit {
  readonly clock: ManualClock;
  readonly store: EmbeddedStore;
  readonly database: TestDatabase;
  readonly roles: MeterRoleService;
  readonly service: EnergyService;
  /** Registers the meters' devices and sets their roles. */
  assign(meter: MeterKey, role: MeterRole): Promise<void>;
  close(): Promise<void>;
}

export async function createEnergyKit(
  opts: { now: number; settings?: EnergySettingsInput } = { now: Date.UTC(2026, 10, 26, 12) },
): Promise<EnergyKit> {
  const clock = new ManualClock(opts.now);
  const store = new EmbeddedStore({ path: ':memory:', clock, retentionIntervalMs: null });
  const database = await createTestDatabase('sqlite');
  const settings = Object.freeze(EnergySettings.parse(opts.settings ?? {}));
  const roles = new MeterRoleService({
    db: database.db,
    clock,
    log: silent,
    store,
    measurement: settings.measurement,
  });
  const service = new EnergyService({ store, roles, clock, settings });
  const devices = new Set<string>();
  return {
    clock,
    store,
    database,
    roles,
    service,
    async assign(meter, role) {
      const key = `${meter.site}/${meter.device}`;
      if (!devices.has(key)) {
        devices.add(key);
        await database.db
          .insertInto('sites')
          .values({ id: meter.site, name: meter.site, created_at: 0 })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        await database.db
          .insertInto('devices')
          .values({ site_id: meter.site, device_id: meter.device, kind: 'meters', created_at: 0 })
          .execute();
      }
      await roles.set(meter, { role }, 'test');
    },
    async close() {
      await store.close();
      await database.drop();
    },
  };
}
