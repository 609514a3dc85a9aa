import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock, TOPICS } from '@hameau/protocol';
import { deviceStatusListener } from '../../src/devices/device-status-listener.js';
import { IngestionConfig } from '../../src/ingestion/ingestion-config.js';
import { IngestionHub } from '../../src/ingestion/ingestion-hub.js';
import { IngestionService } from '../../src/ingestion/ingestion-service.js';
import { IngestPipeline } from '../../src/ingestion/ingest-pipeline.js';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import { silent } from '../helpers/test-app.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-database.js';

/** Waits for an outcome on a loaded machine: generous, and never a statement about speed. */
function eventually<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 15_000, interval: 20 });
}

const SITE = 'ecole';
const DEVICE = 'lockers-1';
const DAY = 86_400_000;

/**
 * A locker bank's agent and the API's ingestion over a real broker: the bank's birth, events and
 * will (published by the broker when its connection dies) reach the series, and the retained
 * birth and will the broker hands the API again at its next start write nothing twice. Real
 * time: the test waits for outcomes, never for durations.
 */
describe.each(DIALECTS)('events and status through IngestionService, on %s', (dialect) => {
  let dir: string;
  let broker: TestBroker;
  let database: TestDatabase;
  let store: EmbeddedStore;
  const services: IngestionService[] = [];
  const clients: MqttClient[] = [];

  const startService = async () => {
    const hub = new IngestionHub();
    hub.addListener(
      deviceStatusListener({ db: database.db, log: silent, now: () => systemClock.now() }),
    );
    const pipeline = new IngestPipeline({
      db: database.db,
      store,
      hub,
      clock: systemClock,
      log: silent,
    });
    const service = new IngestionService({
      config: {
        ...IngestionConfig.parse({ url: broker.url, batchMaxDelayMs: 5 }),
        password: 'unused-by-the-test-broker',
        journalPath: join(dir, 'journal.sqlite'),
      },
      pipeline,
      clock: systemClock,
      log: silent,
      mqttOptions: { reconnectPeriod: 50 },
    });
    services.push(service);
    const subscribed = new Promise<void>((resolve) => service.onConnect(resolve));
    service.start();
    await subscribed;
    return service;
  };

  const stopService = async (service: IngestionService) => {
    services.splice(services.indexOf(service), 1);
    await service.stop();
  };

  const statusTopic = TOPICS.status.build({ site: SITE, device: DEVICE });
  const status = (state: 'online' | 'offline', reason?: 'will') =>
    TOPICS.status.encode({
      state,
      session: 1,
      at: new Date().toISOString(),
      kind: 'locker',
      ...(reason && { reason }),
    });
  const event = (seq: number, type: string, box: number, data: Record<string, unknown>) =>
    [
      TOPICS.event.build({ site: SITE, device: DEVICE, type }),
      TOPICS.event.encode({
        seq,
        at: new Date().toISOString(),
        historical: false,
        severity: type === 'door-forced' ? 'alarm' : 'info',
        subject: String(box),
        data: { box, ...data },
      }),
    ] as const;

  const stored = async (measurement: string, field: string, tags: Record<string, string>) => {
    const now = Date.now();
    const result = await store.query({
      measurement,
      field,
      tags,
      from: now - DAY,
      to: now + DAY,
      resolution: 'raw',
      aggregate: 'sum',
    });
    return (result.series[0]?.points ?? []).map(([, value]) => value);
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hameau-derived-'));
    broker = await startTestBroker();
    database = await createTestDatabase(dialect);
    store = new EmbeddedStore({ path: join(dir, 'series.sqlite'), clock: systemClock });
    await database.db
      .insertInto('sites')
      .values({ id: SITE, name: 'École', created_at: Date.now() })
      .execute();
    await database.db
      .insertInto('devices')
      .values({ site_id: SITE, device_id: DEVICE, kind: 'locker', created_at: Date.now() })
      .execute();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.endAsync(true);
    for (const s of services.splice(0)) await s.stop();
    await broker.close();
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the events and each change of state once, across a restart of the API', async () => {
    const first = await startService();
    const bank = await mqtt.connectAsync(broker.url, {
      clientId: `${SITE}/${DEVICE}`,
      clean: false,
      reconnectPeriod: 0,
      will: { topic: statusTopic, payload: status('offline', 'will'), qos: 1, retain: true },
    });
    clients.push(bank);
    await bank.publishAsync(statusTopic, status('online'), { qos: 1, retain: true });
    const credential = { credential: 'cred-0001-abc' };
    const published = [
      event(1, 'parcel-deposited', 3, credential),
      event(2, 'parcel-picked-up', 3, credential),
      // Replayed after a lost PUBACK.
      event(2, 'parcel-picked-up', 3, credential),
      event(3, 'door-forced', 7, {}),
    ];
    for (const [topic, payload] of published) await bank.publishAsync(topic, payload, { qos: 1 });
    await eventually(() => {
      expect(first.stats().counters).toMatchObject({ processed: 5, duplicates: 1 });
    });
    // The bank's connection dies: the broker publishes its will.
    bank.stream.destroy();
    await eventually(async () => {
      expect(await stored('device_status', 'online', { device: DEVICE })).toEqual([1, 0]);
    });
    expect(await stored('device_status', 'connection_lost', { device: DEVICE })).toEqual([1]);
    expect(await stored('locker_event', 'count', { type: 'parcel-picked-up' })).toEqual([1]);
    expect(await stored('locker_event', 'count', { type: 'door-forced', subject: '7' })).toEqual([
      1,
    ]);

    // The API restarts: subscribing again, it is handed the retained will once more.
    await stopService(first);
    const second = await startService();
    await eventually(() => {
      expect(second.stats().counters.processed).toBeGreaterThanOrEqual(1);
      expect(second.stats().journalDepth).toBe(0);
    });
    await second.flush();
    expect(await stored('device_status', 'online', { device: DEVICE })).toEqual([1, 0]);
    const events = await stored('locker_event', 'count', { device: DEVICE });
    expect(events.reduce((a, b) => a + b, 0)).toBe(3);
  });
});
