import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { deviceStatusStore } from '../../src/devices/device-status-store.js';
import { deviceStatusListener } from '../../src/devices/device-status-listener.js';
import type { IngestedMessage } from '../../src/ingestion/ingested-message.js';
import { IngestionHub } from '../../src/ingestion/ingestion-hub.js';
import { IngestPipeline } from '../../src/ingestion/ingest-pipeline.js';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import type { Point } from '../../src/timeseries/point.js';
import { TimeSeriesError } from '../../src/timeseries/time-series-error.js';
import { silent } from '../helpers/test-app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-database.js';
import { JournalFeed } from './ingest-fixtures.js';

const T0 = Date.UTC(2026, 10, 25, 12);

describe.each(DIALECTS)('IngestPipeline on %s', (dialect) => {
  let database: TestDatabase;
  let store: EmbeddedStore;
  let clock: ManualClock;
  let hub: IngestionHub;
  let dispatched: IngestedMessage[];

  const pipeline = () => new IngestPipeline({ db: database.db, store, hub, clock, log: silent });

  const seqsStored = async (device = 'meters-1') => {
    const result = await store.query({
      measurement: 'energy',
      field: 'seq',
      tags: { device },
      from: T0 - 3_600_000,
      to: T0 + 86_400_000,
      resolution: 'raw',
      aggregate: 'sum',
    });
    return (result.series[0]?.points ?? []).map(([, v]) => v);
  };

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    store = new EmbeddedStore({ path: ':memory:', clock: new ManualClock(T0) });
    clock = new ManualClock(T0);
    hub = new IngestionHub();
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

  it('stores each reading once, however often it is replayed', async () => {
    const feed = new JournalFeed();
    const p = pipeline();
    const first = await p.process([
      feed.telemetry(1, { power_w: 10 }),
      feed.telemetry(2, { power_w: 20 }),
    ]);
    expect(first).toMatchObject({ points: 2, duplicates: 0 });
    // The same seqs again (an outbox replay after a lost PUBACK), one of them twice in a batch.
    const replay = await p.process([
      feed.telemetry(2, { power_w: 20 }, { historical: true }),
      feed.telemetry(3, { power_w: 30 }),
      feed.telemetry(3, { power_w: 30 }),
    ]);
    expect(replay).toMatchObject({ points: 1, duplicates: 2 });
    expect(await seqsStored()).toEqual([1, 2, 3]);
    expect(dispatched.map((m) => m.kind === 'telemetry' && m.payload.seq)).toEqual([1, 2, 3]);
    expect(p.counters).toMatchObject({ processed: 5, duplicates: 2, points: 3, batches: 2 });
  });

  it('remembers what it ingested across a restart (a new pipeline on the same database)', async () => {
    const feed = new JournalFeed();
    await pipeline().process([
      feed.telemetry(1, { power_w: 1 }),
      feed.telemetry(5, { power_w: 5 }),
    ]);
    const again = await pipeline().process([
      feed.telemetry(1, { power_w: 1 }),
      feed.telemetry(4, { power_w: 4 }),
      feed.telemetry(5, { power_w: 5 }),
    ]);
    expect(again).toMatchObject({ points: 1, duplicates: 2 });
    expect(await seqsStored()).toEqual([1, 4, 5]);
  });

  it('keeps devices apart: the same seq from two devices is two readings', async () => {
    const a = new JournalFeed('mairie', 'meters-1');
    const b = new JournalFeed('gare', 'meters-1');
    const out = await pipeline().process([
      a.telemetry(1, { power_w: 1 }),
      b.telemetry(1, { power_w: 2 }),
    ]);
    expect(out.points).toBe(2);
  });

  it('counts and logs invalid messages and goes on with the rest of the batch', async () => {
    const feed = new JournalFeed();
    const p = pipeline();
    const out = await p.process([
      feed.raw('hameau/v1/mairie/meters-1/telemetry/energy', '{not json'),
      feed.raw('hameau/v1/mairie/meters-1/telemetry/energy', JSON.stringify({ seq: 'x' })),
      feed.raw('hameau/v1/mairie/meters-1/nonsense', '{}'),
      // Valid for the protocol, but `seq` is the store's own field name.
      feed.telemetry(1, { seq: 3 }),
      feed.telemetry(2, { power_w: 7 }),
    ]);
    expect(out.points).toBe(1);
    expect(out.rejected.map((r) => r.code)).toEqual([
      'PAYLOAD_NOT_JSON',
      'PAYLOAD_INVALID',
      'TOPIC_UNKNOWN',
      'TSDB_POINT_INVALID',
    ]);
    expect(out.rejected.every((r) => r.device === 'meters-1')).toBe(true);
    expect(p.counters.invalid).toEqual({
      PAYLOAD_NOT_JSON: 1,
      PAYLOAD_INVALID: 1,
      TOPIC_UNKNOWN: 1,
      TSDB_POINT_INVALID: 1,
    });
  });

  it('keeps nothing of a batch whose write failed, so the retry stores all of it', async () => {
    const feed = new JournalFeed();
    const failing = {
      write: (_points: readonly Point[]) =>
        Promise.reject(new TimeSeriesError('TSDB_UNAVAILABLE', 'down')),
      query: store.query.bind(store),
      latest: store.latest.bind(store),
      close: () => Promise.resolve(),
    };
    const broken = new IngestPipeline({ db: database.db, store: failing, hub, clock, log: silent });
    const batch = [feed.telemetry(1, { power_w: 1 }), feed.telemetry(2, { power_w: 2 })];
    await expect(broken.process(batch)).rejects.toMatchObject({ code: 'TSDB_UNAVAILABLE' });
    expect(dispatched).toEqual([]);
    // Same process (its cache) and a fresh one (the database) both see the batch as new.
    await expect(broken.process([feed.telemetry(3, { power_w: 3 })])).rejects.toThrow();
    const out = await pipeline().process(batch);
    expect(out.points).toBe(2);
  });

  it('hands a batch again when a listener failed, and stores it once', async () => {
    const feed = new JournalFeed();
    let fail = true;
    hub.addListener({
      name: 'flaky',
      onBatch: () => (fail ? Promise.reject(new Error('database away')) : Promise.resolve()),
    });
    const p = pipeline();
    const batch = [feed.event(1, 'door-forced'), feed.telemetry(2, { power_w: 2 })];
    await expect(p.process(batch)).rejects.toThrow('database away');
    fail = false;
    const out = await p.process(batch);
    // The reading, and the forced door's `locker_event` point.
    expect(out).toMatchObject({ points: 2, duplicates: 0 });
    expect(await seqsStored()).toEqual([2]);
  });

  it('names the devices that sent seqs in a batch, new or already stored, each once', async () => {
    const meter = new JournalFeed('mairie', 'meters-1');
    const lamps = new JournalFeed('gare', 'lamps');
    const lockers = new JournalFeed('gare', 'lockers');
    const p = pipeline();
    const first = await p.process([
      meter.telemetry(1, { power_w: 1 }),
      meter.telemetry(2, { power_w: 2 }),
      lamps.event(1, 'lamp-failure'),
      lockers.status('online', 1),
    ]);
    expect(first.seqsFrom).toEqual([
      { site: 'mairie', device: 'meters-1' },
      { site: 'gare', device: 'lamps' },
    ]);
    // Only replays from the meter: it must be told again what is stored.
    const replay = await p.process([
      meter.telemetry(2, { power_w: 2 }, { historical: true }),
      lockers.status('offline', 1),
    ]);
    expect(replay).toMatchObject({
      duplicates: 1,
      seqsFrom: [{ site: 'mairie', device: 'meters-1' }],
    });
    expect(p.ledger.peek({ site: 'mairie', device: 'meters-1' })?.seen.toJSON()).toEqual([[1, 2]]);
  });

  it('starts a device afresh when its session goes backwards (its agent lost its database)', async () => {
    const feed = new JournalFeed();
    const p = pipeline();
    await p.process([feed.status('online', 7), feed.telemetry(1, { power_w: 1 })]);
    await p.process([feed.status('offline', 6)]); // a late, stale will: no reset
    expect((await p.process([feed.telemetry(1, { power_w: 1 })])).duplicates).toBe(1);
    const afterReset = await p.process([
      feed.status('online', 0),
      feed.telemetry(1, { power_w: 9 }, { at: T0 + 3_600_000 }),
    ]);
    expect(afterReset).toMatchObject({ points: 1, duplicates: 0 });
    expect(p.counters.deviceResets).toBe(1);
  });

  it('keeps device status from births, wills, outbox reports and reported state', async () => {
    await database.db
      .insertInto('sites')
      .values({ id: 'mairie', name: 'Mairie', created_at: T0 })
      .execute();
    await database.db
      .insertInto('devices')
      .values({ site_id: 'mairie', device_id: 'meters-1', kind: 'meters', created_at: T0 })
      .execute();
    hub.addListener(deviceStatusListener({ db: database.db, log: silent, now: () => clock.now() }));
    const feed = new JournalFeed();
    const p = pipeline();
    const outbox = (seq: number, depth: number, ageS: number, historical = false) =>
      feed.telemetry(
        seq,
        { depth, oldest_age_s: ageS, dropped_total: 0 },
        { stream: 'outbox', source: 'outbox', historical },
      );
    await p.process([
      { ...feed.status('online', 4, { at: T0 }), receivedAt: T0 + 10 },
      { ...outbox(1, 120, 600), receivedAt: T0 + 20 },
      { ...outbox(2, 900, 3600, true), receivedAt: T0 + 30 },
      {
        ...feed.raw(
          'hameau/v1/mairie/meters-1/state',
          JSON.stringify({ at: new Date(T0).toISOString(), configVersion: 3 }),
        ),
        receivedAt: T0 + 40,
      },
    ]);
    expect(
      await deviceStatusStore.get(database.db, { site: 'mairie', device: 'meters-1' }),
    ).toEqual({
      online: true,
      session: 4,
      lastSeen: T0 + 40,
      lastBirth: T0,
      outboxDepth: 120,
      outboxOldestAgeMs: 600_000,
      configVersion: 3,
      agentVersion: null,
      updatedAt: T0,
    });
    // The will of an older session arrives late: still online.
    await p.process([feed.status('offline', 3)]);
    expect(
      (await deviceStatusStore.get(database.db, { site: 'mairie', device: 'meters-1' }))?.online,
    ).toBe(true);
    await p.process([feed.status('offline', 4)]);
    expect(
      (await deviceStatusStore.get(database.db, { site: 'mairie', device: 'meters-1' }))?.online,
    ).toBe(false);
  });
});
