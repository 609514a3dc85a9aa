import { zonePowerW, type DimmingPoint, type LampGroup, type Zone } from './control/index.js';
import type { NodeOutcome } from './node-fleet.js';

// What a zone draws after a cycle: what its lamps should draw at the level set (the dimming
// curve × the zone's declared lamps, or one lamp per node at its rated power when the zone
// declares none), and what its nodes measured.

/** A zone's expected and measured power after a cycle. */
export interface ZoneLoad {
  /** At the level set, at 0 (standby) and at 100 %, W. */
  readonly expectedW: number;
  readonly standbyW: number;
  readonly fullW: number;
  /** The readings of the nodes that answered. */
  readonly readings: readonly { readonly id: string; readonly powerW: number }[];
  /** The nodes that gave no reading this cycle. */
  readonly silent: readonly NodeOutcome[];
  /** The sum of the nodes' power, W; null when one did not answer, or the zone has none. */
  readonly measuredW: number | null;
  /** Level writes to its nodes that failed this cycle. */
  readonly writeFailures: number;
}

/** The zone's lamps for the energy figures: as declared, else one per node at its rating. */
export function zoneLamps(
  zone: Zone,
  nodeIds: readonly string[],
  ratedW: (nodeId: string) => number | null,
): readonly LampGroup[] {
  if (zone.lamps.length > 0) return zone.lamps;
  return nodeIds.flatMap((id) => {
    const rated = ratedW(id);
    return rated === null ? [] : [{ count: 1, ratedW: rated, standbyW: 0 }];
  });
}

/** The zone's load at `level` after a cycle whose node outcomes are `byNode`. */
export function zoneLoad(
  lamps: readonly LampGroup[],
  nodeIds: readonly string[],
  byNode: ReadonlyMap<string, NodeOutcome>,
  level: number,
  curve: readonly DimmingPoint[],
): ZoneLoad {
  const mine = nodeIds.map((id) => byNode.get(id)).filter((o) => o !== undefined);
  const readings = mine.flatMap((o) =>
    o.reading === null ? [] : [{ id: o.id, powerW: o.reading.powerW }],
  );
  const silent = mine.filter((o) => o.reading === null);
  return {
    expectedW: zonePowerW(lamps, level, curve),
    standbyW: zonePowerW(lamps, 0, curve),
    fullW: zonePowerW(lamps, 100, curve),
    readings,
    silent,
    measuredW:
      nodeIds.length > 0 && silent.length === 0
        ? readings.reduce((sum, r) => sum + r.powerW, 0)
        : null,
    writeFailures: mine.reduce((sum, o) => sum + o.writeFailures, 0),
  };
}
