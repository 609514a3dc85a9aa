import { describe, expect, it } from 'vitest';
import { lightingEventToPoint } from '../../../src/ingestion/points/lighting-event-point.js';
import { pointProblems } from '../../../src/timeseries/point.js';
import { JournalFeed } from '../ingest-fixtures.js';
import { decoded } from './decoded.js';

const AT = Date.UTC(2026, 10, 25, 21, 0, 0, 250);
const feed = new JournalFeed('gare', 'lighting-1');
const event = (seq: number, type: string, subject?: string, data: Record<string, unknown> = {}) =>
  decoded(
    'event',
    feed.eventWith(seq, type, { at: AT, data, ...(subject !== undefined && { subject }) }),
  );

const NIGHT = {
  night: '2026-11-24',
  energyWh: 5_400,
  baselineWh: 9_000,
  savingsPct: 40,
  litHours: 14.5,
  minLevel: 30,
};

describe('lightingEventToPoint', () => {
  it('writes a level change as the zone level, tagged by zone and mode, at the change', () => {
    const point = lightingEventToPoint(
      event(12, 'level-changed', 'connetable', {
        level: 60,
        previous: 100,
        mode: 'program',
        reasons: ['program "nuit": 60 % from 22:00'],
      }),
    );
    expect(point).toEqual({
      measurement: 'lighting_level',
      tags: { site: 'gare', device: 'lighting-1', zone: 'connetable', mode: 'program' },
      fields: { level: 60, seq: 12 },
      time: AT,
    });
    expect(pointProblems(point as NonNullable<typeof point>)).toEqual([]);
  });

  it('takes the zone from the data when it names one, as the lighting domain does', () => {
    const point = lightingEventToPoint(
      event(13, 'level-changed', undefined, {
        zone: 'lane',
        level: 0,
        mode: 'off',
        reasons: [],
      }),
    );
    expect(point?.tags['zone']).toBe('lane');
  });

  it("writes a night's energy and savings at noon UTC on the date the night starts", () => {
    const point = lightingEventToPoint(event(14, 'night-summary', 'connetable', NIGHT));
    expect(point).toEqual({
      measurement: 'lighting_night',
      tags: { site: 'gare', device: 'lighting-1', zone: 'connetable' },
      fields: {
        energy_wh: 5_400,
        baseline_wh: 9_000,
        savings_pct: 40,
        lit_hours: 14.5,
        min_level: 30,
        seq: 14,
      },
      time: Date.UTC(2026, 10, 24, 12),
    });
  });

  it('leaves the lowest level out for a night the zone was never lit', () => {
    const point = lightingEventToPoint(
      event(15, 'night-summary', 'lane', { ...NIGHT, litHours: 0, energyWh: 0, minLevel: null }),
    );
    expect(point?.fields).not.toHaveProperty('min_level');
    expect(point?.fields).toMatchObject({ energy_wh: 0, lit_hours: 0 });
  });

  it('writes nothing for data the lighting domain cannot read, or without a zone', () => {
    expect(lightingEventToPoint(event(16, 'level-changed', 'lane', { level: 140 }))).toBeNull();
    expect(
      lightingEventToPoint(event(17, 'night-summary', 'lane', { ...NIGHT, night: '24/11/2026' })),
    ).toBeNull();
    expect(
      lightingEventToPoint(
        event(18, 'level-changed', undefined, { level: 50, mode: 'program', reasons: [] }),
      ),
    ).toBeNull();
  });

  it('writes nothing for other event types', () => {
    expect(lightingEventToPoint(event(19, 'lamp-failure', 'lane', { level: 50 }))).toBeNull();
    expect(lightingEventToPoint(event(20, 'door-forced', '3', { box: 3 }))).toBeNull();
  });
});
