import type { Point, TimeSeriesStore } from '@hameau/cloud-api';
import { LightingController } from '@hameau/edge-agent';
import { curvePower, type LampNodeGroup, type SimMeter } from '@hameau/firmware-sim';
import { demoLightingControl } from './demo-lighting-program.js';
import type { DemoDevices } from './demo-scenario.js';
import { DEMO_LIGHTING, DEMO_METERING } from './demo-town-plan.js';

/** How far back the demo's meters get a history, and how fine. */
export const HISTORY_DAYS = 7;
const STEP_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
const WRITE_BATCH = 2_000;

/** What a backfill did: the meters it filled and the points it wrote. */
export interface BackfillReport {
  readonly filled: readonly string[];
  readonly skipped: readonly string[];
  readonly points: number;
}

/**
 * Gives the demo's meters the last week of readings, so the dashboards' history is not empty
 * on the first start. Only a meter with **no** `power_w` reading in the last `HISTORY_DAYS` is
 * filled (checked with the store's `latest` per meter): a second start, whose meters have the
 * first one's readings, writes nothing, and a meter added to the scenario gets its week.
 *
 * The readings follow each simulated meter's own load model (the buildings' day and week shape,
 * the sun over the solar roof with its clouds; the lighting cabinet at the levels tonight's
 * program gave the lamp nodes each night), and the counters are integrated backwards from what
 * the simulated meter shows now, so they join the live readings without a step.
 */
export async function backfillMeterHistory(deps: {
  readonly store: TimeSeriesStore;
  readonly devices: DemoDevices;
  readonly now: number;
}): Promise<BackfillReport> {
  const { store, devices, now } = deps;
  const from = now - HISTORY_DAYS * DAY_MS;
  const filled: string[] = [];
  const skipped: string[] = [];
  let points = 0;
  const lighting = lightingPower(devices.lampNodes(DEMO_LIGHTING.sim).group, now);
  for (const port of devices.meterPorts()) {
    for (const meter of port.meters) {
      const tags = { site: DEMO_METERING.site, device: DEMO_METERING.device, source: meter.id };
      const latest = await store.latest('energy', 'power_w', tags);
      if (latest.some((l) => l.time >= from)) {
        skipped.push(meter.id);
        continue;
      }
      const load = meter.load;
      const standbyW = load.kind === 'lighting' ? load.options.standbyW : null;
      const powerAt =
        standbyW === null ? (t: number) => load.powerAt(t) : (t: number) => standbyW + lighting(t);
      const series = meterHistory(meter, tags, powerAt, from, now);
      for (let i = 0; i < series.length; i += WRITE_BATCH) {
        await store.write(series.slice(i, i + WRITE_BATCH));
      }
      points += series.length;
      filled.push(meter.id);
    }
  }
  return { filled, skipped, points };
}

/**
 * Readings every `STEP_MS` from `from` up to a step before `now`, oldest first. Counters run
 * backwards from the meter's counters now, by the trapezoid rule over each step: import grows
 * while power is positive, export while it is negative.
 */
function meterHistory(
  meter: SimMeter,
  tags: Readonly<Record<string, string>>,
  powerAt: (t: number) => number,
  from: number,
  now: number,
): Point[] {
  const snapshot = meter.snapshot();
  let importKwh = snapshot.importKwh;
  let exportKwh = snapshot.exportKwh;
  let later = now;
  let laterPower = powerAt(now);
  const points: Point[] = [];
  // The newest backfilled reading is a whole step before now: live readings come after it.
  for (let t = Math.floor(now / STEP_MS) * STEP_MS - STEP_MS; t >= from; t -= STEP_MS) {
    const power = powerAt(t);
    const kwh = (((power + laterPower) / 2) * ((later - t) / 3_600_000)) / 1_000;
    if (kwh >= 0) importKwh = Math.max(0, importKwh - kwh);
    else exportKwh = Math.max(0, exportKwh + kwh);
    points.push({
      measurement: 'energy',
      tags,
      fields: {
        power_w: round(power, 1),
        energy_import_kwh: round(importKwh, 3),
        energy_export_kwh: round(exportKwh, 3),
      },
      time: t,
    });
    later = t;
    laterPower = power;
  }
  return points.reverse();
}

/**
 * What the cabinet's lamp nodes drew at `t`, W: each zone at the level the demo's lighting
 * program (as of `now`) gives it then, on each node's dimming curve (as the simulator computes
 * it live).
 */
function lightingPower(group: LampNodeGroup, now: number): (t: number) => number {
  const controller = new LightingController(demoLightingControl(now));
  const zoneOf = new Map<string, string>();
  for (const zone of DEMO_LIGHTING.zones) for (const node of zone.nodes) zoneOf.set(node, zone.id);
  return (t) => {
    const levels = new Map<string, number>();
    let watts = 0;
    for (const node of group.nodes) {
      const zone = zoneOf.get(node.id);
      if (zone === undefined) continue;
      let level = levels.get(zone);
      if (level === undefined) {
        level = controller.decide(zone, {}, t).level;
        levels.set(zone, level);
      }
      watts += (node.options.ratedW * curvePower(node.options.curve, level)) / 100;
    }
    return watts;
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
