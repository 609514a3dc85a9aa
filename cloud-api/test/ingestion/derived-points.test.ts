import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { deviceStatusListener } from '../../src/devices/device-status-listener.js';
import type { IngestedMessage } from '../../src/ingestion/ingested-message.js';
import { IngestionHub } from '../../src/ingestion/ingestion-hub.js';
import type { JournalEntry } from '../../src/ingestion/ingest-journal.js';
import { IngestPipeline } from '../../src/ingestion/ingest-pipeline.js';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import type { Aggregate } from '../../src/timeseries/time-series-store.js';
import { capturedLog } from '../helpers/captured-log.js';
import { silent } from '../helpers/test-app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-database.js';
import { JournalFeed } from './ingest-fixtures.js';

// What ingestion writes to the series besides readings, through the real pipeline, database and
// embedded store: locker and lighting events, and births and wills that change a device's state.

const T0 = Date.UTC(2026, 10, 25, 12);
const DAY = 86_400_000;

describe.each(DIALECTS)('series derived from events and status, on %s', (dialect) => {
  let database: TestDatabase;
  let store: EmbeddedStore;
  let clock: ManualClock;
  let hub: IngestionHub;
  let dispatched: IngestedMessage[];

  const pipeline = (log = silent) =>
    new IngestPipeline({ db: database.db, store, hub, clock, log });

  /** One value per stored point of a field, at raw resolution: [time, value] pairs. */
  const stored = async (
    measurement: string,
    field: string,
    tags: Record<string, string> = {},
    aggregate: Aggregate = 'last',
  ) => {
    const result = await store.query({
      measurement,
      field,
      tags,
      from: T0 - DAY,
      to: T0 + 7 * DAY,
      resolution: 'raw',
      aggregate,
    });
    return result.series[0]?.points ?? [];
  };

  const register = async (site: string, device: string, kind: string) => {
    await database.db
      .insertInto('sites')
      .values({ id: site, name: site, created_at: T0 })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await database.db
      .insertInto('devices')
      .values({ site_id: site, device_id: device, kind, created_at: T0 })
      .execute();
  };

  /** A message as the intake journal holds it, received by the API at `at`. */
  const arrived = (entry: JournalEntry, at: number): JournalEntry => ({ ...entry, receivedAt: at });

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    store = new EmbeddedStore({ path: ':memory:', clock: new ManualClock(T0) });
    clock = new ManualClock(T0);
    hub = new IngestionHub();
    // As every app has it: the device status is recorded first.
    hub.addListener(deviceStatusListener({ db: database.db, log: silent, now: () => clock.now() }));
    dispatched = [];
    hub.addListener({
      name: 'recorder',
      onBatch: (messages) => {
        dispatched.push(...messages);
        return Promise.resolve();
      },
    });
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  describe('locker and lighting events', () => {
    it('counts each locker event once, however often the outbox replays it', async () => {
      const bank = new JournalFeed('ecole', 'lockers-1');
      const deposit = (seq: number, box: number) =>
        bank.eventWith(seq, 'parcel-deposited', {
          subject: String(box),
          data: { box, credential: `cred-${seq}-xyz` },
          at: T0,
        });
      const p = pipeline();
      // Two doors closed between two polls of the board: the same millisecond.
      const first = await p.process([deposit(1, 3), deposit(2, 4)]);
      expect(first.points).toBe(2);
      const replay = await p.process([
        deposit(2, 4),
        deposit(3, 5),
        bank.eventWith(4, 'door-forced', { subject: '6', data: { box: 6 }, severity: 'alarm' }),
      ]);
      expect(replay).toMatchObject({ points: 2, duplicates: 1 });
      expect(await stored('locker_event', 'count', { type: 'parcel-deposited' }, 'sum')).toEqual([
        [T0, 3],
      ]);
      expect(await stored('locker_event', 'count', { type: 'door-forced' }, 'sum')).toEqual([
        [T0 + 4_000, 1],
      ]);
      // Per day, from the rollups.
      const daily = await store.query({
        measurement: 'locker_event',
        field: 'count',
        tags: { device: 'lockers-1' },
        from: T0 - DAY,
        to: T0 + DAY,
        resolution: '1d',
        aggregate: 'sum',
        groupBy: ['type'],
      });
      expect(daily.series.map((s) => [s.tags['type'], s.points])).toEqual([
        ['door-forced', [[Date.UTC(2026, 10, 25), 1]]],
        ['parcel-deposited', [[Date.UTC(2026, 10, 25), 3]]],
      ]);
    });

    it("writes zone levels and nights' savings, and overwrites a night sent again", async () => {
      const lights = new JournalFeed('gare', 'lighting-1');
      const night = (seq: number, energyWh: number) =>
        lights.eventWith(seq, 'night-summary', {
          subject: 'connetable',
          at: T0 - 5 * 3_600_000,
          data: {
            night: '2026-11-24',
            energyWh,
            baselineWh: 9_000,
            savingsPct: 100 - (100 * energyWh) / 9_000,
            litHours: 14,
            minLevel: 40,
          },
        });
      await pipeline().process([
        lights.eventWith(1, 'level-changed', {
          subject: 'connetable',
          at: T0 + 5 * 3_600_000,
          data: { level: 100, previous: 0, mode: 'program', reasons: ['dusk'] },
        }),
        night(2, 5_400),
        // The agent restarted and summed the same night up again, with a correction.
        night(3, 5_850),
      ]);
      expect(await stored('lighting_level', 'level', { zone: 'connetable' })).toEqual([
        [T0 + 5 * 3_600_000, 100],
      ]);
      expect(await stored('lighting_night', 'energy_wh', { zone: 'connetable' }, 'sum')).toEqual([
        [Date.UTC(2026, 10, 24, 12), 5_850],
      ]);
      expect(await stored('lighting_night', 'savings_pct', { zone: 'connetable' })).toEqual([
        [Date.UTC(2026, 10, 24, 12), 35],
      ]);
    });

    it('keeps an event whose point the store could not carry, and says so in the log', async () => {
      const lights = new JournalFeed('gare', 'lighting-1');
      const captured = capturedLog();
      const out = await pipeline(captured.log).process([
        lights.eventWith(1, 'level-changed', {
          subject: 'lane',
          data: { level: 30, mode: 'man\nual', reasons: [] },
        }),
        lights.eventWith(2, 'level-changed', {
          subject: 'lane',
          data: { level: 40, mode: 'override', reasons: [] },
        }),
      ]);
      expect(out).toMatchObject({ points: 1, rejected: [] });
      expect(dispatched.map((m) => m.kind === 'event' && m.payload.seq)).toEqual([1, 2]);
      expect(await stored('lighting_level', 'level', { zone: 'lane' })).toEqual([[T0 + 2_000, 40]]);
      const warning = captured
        .text()
        .split('\n')
        .filter((line) => line.includes('event kept but not written as a series point'));
      expect(warning).toHaveLength(1);
      expect(JSON.parse(warning[0] ?? '{}')).toMatchObject({ device: 'lighting-1', seq: 1 });
    });
  });

  describe('device status', () => {
    const online = async (tags: Record<string, string> = {}) =>
      stored('device_status', 'online', { device: 'lockers-1', ...tags });

    it('writes one point per change of state, at its arrival, and nothing for repeats', async () => {
      await register('ecole', 'lockers-1', 'locker');
      const feed = new JournalFeed('ecole', 'lockers-1');
      const status = (
        state: 'online' | 'offline',
        session: number,
        receivedAt: number,
        reason?: 'will' | 'shutdown',
      ) =>
        arrived(
          feed.status(state, session, {
            kind: 'locker',
            // A will's `at` is when its connection opened.
            at: T0 + session * 1_000,
            ...(reason !== undefined && { reason }),
          }),
          receivedAt,
        );
      const p = pipeline();
      await p.process([status('online', 1, T0 + 10), status('offline', 1, T0 + 20, 'will')]);
      await p.process([
        // The API reconnected: the broker hands the retained will again.
        status('offline', 1, T0 + 30, 'will'),
        status('online', 2, T0 + 40),
        // The will of session 1 delivered late, after the birth of session 2.
        status('offline', 1, T0 + 50, 'will'),
      ]);
      await p.process([status('online', 2, T0 + 60)]);
      await p.process([status('offline', 2, T0 + 70, 'shutdown')]);
      expect(await online()).toEqual([
        [T0 + 10, 1],
        [T0 + 20, 0],
        [T0 + 40, 1],
        [T0 + 70, 0],
      ]);
      expect(await stored('device_status', 'session', { kind: 'locker' })).toEqual([
        [T0 + 10, 1],
        [T0 + 20, 1],
        [T0 + 40, 2],
        [T0 + 70, 2],
      ]);
      expect(await stored('device_status', 'connection_lost', { device: 'lockers-1' })).toEqual([
        [T0 + 20, 1],
        [T0 + 70, 0],
      ]);
    });

    it('writes a new session while online (a reconnection whose will never came)', async () => {
      await register('ecole', 'lockers-1', 'locker');
      const feed = new JournalFeed('ecole', 'lockers-1');
      const p = pipeline();
      await p.process([arrived(feed.status('online', 4, { kind: 'locker' }), T0 + 1)]);
      await p.process([arrived(feed.status('online', 5, { kind: 'locker' }), T0 + 2)]);
      // The agent lost its database and counts sessions from 0 again.
      await p.process([arrived(feed.status('online', 0, { kind: 'locker' }), T0 + 3)]);
      expect(await stored('device_status', 'session', { device: 'lockers-1' })).toEqual([
        [T0 + 1, 4],
        [T0 + 2, 5],
        [T0 + 3, 0],
      ]);
      expect(await online()).toEqual([
        [T0 + 1, 1],
        [T0 + 2, 1],
        [T0 + 3, 1],
      ]);
    });

    it('writes the same points when a batch is handed over again after a failure', async () => {
      await register('ecole', 'lockers-1', 'locker');
      const feed = new JournalFeed('ecole', 'lockers-1');
      let fail = true;
      hub.addListener({
        name: 'flaky',
        onBatch: () => (fail ? Promise.reject(new Error('database away')) : Promise.resolve()),
      });
      const p = pipeline();
      const batch = [
        arrived(feed.status('online', 1, { kind: 'locker' }), T0 + 10),
        arrived(feed.status('offline', 1, { kind: 'locker', reason: 'will' }), T0 + 20),
      ];
      await expect(p.process(batch)).rejects.toThrow('database away');
      fail = false;
      await p.process(batch);
      expect(await online()).toEqual([
        [T0 + 10, 1],
        [T0 + 20, 0],
      ]);
      expect(await stored('device_status', 'online', {}, 'count')).toEqual([
        [T0 + 10, 1],
        [T0 + 20, 1],
      ]);
    });

    it('writes nothing for a device that is not in the registry', async () => {
      await register('ecole', 'lockers-1', 'locker');
      const stranger = new JournalFeed('ecole', 'lockers-9');
      const out = await pipeline().process([
        arrived(stranger.status('online', 1, { kind: 'locker' }), T0 + 10),
      ]);
      expect(out.points).toBe(0);
      expect(await stored('device_status', 'online')).toEqual([]);
    });
  });
});
