import { describe, expect, it } from 'vitest';
import { LOCKER_EVENTS } from '@hameau/protocol';
import { lockerEventToPoint } from '../../../src/ingestion/points/locker-event-point.js';
import { pointProblems } from '../../../src/timeseries/point.js';
import { JournalFeed } from '../ingest-fixtures.js';
import { decoded } from './decoded.js';

const AT = Date.UTC(2026, 10, 25, 18, 30);
const feed = new JournalFeed('ecole', 'lockers-1');
const event = (seq: number, type: string, subject?: string, data: Record<string, unknown> = {}) =>
  decoded(
    'event',
    feed.eventWith(seq, type, { at: AT, data, ...(subject !== undefined && { subject }) }),
  );

describe('lockerEventToPoint', () => {
  it('counts a pickup: count 1 and seq, tagged by bank, type and box, at the event time', () => {
    const point = lockerEventToPoint(
      event(42, 'parcel-picked-up', '3', { box: 3, credential: 'cred-0001' }),
    );
    expect(point).toEqual({
      measurement: 'locker_event',
      tags: { site: 'ecole', device: 'lockers-1', type: 'parcel-picked-up', subject: '3' },
      fields: { count: 1, seq: 42 },
      time: AT,
    });
    expect(pointProblems(point as NonNullable<typeof point>)).toEqual([]);
  });

  it('tags how a door was opened and why a code was refused (bounded by the protocol)', () => {
    expect(lockerEventToPoint(event(1, 'door-opened', '4', { box: 4, by: 'none' }))?.tags).toEqual({
      site: 'ecole',
      device: 'lockers-1',
      type: 'door-opened',
      subject: '4',
      by: 'none',
    });
    const rejected = lockerEventToPoint(
      event(2, 'code-rejected', 'kiosk', { terminal: 'kiosk', reason: 'expired' }),
    );
    expect(rejected?.tags).toMatchObject({ subject: 'kiosk', reason: 'expired' });
    expect(rejected?.fields).toEqual({ count: 1, seq: 2 });
  });

  it('keeps the quantities of a door left open and a terminal locked out as fields', () => {
    expect(
      lockerEventToPoint(event(3, 'door-left-open', '5', { box: 5, openSeconds: 240 }))?.fields,
    ).toEqual({ count: 1, open_s: 240, seq: 3 });
    expect(
      lockerEventToPoint(
        event(4, 'terminal-locked-out', 'kiosk', {
          terminal: 'kiosk',
          failures: 5,
          until: new Date(AT + 300_000).toISOString(),
        }),
      )?.fields,
    ).toEqual({ count: 1, failures: 5, seq: 4 });
  });

  it('keeps two events of the same type in the same millisecond apart by their box', () => {
    const a = lockerEventToPoint(
      event(5, 'parcel-deposited', '1', { box: 1, credential: 'c-0001x' }),
    );
    const b = lockerEventToPoint(
      event(6, 'parcel-deposited', '2', { box: 2, credential: 'c-0002x' }),
    );
    expect(a?.time).toBe(b?.time);
    expect(a?.tags).not.toEqual(b?.tags);
  });

  it('still counts an event whose data does not match its schema, without detail', () => {
    const point = lockerEventToPoint(event(7, 'door-opened', '4', { box: 4, by: 'magic' }));
    expect(point?.tags).toEqual({
      site: 'ecole',
      device: 'lockers-1',
      type: 'door-opened',
      subject: '4',
    });
    expect(point?.fields).toEqual({ count: 1, seq: 7 });
  });

  it('leaves the subject tag out when the event has none', () => {
    expect(lockerEventToPoint(event(8, 'door-forced', undefined, { box: 9 }))?.tags).toEqual({
      site: 'ecole',
      device: 'lockers-1',
      type: 'door-forced',
    });
  });

  it('writes a point for every locker event type of the protocol, and for nothing else', () => {
    for (const [seq, type] of Object.keys(LOCKER_EVENTS).entries()) {
      expect(lockerEventToPoint(event(seq + 10, type, '1'))?.tags['type'], type).toBe(type);
    }
    expect(lockerEventToPoint(event(99, 'level-changed', 'rue-haute'))).toBeNull();
    expect(lockerEventToPoint(event(100, 'lamp-failure', 'rue-haute'))).toBeNull();
  });
});
