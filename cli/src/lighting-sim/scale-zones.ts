import type { LightingControlConfig, LightingOverride, Zone } from '@hameau/edge-agent';

// `--zones N`: fewer zones than the town has keeps the first N (rules, events and overrides
// lose the others, and those left with no zone go); more repeats the town's zones in order, each
// copy named after its original and listed wherever the original is, so a copy of the square
// gets the square's programs, events and overrides.

type Selector = 'all' | readonly string[];

/** A copy's id: the original's, cut to fit, and `-2`, `-3`… */
function copyId(id: string, copy: number): string {
  const suffix = `-${copy}`;
  return `${id.slice(0, 40 - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/** The town's configuration and overrides with `count` zones (unchanged when undefined). */
export function scaleZones(
  config: LightingControlConfig,
  overrides: readonly LightingOverride[],
  count: number | undefined,
): { config: LightingControlConfig; overrides: readonly LightingOverride[] } {
  const zones = config.zones;
  if (count === undefined || count === zones.length || zones.length === 0) {
    return { config, overrides };
  }
  if (!Number.isInteger(count) || count < 1) throw new RangeError('zones: a whole number ≥ 1');

  const kept: Zone[] = [];
  /** Original id → the ids standing for it (itself if kept, and its copies). */
  const standsFor = new Map<string, string[]>(zones.map((z) => [z.id, []]));
  for (let i = 0; i < count; i++) {
    const original = zones[i % zones.length];
    if (original === undefined) continue;
    const copy = Math.floor(i / zones.length) + 1;
    const zone =
      copy === 1
        ? original
        : { ...original, id: copyId(original.id, copy), name: `${original.name} (${copy})` };
    kept.push(zone);
    standsFor.get(original.id)?.push(zone.id);
  }
  const ids = new Set(kept.map((z) => z.id));
  if (ids.size !== kept.length) throw new RangeError('zones: the copies of two zones share an id');

  const remap = (selector: Selector): Selector | null => {
    if (selector === 'all') return selector;
    const list = selector.flatMap((id) => standsFor.get(id) ?? []);
    return list.length === 0 ? null : list;
  };
  function withZones<T extends { readonly zones: Selector }>(items: readonly T[]): T[] {
    return items.flatMap((item) => {
      const zonesOf = remap(item.zones);
      return zonesOf === null ? [] : [{ ...item, zones: zonesOf }];
    });
  }

  return {
    config: {
      ...config,
      zones: kept,
      calendar: withZones(config.calendar),
      events: withZones(config.events),
    },
    overrides: withZones(overrides),
  };
}
