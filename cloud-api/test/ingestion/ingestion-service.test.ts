import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandPayload, systemClock, TOPICS, type IngestedPayload } from '@hameau/protocol';
import { IngestionHub } from '../../src/ingestion/ingestion-hub.js';
import { IngestionConfig } from '../../src/ingestion/ingestion-config.js';
import { IngestionService } from '../../src/ingestion/ingestion-service.js';
import { IngestPipeline } from '../../src/ingestion/ingest-pipeline.js';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import type { TimeSeriesStore } from '../../src/timeseries/time-series-store.js';
import { TimeSeriesError } from '../../src/timeseries/time-series-error.js';
import { silent } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { JournalFeed } from './ingest-fixtures.js';

/** Waits for an outcome on a loaded machine: generous, and never a statement about speed. */
function eventually<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 15_000, interval: 20 });
}

const AT = Date.UTC(2026, 10, 25, 12);

/** Real time here: a real broker and sockets. Tests wait for outcomes, never for durations. */
describe('IngestionService with a real broker', () => {
  let dir: string;
  let broker: TestBroker;
  let database: TestDatabase;
  let store: EmbeddedStore;
  const services: IngestionService[] = [];
  const clients: MqttClient[] = [];

  const newPipeline = (opts: { store?: TimeSeriesStore; hub?: IngestionHub } = {}) =>
    new IngestPipeline({
      db: database.db,
      store: opts.store ?? store,
      hub: opts.hub ?? new IngestionHub(),
      clock: systemClock,
      log: silent,
    });
  const startService = (
    opts: {
      store?: TimeSeriesStore;
      hub?: IngestionHub;
      pipeline?: IngestPipeline;
      url?: string;
    } = {},
  ) => {
    const pipeline = opts.pipeline ?? newPipeline(opts);
    const service = new IngestionService({
      config: {
        ...IngestionConfig.parse({ url: opts.url ?? broker.url, batchMaxDelayMs: 5 }),
        password: 'unused-by-the-test-broker',
        journalPath: join(dir, 'journal.sqlite'),
      },
      pipeline,
      clock: systemClock,
      log: silent,
      mqttOptions: { reconnectPeriod: 50 },
    });
    services.push(service);
    // Connect listeners run once the subscriptions are granted: from then on nothing is missed.
    subscribed = new Promise<void>((resolve) => service.onConnect(resolve));
    service.start();
    return service;
  };
  let subscribed: Promise<void> = Promise.resolve();

  const device = async (id = 'meters-1') => {
    const client = await mqtt.connectAsync(broker.url, {
      clientId: `mairie/${id}`,
      clean: false,
      reconnectPeriod: 0,
    });
    clients.push(client);
    return client;
  };

  const reading = (seq: number, historical = false) =>
    TOPICS.telemetry.encode({
      seq,
      at: new Date(AT + seq * 1000).toISOString(),
      historical,
      source: 'sdm630-1',
      values: { power_w: seq * 10 },
    });
  const topic = TOPICS.telemetry.build({ site: 'mairie', device: 'meters-1', stream: 'energy' });

  const storedSeqs = async () => {
    const r = await store.query({
      measurement: 'energy',
      field: 'seq',
      from: AT,
      to: AT + 86_400_000,
      resolution: 'raw',
      aggregate: 'sum',
    });
    return (r.series[0]?.points ?? []).map(([, v]) => v);
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hameau-ingest-'));
    broker = await startTestBroker();
    database = await createTestDatabase('sqlite');
    store = new EmbeddedStore({ path: join(dir, 'series.sqlite'), clock: systemClock });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.endAsync(true);
    for (const s of services.splice(0)) await s.stop();
    await broker.close();
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores what devices publish, and refuses garbage without stopping', async () => {
    const service = startService();
    await subscribed;
    const meter = await device();
    for (let seq = 1; seq <= 50; seq++) await meter.publishAsync(topic, reading(seq), { qos: 1 });
    await meter.publishAsync(topic, Buffer.from('{garbage'), { qos: 1 });
    await meter.publishAsync(topic, reading(51), { qos: 1 });
    await eventually(() => {
      expect(service.stats().counters.points).toBe(51);
    });
    expect(await storedSeqs()).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    expect(service.stats().counters.invalid).toEqual({ PAYLOAD_NOT_JSON: 1 });
    expect(service.stats().journalDepth).toBe(0);
  });

  it('gets what was published while the API was stopped, from its persistent session', async () => {
    const first = startService();
    await subscribed;
    const meter = await device();
    for (let seq = 1; seq <= 10; seq++) await meter.publishAsync(topic, reading(seq), { qos: 1 });
    await eventually(() => {
      expect(first.stats().counters.points).toBe(10);
    });
    await first.stop();
    // The cloud is down: the broker queues these for the cloud's session.
    for (let seq = 11; seq <= 30; seq++) await meter.publishAsync(topic, reading(seq), { qos: 1 });
    const second = startService();
    await eventually(() => {
      expect(second.stats().counters.points).toBe(20);
    });
    expect(await storedSeqs()).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('keeps acknowledged messages in its journal while the store is down, and stores them later', async () => {
    let down = true;
    const flaky: TimeSeriesStore = {
      write: (points) =>
        down
          ? Promise.reject(new TimeSeriesError('TSDB_UNAVAILABLE', 'influx is down'))
          : store.write(points),
      query: (q) => store.query(q),
      latest: (m, f, t) => store.latest(m, f, t),
      close: () => Promise.resolve(),
    };
    const first = startService({ store: flaky });
    await subscribed;
    const meter = await device();
    for (let seq = 1; seq <= 20; seq++) await meter.publishAsync(topic, reading(seq), { qos: 1 });
    await eventually(() => {
      expect(first.stats().journalDepth).toBe(20);
    });
    await eventually(() => {
      expect(first.stats().lastError).toContain('influx is down');
    });
    expect(first.stats().counters.points).toBe(0);
    // Stopped (or killed) with the journal full: the next start stores it all.
    await first.stop();
    down = false;
    const second = startService({ store: flaky });
    await eventually(() => {
      expect(second.stats().counters.points).toBe(20);
    });
    expect(await storedSeqs()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(second.stats().journalDepth).toBe(0);
  });

  it('publishes to devices once connected, and refuses to when not', async () => {
    const service = startService();
    await expect(
      service.publish('hameau/v1/mairie/meters-1/cmd/resync', {}, { qos: 1, retain: false }),
    ).rejects.toMatchObject({ code: 'MQTT_UNAVAILABLE' });
    await subscribed;
    expect(service.connected).toBe(true);
    const meter = await device();
    const cmdTopic = TOPICS.command.build({ site: 'mairie', device: 'meters-1', name: 'resync' });
    await meter.subscribeAsync(cmdTopic, { qos: 1 });
    const received = new Promise<Buffer>((resolve) =>
      meter.once('message', (_t, p) => {
        resolve(p);
      }),
    );
    const command = {
      id: 'cmd-0000001',
      issuedAt: new Date(AT).toISOString(),
      expiresAt: new Date(AT + 60_000).toISOString(),
      issuedBy: 'tech',
      args: {},
    };
    await service.publish(cmdTopic, command, TOPICS.command);
    expect(TOPICS.command.decode(await received)).toEqual(CommandPayload.parse(command));
  });

  /** A client watching a device's `ingested` topic, as its agent would. */
  const watchIngested = async (id = 'meters-1') => {
    const client = await mqtt.connectAsync(broker.url, {
      clientId: `watcher-${id}-${String(clients.length)}`,
      reconnectPeriod: 0,
    });
    clients.push(client);
    const messages: { payload: IngestedPayload; retain: boolean }[] = [];
    client.on('message', (_topic, payload, packet) => {
      messages.push({ payload: TOPICS.ingested.decode(payload), retain: packet.retain });
    });
    await client.subscribeAsync(TOPICS.ingested.build({ site: 'mairie', device: id }), { qos: 1 });
    return messages;
  };

  it('tells each device which seqs it stored, retained, and again when the device replays', async () => {
    const service = startService();
    await subscribed;
    const watched = await watchIngested();
    const meter = await device();
    await meter.publishAsync(
      TOPICS.status.build({ site: 'mairie', device: 'meters-1' }),
      TOPICS.status.encode({
        state: 'online',
        session: 4,
        at: new Date(AT).toISOString(),
        kind: 'meters',
      }),
      { qos: 1, retain: true },
    );
    for (let seq = 1; seq <= 20; seq++) await meter.publishAsync(topic, reading(seq), { qos: 1 });
    await eventually(() => {
      expect(watched.at(-1)?.payload).toMatchObject({ session: 4, seen: [[1, 20]] });
    });
    // Coalesced: never more messages than batches.
    expect(watched.length).toBeLessThanOrEqual(service.stats().counters.batches);
    // A device that connects later finds the latest, retained.
    const late = await watchIngested();
    await eventually(() => {
      expect(late).toEqual([{ payload: watched.at(-1)?.payload, retain: true }]);
    });
    // A replay of stored seqs means the device did not get the word: it is told again.
    const before = watched.length;
    await meter.publishAsync(topic, reading(5, true), { qos: 1 });
    await eventually(() => {
      expect(watched.length).toBe(before + 1);
    });
    expect(watched.at(-1)?.payload.seen).toEqual([[1, 20]]);
    expect(service.stats().counters.duplicates).toBe(1);
  });

  it('publishes at connect the ranges its ledger holds but has not published', async () => {
    const pipeline = newPipeline();
    // Processed before the service ever connected (as the journal left by a previous run is).
    const feed = new JournalFeed('mairie', 'meters-1');
    await pipeline.process([1, 2, 3, 7].map((seq) => feed.telemetry(seq, { power_w: seq })));
    const watched = await watchIngested();
    startService({ pipeline });
    await eventually(() => {
      expect(watched.map((m) => m.payload.seen)).toEqual([
        [
          [1, 3],
          [7, 7],
        ],
      ]);
    });
  });

  it('stops even when the broker went away with a publish awaiting its PUBACK', async () => {
    const away = await startTestBroker();
    const service = startService({ url: away.url });
    await subscribed;
    const topic = TOPICS.ingested.build({ site: 'mairie', device: 'meters-1' });
    const payload = { at: new Date(AT).toISOString(), session: 0, seen: [] };
    // Not awaited: the broker goes away before it can answer, and mqtt.js keeps the publish to
    // send it again after a reconnect that will not come.
    void service.publish(topic, payload, TOPICS.ingested).catch(() => undefined);
    await away.close();
    await eventually(() => {
      expect(service.connected).toBe(false);
    });
    await service.stop();
    expect(service.connected).toBe(false);
  });

  it('calls connect listeners at every (re)connection', async () => {
    const service = startService();
    let connects = 0;
    service.onConnect(() => connects++);
    await eventually(() => {
      expect(connects).toBe(1);
    });
    broker.dropConnections();
    await eventually(() => {
      expect(connects).toBe(2);
    });
  });
});
