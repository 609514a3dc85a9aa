import type { Kysely } from 'kysely';
import { deviceConfigStore } from '../device-config/device-config-store.js';
import type { Schema } from '../storage/schema.js';
import type { ControllerKey } from './lighting-config-service.js';
import { lightingSectionOf, type LightingSection } from './lighting-section.js';

/** Zone id → name, as a lighting section lists them; entries without both are skipped. */
export function zoneNamesOf(section: LightingSection | null): Map<string, string> {
  const names = new Map<string, string>();
  const zones = section?.zones;
  if (!Array.isArray(zones)) return names;
  for (const zone of zones as unknown[]) {
    if (typeof zone !== 'object' || zone === null) continue;
    const { id, name } = zone as { id?: unknown; name?: unknown };
    if (typeof id === 'string' && typeof name === 'string') names.set(id, name);
  }
  return names;
}

/**
 * A controller's zone names: those of its latest desired lighting section, and for zones that
 * section no longer lists (deleted since, while the controller still runs an older version),
 * those of the version the controller reports running. A zone named by neither is not here.
 */
export async function controllerZoneNames(
  db: Kysely<Schema>,
  key: ControllerKey,
): Promise<ReadonlyMap<string, string>> {
  const [latest, report] = await Promise.all([
    deviceConfigStore.latest(db, key),
    deviceConfigStore.report(db, key),
  ]);
  const desired = zoneNamesOf(lightingSectionOf(latest?.config));
  const running = report?.configVersion ?? null;
  if (running === null || running === latest?.version) return desired;
  const [record] = await deviceConfigStore.list(db, key, { limit: 1, before: running + 1 });
  if (record?.version !== running) return desired;
  return new Map([...zoneNamesOf(lightingSectionOf(record.config)), ...desired]);
}
