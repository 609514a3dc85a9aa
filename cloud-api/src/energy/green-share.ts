/** The town's (or a site's) energy per quarter hour, kWh; null where nothing was read. */
export interface QuarterFlows {
  readonly consumption: readonly (number | null)[];
  readonly production: readonly (number | null)[];
  /** The grid meters' import; null when there is no grid meter (import is then estimated). */
  readonly gridImport: readonly (number | null)[] | null;
}

/** The green share of each quarter, with the grid import it used. */
export interface GreenShares {
  /** 0-1; null without consumption. */
  readonly share: (number | null)[];
  /** Measured, or max(consumption − production, 0) without a grid meter. */
  readonly gridImport: (number | null)[];
  /** Σ green energy / Σ consumption over the quarters that have a share; null if none. */
  readonly overall: number | null;
}

/**
 * green share = (local renewable production + grid renewable share × grid import) / consumption,
 * clamped to [0, 1] (production exported while consumption is low would exceed 1). Missing
 * production counts 0, which can only understate the share. Without a grid meter the import is
 * estimated as max(consumption − production, 0): what the town used and did not make.
 */
export function greenShares(flows: QuarterFlows, gridRenewableShare: number): GreenShares {
  const share: (number | null)[] = [];
  const gridImport: (number | null)[] = [];
  let green = 0;
  let used = 0;
  flows.consumption.forEach((consumption, i) => {
    const production = flows.production[i] ?? 0;
    const grid =
      flows.gridImport === null
        ? consumption === null
          ? null
          : Math.max(consumption - production, 0)
        : (flows.gridImport[i] ?? null);
    gridImport.push(grid);
    if (consumption === null || consumption <= 0 || grid === null) {
      share.push(null);
      return;
    }
    const greenKwh = production + gridRenewableShare * grid;
    share.push(Math.min(1, Math.max(0, greenKwh / consumption)));
    green += Math.min(greenKwh, consumption);
    used += consumption;
  });
  return { share, gridImport, overall: used > 0 ? Math.max(0, green / used) : null };
}

/** Adds per-meter series bucket by bucket; null where every meter is null. */
export function sumSeries(
  series: readonly (readonly (number | null)[])[],
  length: number,
): (number | null)[] {
  const out: (number | null)[] = new Array<number | null>(length).fill(null);
  for (const s of series) {
    s.forEach((v, i) => {
      if (v !== null && i < length) out[i] = (out[i] ?? 0) + v;
    });
  }
  return out;
}
