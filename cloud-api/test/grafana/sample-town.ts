import { TOPICS, type TelemetryPayload } from '@hameau/protocol';

/*
 * Two days of what a small town's edge agents report, as the MQTT messages they publish: the
 * streams, sources and value names are those the agent's modules write (metering:
 * `edge-agent/src/modules/metering/models/*` and `poller/meter-health.ts`; lighting:
 * `lighting/zone-reporter.ts`; lockers: `locker/locker-bank.ts` and `locker-module.ts`; the
 * outbox: `link/outbox-reporter.ts`). Apps do not import each other, so the names are restated
 * here; keep them in step with those files. The values only need to be plausible: the Grafana
 * test asks whether each panel finds data, not what the data says.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Readings every five minutes (the agents report every minute; fewer points test as much). */
export const SAMPLE_STEP_MS = 5 * MINUTE;
/** 2026-11-23T00:00Z: the first reading. */
export const SAMPLE_FROM = Date.UTC(2026, 10, 23);
/** The last reading is before this: two days and two hours, so daily and hourly buckets fill. */
export const SAMPLE_TO = SAMPLE_FROM + 50 * HOUR;

/** One message as the broker hands it to the cloud's ingestion. */
export interface SampleMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
}

type Values = Record<string, number | null>;

/** A device's outbox numbering: one `seq` per device, across its streams. */
class SampleDevice {
  #seq = 0;
  constructor(
    readonly site: string,
    readonly device: string,
  ) {}

