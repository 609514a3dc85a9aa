import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import {
  DEFAULT_ENERGY_SETTINGS,
  EnergyService,
  MeterRoleService,
  migrateToLatest,
  openDatabase,
  type TimeSeriesStore,
} from '@hameau/cloud-api';
import type { Clock } from '@hameau/protocol';

/** The energy service the API builds, over one store, and how to let it go. */
export interface EnergyReader {
  readonly service: EnergyService;
  close(): Promise<void>;
}

/**
 * The `EnergyService` the API's energy routes call, wired as the energy plugin wires it: over
 * the given series store, with the meter roles in a fresh SQLite database (no role set, so every
 * meter counts as consumption: the store is read the same way whatever the roles).
 */
export async function openEnergyReader(
  store: TimeSeriesStore,
  clock: Clock,
): Promise<EnergyReader> {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-bench-roles-'));
  const database = await openDatabase({ dialect: 'sqlite', file: join(dir, 'hameau.sqlite') });
  try {
    await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const settings = DEFAULT_ENERGY_SETTINGS;
  const roles = new MeterRoleService({
    db: database.db,
    clock,
    log: pino({ level: 'silent' }),
    store,
    measurement: settings.measurement,
  });
  return {
    service: new EnergyService({ store, roles, clock, settings }),
    async close() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
