import {
  TOPICS,
  type DeviceKind,
  type EventPayload,
  type LockerEventData,
  type LockerEventType,
  type Severity,
  type StatusPayload,
  type TelemetryPayload,
} from '@hameau/protocol';

/*
 * Two days of what a small town's edge agents report, as the MQTT messages they publish: the
 * streams, sources and value names are those the agent's modules write (metering:
 * `edge-agent/src/modules/metering/models/*` and `poller/meter-health.ts`; lighting:
 * `lighting/zone-reporter.ts` and `zone-ledger.ts`; lockers: `locker/locker-bank.ts`,
 * `box-tracker.ts`, `locker-desk.ts` and `locker-module.ts`; the outbox and the births and
 * wills: `link/outbox-reporter.ts` and `link/mqtt-link.ts`). Apps do not import each other, so
 * the names are restated here; keep them in step with those files. The values only need to be
 * plausible: the Grafana test asks whether each panel finds data, not what the data says.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Readings every five minutes (the agents report every minute; fewer points test as much). */
export const SAMPLE_STEP_MS = 5 * MINUTE;
/** 2026-11-23T00:00Z: the first reading. */
export const SAMPLE_FROM = Date.UTC(2026, 10, 23);
/** The last reading is before this: two days and two hours, so daily and hourly buckets fill. */
export const SAMPLE_TO = SAMPLE_FROM + 50 * HOUR;

/** The time a message takes from the agent to the cloud's intake journal. */
const TRANSIT_MS = 150;

/** One message as the broker hands it to the cloud's ingestion, and when it reached the API. */
export interface SampleMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly receivedAt: number;
}

/** A device of the sample town, as the registry knows it. */
export interface SampleDeviceId {
  readonly site: string;
  readonly device: string;
  readonly kind: DeviceKind;
}

type Values = Record<string, number | null>;

const encode = (payload: unknown) => new TextEncoder().encode(JSON.stringify(payload));

