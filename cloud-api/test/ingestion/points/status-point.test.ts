import { describe, expect, it } from 'vitest';
import { statusToPoint } from '../../../src/ingestion/points/status-point.js';
import { pointProblems } from '../../../src/timeseries/point.js';
import { JournalFeed } from '../ingest-fixtures.js';
import { decoded } from './decoded.js';

const AT = Date.UTC(2026, 10, 25, 12);
const feed = new JournalFeed('gare', 'lockers-1');

describe('statusToPoint', () => {
  it('writes a birth as online 1 with its session, tagged by site, device and kind', () => {
    const birth = decoded('status', feed.status('online', 7, { kind: 'locker', at: AT }), AT + 40);
    const point = statusToPoint(birth);
    expect(point).toEqual({
      measurement: 'device_status',
      tags: { site: 'gare', device: 'lockers-1', kind: 'locker' },
      fields: { online: 1, session: 7 },
      time: AT + 40,
    });
    expect(pointProblems(point)).toEqual([]);
  });

  it('places a will when it arrived, not at its `at` (when its connection opened)', () => {
    const will = decoded(
      'status',
      feed.status('offline', 7, { kind: 'locker', at: AT, reason: 'will' }),
      AT + 3_600_000,
    );
    expect(statusToPoint(will)).toMatchObject({
      fields: { online: 0, session: 7, connection_lost: 1 },
      time: AT + 3_600_000,
    });
  });

  it('tells a clean shutdown from a lost connection, and says nothing when no reason is given', () => {
    const shutdown = decoded('status', feed.status('offline', 3, { reason: 'shutdown' }), AT);
    expect(statusToPoint(shutdown).fields).toEqual({ online: 0, session: 3, connection_lost: 0 });
    const unexplained = decoded('status', feed.status('offline', 3), AT);
    expect(statusToPoint(unexplained).fields).toEqual({ online: 0, session: 3 });
  });
});
