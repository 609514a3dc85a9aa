import { z } from 'zod';

/**
 * What a meter measures. `consumption`: a building, a cabinet, lockers (its import counter is
 * consumed energy). `production`: local solar, renewable (its export counter is produced
 * energy). `grid`: the town's connection to the grid (import and export).
 */
export const MeterRole = z.enum(['consumption', 'production', 'grid']);
export type MeterRole = z.infer<typeof MeterRole>;

/** A role as listed: a meter seen in telemetry without one is `unassigned`. */
export const ListedRole = z.enum([...MeterRole.options, 'unassigned']);
export type ListedRole = z.infer<typeof ListedRole>;

/**
 * The role a meter's figures count under. An unassigned meter counts as consumption: a new
 * meter is far more likely a consumer than the town's production or grid point, and leaving it
 * out would make every total silently low. Assign the solar and grid meters.
 */
export function countedRole(role: ListedRole): MeterRole {
  return role === 'unassigned' ? 'consumption' : role;
}

/** A meter: the `source` of readings from one device of one site. */
export interface MeterKey {
  readonly site: string;
  readonly device: string;
  readonly meter: string;
}

/** The tags of a meter's series in the time-series store, in the order `groupBy` uses. */
export const METER_TAGS = ['site', 'device', 'source'] as const;

/** A stable map key for a meter (meter ids may hold any character, so JSON, not a join). */
export function meterKeyOf(m: MeterKey): string {
  return JSON.stringify([m.site, m.device, m.meter]);
}

/** The meter a series belongs to, from its tags; undefined when a tag is missing. */
export function meterOfTags(tags: Readonly<Record<string, string>>): MeterKey | undefined {
  const { site, device, source } = tags;
  if (!site || !device || !source) return undefined;
  return { site, device, meter: source };
}

/** The store's tag filter for a meter. */
export function tagsOfMeter(m: MeterKey): Record<string, string> {
  return { site: m.site, device: m.device, source: m.meter };
}

/** Orders meters by site, device, then meter id (code point order, whatever the locale). */
export function compareMeters(a: MeterKey, b: MeterKey): number {
  const ka = [a.site, a.device, a.meter];
  const kb = [b.site, b.device, b.meter];
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i] as string;
    const y = kb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