  telemetry(
    stream: string,
    source: string,
    at: number,
    values: Values,
    missing?: Record<string, string>,
  ): SampleMessage {
    this.#seq += 1;
    const payload: TelemetryPayload = {
      seq: this.#seq,
      at: new Date(at).toISOString(),
      historical: false,
      source,
      values,
      ...(missing !== undefined && { missing }),
    };
    return {
      topic: TOPICS.telemetry.build({ site: this.site, device: this.device, stream }),
      payload: new TextEncoder().encode(JSON.stringify(payload)),
    };
  }
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const hourOfDay = (at: number) => (at % (24 * HOUR)) / HOUR;
/** 0 at night, up to 1 at 13:00 UTC: the sun on the roof. */
const sunshine = (at: number) => Math.max(0, Math.sin(((hourOfDay(at) - 7) / 12) * Math.PI));
/** A building's load: a base, more in the day. */
const load = (at: number, base: number) => base * (1 + 0.6 * sunshine(at));

/** Street lighting's night: lit from 17:00 to 07:00 UTC, dimmed in the small hours. */
function lightingLevel(at: number): number {
  const h = hourOfDay(at);
  if (h >= 7 && h < 17) return 0;
  if (h >= 17 && h < 22) return 100;
  if (h >= 22 || h < 5) return 60;
  return 80;
}

/** An energy meter's counters, which only grow (except across a reset, flagged). */
class Counters {
  importKwh: number;
  exportKwh: number;
  constructor(importKwh: number, exportKwh: number) {
    this.importKwh = importKwh;
    this.exportKwh = exportKwh;
  }
  add(powerW: number, ms: number): void {
    const kwh = (Math.abs(powerW) * ms) / HOUR / 1000;
    if (powerW >= 0) this.importKwh += kwh;
    else this.exportKwh += kwh;
  }
}

/** Every message of the sample town, in time order. */
export function sampleTown(): SampleMessage[] {
  const station = new SampleDevice('station', 'meters-1');
  const school = new SampleDevice('school', 'meters-2');
  const lighting = new SampleDevice('station', 'lighting-1');
  const lockers = new SampleDevice('school', 'lockers-1');

  const mairie = new Counters(18_250, 0);
  const solar = new Counters(3.2, 5_120);
  const schoolMain = new Counters(9_400, 0);
  let burningHours = 4_210;
  let polls = 0;
  let schoolTimeouts = 0;
  let schoolFailedPolls = 0;
  let schoolSkipped = 0;
  let occupied = 6;

  const out: SampleMessage[] = [];
  for (let at = SAMPLE_FROM, i = 0; at < SAMPLE_TO; at += SAMPLE_STEP_MS, i++) {
    polls += 5;
    const hour = (at - SAMPLE_FROM) / HOUR;

    // Town hall: a three-phase Eastron SDM630. Its meter is replaced at hour 25: the counters
    // start again from 0 and the first reading after says so.
    const p = load(at, 8_000);
    let counterReset = false;
    if (at === SAMPLE_FROM + 25 * HOUR) {
      mairie.importKwh = 0;
      counterReset = true;
    }
    mairie.add(p, SAMPLE_STEP_MS);
    const third = mairie.importKwh / 3;
    out.push(
      station.telemetry('energy', 'mairie', at, {
        voltage_l1_v: round(230.1 + Math.sin(i) * 1.5, 1),
        voltage_l2_v: round(229.4 + Math.cos(i) * 1.5, 1),
        voltage_l3_v: round(231.0 - Math.sin(i) * 1.2, 1),
        current_l1_a: round(p / 3 / 230, 3),
        current_l2_a: round((p / 3 / 230) * 1.05, 3),
        current_l3_a: round((p / 3 / 230) * 0.95, 3),
        power_l1_w: round(p / 3, 1),
        power_l2_w: round((p / 3) * 1.05, 1),
        power_l3_w: round((p / 3) * 0.95, 1),
        power_w: round(p, 1),
        apparent_power_va: round(p / 0.95, 1),
        reactive_power_var: round(p * 0.33, 1),
        power_factor: 0.95,
        frequency_hz: round(50 + Math.sin(i / 7) * 0.02, 3),
        energy_import_kwh: round(mairie.importKwh, 3),
        energy_export_kwh: 0,
        energy_total_kwh: round(mairie.importKwh, 3),
        energy_import_l1_kwh: round(third, 3),
        energy_import_l2_kwh: round(third * 1.05, 3),
        energy_import_l3_kwh: round(third * 0.95, 3),
        ...(counterReset && { counter_reset: 1 }),
      }),
    );

    // The town hall's roof: single-phase Eastron SDM120 behind the inverter; production is
    // export, so its power is negative while the sun shines.
    const ps = -4_000 * sunshine(at);
    solar.add(ps, SAMPLE_STEP_MS);
    out.push(
      station.telemetry('energy', 'roof-solar', at, {
        voltage_v: round(231.2 + Math.sin(i) * 2, 1),
        current_a: round(Math.abs(ps) / 231, 3),
        power_w: round(ps, 1),
        power_factor: ps === 0 ? 1 : 0.99,
        frequency_hz: round(50 + Math.sin(i / 7) * 0.02, 3),
        energy_import_kwh: round(solar.importKwh, 3),
        energy_export_kwh: round(solar.exportKwh, 3),
        energy_total_kwh: round(solar.importKwh + solar.exportKwh, 3),
      }),
    );

    // The school's meter goes dark from hour 30 to 32: its breaker opens, polls stop, and its
    // health says so.
    const schoolDown = hour >= 30 && hour < 32;
    if (schoolDown) {
      schoolTimeouts += 1;
      schoolFailedPolls += 1;
      schoolSkipped += 4;
    } else {
      const pm = load(at, 3_500);
      schoolMain.add(pm, SAMPLE_STEP_MS);
      out.push(
        school.telemetry('energy', 'school-main', at, {
          voltage_v: round(229.8 + Math.cos(i) * 2, 1),
          current_a: round(pm / 230, 3),
          power_w: round(pm, 1),
          power_factor: 0.97,
          frequency_hz: round(50 - Math.sin(i / 7) * 0.02, 3),
          energy_import_kwh: round(schoolMain.importKwh, 3),
          energy_export_kwh: 0,
          energy_total_kwh: round(schoolMain.importKwh, 3),
        }),
      );
    }

    for (const meter of ['mairie', 'roof-solar']) {
      out.push(station.telemetry('meter-health', meter, at, meterHealth(polls, 0, 0, 0, 12)));
    }
    out.push(
      school.telemetry(
        'meter-health',
        'school-main',
        at,
        meterHealth(
          polls - schoolFailedPolls - schoolSkipped,
          schoolFailedPolls,
          schoolSkipped,
          schoolTimeouts,
          schoolDown ? (hour - 30) * 3_600 : 20,
          schoolDown ? 2 : 0,
        ),
      ),
    );

    // Two lighting zones: the Rue du Connétable has lamp nodes that measure their power; the
    // lane has none, so its measured power is missing (never 0).
    const level = lightingLevel(at);
    if (level > 0) burningHours += SAMPLE_STEP_MS / HOUR;
    for (const zone of [
      { id: 'connetable', lamps: 30, measured: true },
      { id: 'lane', lamps: 8, measured: false },
    ]) {
      const expected = round(zone.lamps * 60 * (level / 100), 1);
      out.push(
        lighting.telemetry(
          'lighting',
          zone.id,
          at,
          {
            level,
            lit: level > 0 ? 1 : 0,
            expected_power_w: expected,
            measured_power_w: zone.measured ? round(expected * 1.03, 1) : null,
            burning_hours: round(burningHours, 2),
            write_failures: zone.measured && i % 97 === 0 ? 1 : 0,
          },
          zone.measured ? undefined : { measured_power_w: 'no lamp node in this zone' },
        ),
      );
    }

    // A bank of 24 boxes at the school: parcels come in the morning and go in the evening.
    const h = hourOfDay(at);
    if (h >= 8 && h < 12 && i % 6 === 0) occupied = Math.min(24, occupied + 1);
    if (h >= 16 && h < 20 && i % 6 === 0) occupied = Math.max(0, occupied - 1);
    out.push(
      lockers.telemetry('locker', 'bank', at, {
        boxes: 24,
        occupied,
        doors_open: i % 41 === 0 ? 1 : 0,
        boxes_unknown: 0,
        boards_unreachable: 0,
        active_credentials: occupied + 2,
      }),
    );

    // Every agent reports its outbox; the lockers' link is down from hour 40 to 41, so its
    // backlog builds up and drains.
    const linkDown = hour >= 40 && hour < 41;
    const backlog = linkDown ? Math.round((hour - 40) * 60) + 1 : 0;
    for (const device of [station, school, lighting, lockers]) {
      const depth = device === lockers ? backlog : 0;
      out.push(
        device.telemetry('outbox', 'outbox', at, {
          depth,
          oldest_age_s: depth === 0 ? 0 : Math.round((hour - 40) * 3_600),
          dropped_total: 0,
        }),
      );
    }
  }
  return out;
}

/** A meter's `meter-health` values (`edge-agent/src/modules/metering/poller/meter-health.ts`). */
function meterHealth(
  ok: number,
  failed: number,
  skipped: number,
  timeouts: number,
  lastGoodAgeS: number,
  breakerState = 0,
): Values {
  return {
    last_good_age_s: lastGoodAgeS,
    consecutive_errors: breakerState === 0 ? 0 : failed,
    breaker_state: breakerState,
    bus_connected: 1,
    polls_ok: ok,
    polls_failed: failed,
    polls_skipped: skipped,
    errors_timeout: timeouts,
    errors_exception: 0,
    errors_crc: 0,
    errors_wrong_unit: 0,
    errors_garbage: 0,
    errors_disconnected: 0,
  };
}
