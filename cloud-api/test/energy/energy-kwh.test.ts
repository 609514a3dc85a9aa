import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnergyFigure } from '../../src/energy/energy-service.js';
import type { LocalDate } from '../../src/energy/town-calendar.js';
import {
  createEnergyKit,
  GRID,
  HALL,
  MINUTE,
  reading,
  SCHOOL,
  SOLAR,
  steady,
  type EnergyKit,
} from './energy-kit.js';

const date = (year: number, month: number, day: number): LocalDate => ({ year, month, day });
/** 2026-11-24 in Paris (CET, UTC+1): 2026-11-23T23:00Z to 2026-11-24T23:00Z. */
const NOV_24 = date(2026, 11, 24);
const NOV_24_START = Date.UTC(2026, 10, 23, 23);
const NOV_24_END = Date.UTC(2026, 10, 24, 23);

describe('kWh from counters (Europe/Paris)', () => {
  let kit: EnergyKit;

  beforeEach(async () => {
    kit = await createEnergyKit({ now: Date.UTC(2026, 10, 26, 12) });
  });
  afterEach(async () => {
    await kit.close();
  });

  const days = (from: LocalDate, to: LocalDate = from) => kit.service.periods('day', from, to);
  const consumption = async (from: LocalDate, to: LocalDate = from) =>
    (await kit.service.kwh({}, days(from, to))).map((p) => p.consumption);
  const whole = (kwh: number, meters = 1): EnergyFigure => ({
    kwh,
    partial: false,
    coverage: 1,
    meters,
  });

  it('counts a plain day as the counter before its end minus the counter before its start', async () => {
    // 1.5 kW, a reading every 5 min at hh:01, hh:06 … hh:56: each boundary's reading is 4 min
    // before it, so the day is exactly 24 h × 1.5 kW. Values are multiples of 0.125: exact.
    await kit.store.write(
      steady(HALL, {
        from: Date.UTC(2026, 10, 23, 20, 1),
        to: Date.UTC(2026, 10, 25, 3),
        stepMs: 5 * MINUTE,
        kw: 1.5,
        start: 1000,
      }),
    );
    const [figure] = await consumption(NOV_24);
    expect(figure).toEqual(whole(36));
    const [period] = days(NOV_24);
    expect(period).toEqual({ start: NOV_24_START, end: NOV_24_END, label: '2026-11-24' });
  });

  it('gives a spring-forward day 23 hours and a fall-back day 25 hours', async () => {
    for (const [from, to] of [
      [Date.UTC(2026, 2, 28, 18, 1), Date.UTC(2026, 2, 30, 2)],
      [Date.UTC(2026, 9, 24, 18, 1), Date.UTC(2026, 9, 26, 2)],
    ] as const) {
      await kit.store.write(steady(HALL, { from, to, stepMs: 5 * MINUTE, kw: 1.5, start: 10 }));
    }
    const spring = days(date(2026, 3, 29));
    expect(spring[0]).toMatchObject({
      start: Date.UTC(2026, 2, 28, 23),
      end: Date.UTC(2026, 2, 29, 22),
    });
    expect(await consumption(date(2026, 3, 29))).toEqual([whole(23 * 1.5)]);
    const fall = days(date(2026, 10, 25));
    expect(fall[0]).toMatchObject({
      start: Date.UTC(2026, 9, 24, 22),
      end: Date.UTC(2026, 9, 25, 23),
    });
    expect(await consumption(date(2026, 10, 25))).toEqual([whole(25 * 1.5)]);
  });

  describe('a counter reset mid-day', () => {
    // From 1000 at 22:01Z the day before at 1.5 kW: 1001.375 at 22:56Z (the start), 1018.625 at
    // 10:26Z. The meter is replaced at 10:31Z; the new one counts on at 1.5 kW to 22:56Z.
    // Segments: 1018.625 − 1001.375 = 17.25 and 18.625 after the reset; the 5 minutes across
    // it (0.125) are dropped.
    const before = () =>
      steady(HALL, {
        from: Date.UTC(2026, 10, 23, 22, 1),
        to: Date.UTC(2026, 10, 24, 10, 31),
        stepMs: 5 * MINUTE,
        kw: 1.5,
        start: 1000,
      });
    const after = (start: number, flagged: boolean) => {
      const points = steady(HALL, {
        from: Date.UTC(2026, 10, 24, 10, 31),
        to: Date.UTC(2026, 10, 25, 1),
        stepMs: 5 * MINUTE,
        kw: 1.5,
        start,
      });
      const [first, ...rest] = points;
      if (first === undefined) throw new Error('no reading');
      const flag = flagged ? { counter_reset: 1 } : {};
      return [{ ...first, fields: { ...first.fields, ...flag } }, ...rest];
    };

    it('sums the segments when the counter went down to 0.5, flagged', async () => {
      await kit.store.write([...before(), ...after(0.5, true)]);
      expect(await consumption(NOV_24)).toEqual([whole(35.875)]);
    });

    it('sums the segments when the counter went down without a flag', async () => {
      await kit.store.write([...before(), ...after(0.5, false)]);
      expect(await consumption(NOV_24)).toEqual([whole(35.875)]);
    });

    it('finds a flagged reset that hourly values hide (the new counter starts just below)', async () => {
      // 1017.5 at 10:31Z is below 1018.625, but the 10:00 hour still ends above the 9:00 one.
      await kit.store.write([...before(), ...after(1017.5, true)]);
      expect(await consumption(NOV_24)).toEqual([whole(35.875)]);
    });
  });

  it('takes the nearest readings inside a period without a reading at a boundary: partial', async () => {
    // Readings from 10:02Z to 20:57Z only: 10 h 55 min at 1.5 kW.
    await kit.store.write(
      steady(HALL, {
        from: Date.UTC(2026, 10, 24, 10, 2),
        to: Date.UTC(2026, 10, 24, 21),
        stepMs: 5 * MINUTE,
        kw: 1.5,
        start: 500,
      }),
    );
    const [figure] = await consumption(NOV_24);
    expect(figure?.kwh).toBe(16.375);
    expect(figure?.partial).toBe(true);
    expect(figure?.coverage).toBeCloseTo(655 / 1440, 12);
    const [meter] = await kit.service.meterKwh(HALL, days(NOV_24));
    expect(meter?.import).toEqual({ kwh: 16.375, partial: true, coverage: 655 / 1440 });
    expect(meter?.export).toEqual({ kwh: null, partial: true, coverage: 0 });
  });

  it('counts today up to now, in progress; partial when the meter went quiet', async () => {
    // Now is 12:30Z: one meter reads until now, the other stopped at 10:56Z.
    await kit.close();
    kit = await createEnergyKit({ now: Date.UTC(2026, 10, 24, 12, 30) });
    const QUIET = { ...HALL, meter: 'quiet' };
    const from = Date.UTC(2026, 10, 23, 22, 1);
    await kit.store.write([
      ...steady(HALL, { from, to: kit.clock.now(), stepMs: 5 * MINUTE, kw: 1.5, start: 0 }),
      ...steady(QUIET, {
        from,
        to: Date.UTC(2026, 10, 24, 11),
        stepMs: 5 * MINUTE,
        kw: 3,
        start: 0,
      }),
    ]);
    const today = days(NOV_24);
    expect(today).toHaveLength(1);
    const [figures] = await kit.service.kwh({}, today);
    expect(figures?.inProgress).toBe(true);
    const [hall, quiet] = await Promise.all(
      [HALL, QUIET].map(async (m) => (await kit.service.meterKwh(m, today))[0]?.import),
    );
    // 22:56Z to 12:26Z; 22:56Z to 10:56Z, then nothing for 1 h 34 min.
    expect(hall).toEqual({ kwh: 13.5 * 1.5, partial: false, coverage: 1 });
    expect(quiet).toEqual({
      kwh: 12 * 3,
      partial: true,
      coverage: (11 * 60 + 56) / (13 * 60 + 30),
    });
    expect(figures?.consumption).toEqual({
      kwh: 13.5 * 1.5 + 36,
      partial: true,
      coverage: (1 + (11 * 60 + 56) / (13 * 60 + 30)) / 2,
      meters: 2,
    });
  });

  describe('weeks and months', () => {
    // 1.5 kW with a reading every 10 min at hh:03 … hh:53 from September 30 to now: each
    // reading adds exactly 0.25 kWh. A reset on October 15 at 12:03Z (the counter restarts at
    // 0, flagged) loses the one step across it.
    beforeEach(async () => {
      const points = steady(HALL, {
        from: Date.UTC(2026, 8, 30, 20, 3),
        to: Date.UTC(2026, 10, 26, 12),
        stepMs: 10 * MINUTE,
        kw: 1.5,
        start: 100,
      });
      const reset = Date.UTC(2026, 9, 15, 12, 3);
      const offset = points.find((p) => p.time === reset)?.fields.energy_import_kwh ?? 0;
      await kit.store.write(
        points.map((p) =>
          p.time < reset
            ? p
            : reading(HALL, p.time, {
                energy_import_kwh: (p.fields.energy_import_kwh ?? 0) - offset,
                ...(p.time === reset ? { counter_reset: 1 } : {}),
              }),
        ),
      );
    });

    it('counts a month of 745 hours (October ends summer time) across a reset', async () => {
      const [october] = await kit.service.kwh(
        {},
        kit.service.periods('month', date(2026, 10, 1), date(2026, 10, 31)),
      );
      expect(october).toMatchObject({
        label: '2026-10',
        start: Date.UTC(2026, 8, 30, 22),
        end: Date.UTC(2026, 9, 31, 23),
        inProgress: false,
        consumption: whole(745 * 1.5 - 0.25),
      });
    });

    it('counts an ISO week, Monday to Sunday, and the running month up to now', async () => {
      const [week] = await kit.service.kwh(
        {},
        kit.service.periods('week', date(2026, 11, 18), date(2026, 11, 18)),
      );
      expect(week).toMatchObject({
        label: '2026-11-16',
        start: Date.UTC(2026, 10, 15, 23),
        end: Date.UTC(2026, 10, 22, 23),
        consumption: whole(168 * 1.5),
      });
      const [november] = await kit.service.kwh(
        {},
        kit.service.periods('month', date(2026, 11, 1), date(2026, 11, 1)),
      );
      // From the reading at 22:53Z on October 31 to the last one, 11:53Z on the 26th (now 12:00Z).
      expect(november).toMatchObject({ label: '2026-11', inProgress: true });
      expect(november?.consumption.kwh).toBe((25 * 24 + 13) * 1.5);
    });
  });

  it('adds up sites and the town by role, unassigned meters as consumption', async () => {
    const span = { from: Date.UTC(2026, 10, 23, 22, 1), to: Date.UTC(2026, 10, 25, 1) };
    const step = { ...span, stepMs: 5 * MINUTE };
    const LOCKERS = { site: 'school', device: 'meters-2', meter: 'lockers' };
    await kit.store.write([
      ...steady(HALL, { ...step, kw: 1.5, start: 10 }),
      ...steady(SCHOOL, { ...step, kw: 0.75, start: 20 }),
      ...steady(LOCKERS, { ...step, kw: 0.375, start: 30 }),
      // The solar meter sees production as export; its import counter is standby draw.
      ...steady(SOLAR, { ...step, kw: 0.75, start: 40, field: 'energy_export_kwh' }),
      ...steady(SOLAR, { ...step, kw: 0.375, start: 1 }),
      ...steady(GRID, { ...step, kw: 3, start: 50 }),
      ...steady(GRID, { ...step, kw: 0.375, start: 60, field: 'energy_export_kwh' }),
    ]);
    await kit.assign(HALL, 'consumption');
    await kit.assign(SCHOOL, 'consumption');
    await kit.assign(SOLAR, 'production');
    await kit.assign(GRID, 'grid');

    const [town] = await kit.service.kwh({}, days(NOV_24));
    expect(town).toMatchObject({
      consumption: whole(36 + 18 + 9, 3),
      production: whole(18),
      gridImport: whole(72),
      gridExport: whole(9),
    });
    const [school] = await kit.service.kwh({ site: 'school' }, days(NOV_24));
    expect(school).toMatchObject({
      consumption: whole(18 + 9, 2),
      production: whole(18),
      gridImport: null,
      gridExport: null,
    });
    const [hall] = await kit.service.kwh({ site: 'town-hall' }, days(NOV_24));
    expect(hall?.consumption).toEqual(whole(36));
    expect(hall?.gridImport).toEqual(whole(72));
  });
});

describe('kWh in a half-hour time zone (Asia/Kolkata)', () => {
  it('anchors the boundaries on quarter hours: midnight is 18:30Z', async () => {
    const kit = await createEnergyKit({
      now: Date.UTC(2026, 10, 26, 12),
      settings: { timeZone: 'Asia/Kolkata' },
    });
    try {
      // Readings at hh:01, hh:06 … : the last before 18:30Z is at 18:26Z on both days.
      await kit.store.write(
        steady(HALL, {
          from: Date.UTC(2026, 10, 23, 12, 1),
          to: Date.UTC(2026, 10, 25, 3),
          stepMs: 5 * MINUTE,
          kw: 1.5,
          start: 0,
        }),
      );
      const spans = kit.service.periods('day', NOV_24, NOV_24);
      expect(spans).toEqual([
        {
          start: Date.UTC(2026, 10, 23, 18, 30),
          end: Date.UTC(2026, 10, 24, 18, 30),
          label: '2026-11-24',
        },
      ]);
      const [figures] = await kit.service.kwh({}, spans);
      expect(figures?.consumption).toEqual({ kwh: 36, partial: false, coverage: 1, meters: 1 });
    } finally {
      await kit.close();
    }
  });
});