/** A device's outbox numbering: one `seq` per device, across its streams and events. */
class SampleDevice implements SampleDeviceId {
  #seq = 0;
  constructor(
    readonly site: string,
    readonly device: string,
    readonly kind: DeviceKind,
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
      payload: encode(payload),
      receivedAt: at + TRANSIT_MS,
    };
  }

  event(
    type: string,
    severity: Severity,
    subject: string,
    at: number,
    data: Record<string, unknown>,
  ): SampleMessage {
    this.#seq += 1;
    const payload: EventPayload = {
      seq: this.#seq,
      at: new Date(at).toISOString(),
      historical: false,
      severity,
      subject,
      data,
    };
    return {
      topic: TOPICS.event.build({ site: this.site, device: this.device, type }),
      payload: encode(payload),
      receivedAt: at + TRANSIT_MS,
    };
  }

  /** A locker event, its data typed by the protocol's table. */
  lockerEvent<T extends LockerEventType>(
    type: T,
    severity: Severity,
    subject: string,
    at: number,
    data: LockerEventData<T>,
  ): SampleMessage {
    return this.event(type, severity, subject, at, data);
  }

  /**
   * A birth, or a will as the broker publishes it when the connection dies: its `at` is when
   * that connection opened (the agent registers it at connect).
   */
  status(state: 'online' | 'offline', session: number, at: number, since = at): SampleMessage {
    const payload: StatusPayload = {
      state,
      session,
      at: new Date(state === 'online' ? at : since).toISOString(),
      kind: this.kind,
      ...(state === 'offline' && { reason: 'will' }),
    };
    return {
      topic: TOPICS.status.build({ site: this.site, device: this.device }),
      payload: encode(payload),
      receivedAt: at + TRANSIT_MS,
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

/** The sample town's devices: two meter agents, a lighting controller and a locker bank. */
export const SAMPLE_DEVICES: readonly SampleDeviceId[] = [
  { site: 'station', device: 'meters-1', kind: 'meters' },
  { site: 'school', device: 'meters-2', kind: 'meters' },
  { site: 'station', device: 'lighting-1', kind: 'lighting' },
  { site: 'school', device: 'lockers-1', kind: 'locker' },
];

const ZONES = [
  { id: 'connetable', lamps: 30, measured: true },
  { id: 'lane', lamps: 8, measured: false },
] as const;
const LAMP_W = 60;

/** A zone's night as the lighting controller sums it up (`zone-ledger.ts`). */
interface NightTally {
  readonly night: string;
  energyWh: number;
  baselineWh: number;
  litHours: number;
  minLevel: number;
}

/** Every message of the sample town, five minutes at a time. */
export function sampleTown(): SampleMessage[] {
  const [station, school, lighting, lockers] = SAMPLE_DEVICES.map(
    (d) => new SampleDevice(d.site, d.device, d.kind),
  ) as [SampleDevice, SampleDevice, SampleDevice, SampleDevice];

  const mairie = new Counters(18_250, 0);
  const solar = new Counters(3.2, 5_120);
  const schoolMain = new Counters(9_400, 0);
  let burningHours = 4_210;
  let polls = 0;
  let schoolTimeouts = 0;
  let schoolFailedPolls = 0;
  let schoolSkipped = 0;
  let occupied = 6;
  let previousLevel = lightingLevel(SAMPLE_FROM - SAMPLE_STEP_MS);
  // The night under way when the sample starts began before it: only whole nights are summed up.
  let nights: Map<string, NightTally> | null = null;

  const out: SampleMessage[] = [];
  // Every agent connects at the start: session 1.
  for (const device of [station, school, lighting, lockers]) {
    out.push(device.status('online', 1, SAMPLE_FROM));
  }
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
    out.push(...lightingEvents(lighting, at, previousLevel, level, nights));
    if (previousLevel === 0 && level > 0) nights = new Map();
    if (previousLevel > 0 && level === 0) nights = null;
    previousLevel = level;
    for (const zone of ZONES) {
      tallyNight(nights, zone, at, level);
      const expected = round(zone.lamps * LAMP_W * (level / 100), 1);
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

    // A bank of 24 boxes at the school: parcels come in the morning and go in the evening; a
    // resident types an old code now and then, and a door is forced open at hour 27.
    const h = hourOfDay(at);
    if (h >= 8 && h < 12 && i % 6 === 0 && occupied < 24) {
      occupied += 1;
      out.push(...parcelMoved(lockers, 'dropoff', occupied, at, `dropoff-${i}`));
    }
    if (h >= 16 && h < 20 && i % 6 === 0 && occupied > 0) {
      out.push(...parcelMoved(lockers, 'pickup', occupied, at, `pickup-${i}`));
      occupied -= 1;
    }
    if (i % 48 === 7) {
      const reason = i % 96 === 7 ? 'expired' : 'unknown';
      out.push(
        lockers.lockerEvent('code-rejected', 'info', 'kiosk', at, { terminal: 'kiosk', reason }),
      );
    }
    if (hour === 27) {
      out.push(lockers.lockerEvent('door-opened', 'info', '24', at, { box: 24, by: 'none' }));
      out.push(lockers.lockerEvent('door-forced', 'alarm', '24', at, { box: 24 }));
    }
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
    // backlog builds up and drains, and the broker publishes its will.
    if (hour === 40) out.push(lockers.status('offline', 1, at, SAMPLE_FROM));
    if (hour === 41) out.push(lockers.status('online', 2, at));
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

/** A box opened with a code and closed on (drop-off) or without (pickup) its parcel. */
function parcelMoved(
  bank: SampleDevice,
  by: 'dropoff' | 'pickup',
  box: number,
  at: number,
  credential: string,
): SampleMessage[] {
  const subject = String(box);
  return [
    bank.lockerEvent('door-opened', 'info', subject, at, { box, by }),
    by === 'dropoff'
      ? bank.lockerEvent('parcel-deposited', 'info', subject, at + 40_000, { box, credential })
      : bank.lockerEvent('parcel-picked-up', 'info', subject, at + 40_000, { box, credential }),
  ];
}

/**
 * The controller's events at a step: `level-changed` for each zone when the program moves the
 * level, and at switch-off the `night-summary` of each zone for a night seen whole.
 */
function lightingEvents(
  controller: SampleDevice,
  at: number,
  previous: number,
  level: number,
  nights: ReadonlyMap<string, NightTally> | null,
): SampleMessage[] {
  if (level === previous) return [];
  const out: SampleMessage[] = [];
  for (const zone of ZONES) {
    out.push(
      controller.event('level-changed', 'info', zone.id, at, {
        level,
        previous,
        mode: level === 0 ? 'off' : 'program',
        reasons: [`program "town": ${String(level)} % from ${new Date(at).toISOString()}`],
      }),
    );
    const tally = level === 0 ? nights?.get(zone.id) : undefined;
    if (tally === undefined) continue;
    out.push(
      controller.event('night-summary', 'info', zone.id, at, {
        night: tally.night,
        energyWh: round(tally.energyWh, 1),
        baselineWh: round(tally.baselineWh, 1),
        savingsPct: round(100 * (1 - tally.energyWh / tally.baselineWh), 1),
        litHours: round(tally.litHours, 2),
        minLevel: tally.minLevel,
      }),
    );
  }
  return out;
}

/** Adds a lit step to a zone's night. */
function tallyNight(
  nights: Map<string, NightTally> | null,
  zone: (typeof ZONES)[number],
  at: number,
  level: number,
): void {
  if (nights === null || level === 0) return;
  let tally = nights.get(zone.id);
  if (tally === undefined) {
    tally = {
      night: new Date(at).toISOString().slice(0, 10),
      energyWh: 0,
      baselineWh: 0,
      litHours: 0,
      minLevel: level,
    };
    nights.set(zone.id, tally);
  }
  const hours = SAMPLE_STEP_MS / HOUR;
  tally.energyWh += zone.lamps * LAMP_W * (level / 100) * hours;
  tally.baselineWh += zone.lamps * LAMP_W * hours;
  tally.litHours += hours;
  tally.minLevel = Math.min(tally.minLevel, level);
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
