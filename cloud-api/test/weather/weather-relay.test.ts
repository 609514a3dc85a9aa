import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, TOPICS } from '@hameau/protocol';
import { deviceStore } from '../../src/devices/device-store.js';
import { WeatherRelay } from '../../src/weather/weather-relay.js';
import { WeatherSettings } from '../../src/weather/weather-settings.js';
import { FakePublisher } from '../commands/fake-publisher.js';
import { useTestDatabase } from '../helpers/test-database.js';

const log = pino({ level: 'silent' });
const FOG = readFileSync(new URL('fixtures/open-meteo-current-fog.json', import.meta.url), 'utf8');

/** A local stand-in for the weather service: answers what the test sets, counts requests. */
class FixtureServer {
  status = 200;
  body = FOG;
  requests = 0;
  readonly #server: Server = createServer((_req, res) => {
    this.requests++;
    res.writeHead(this.status, { 'content-type': 'application/json' });
    res.end(this.body);
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.listen(0, '127.0.0.1', resolve);
    });
    this.url = `http://127.0.0.1:${String((this.#server.address() as AddressInfo).port)}/v1/forecast`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }
}

describe('the weather relay', () => {
  const db = useTestDatabase('sqlite');
  const server = new FixtureServer();
  beforeAll(async () => {
    await server.start();
    const at = Date.UTC(2026, 10, 25);
    for (const [site, device, kind] of [
      ['ville', 'lighting', 'lighting'],
      ['gare', 'eclairage', 'lighting'],
      ['gare', 'lockers', 'locker'],
    ] as const) {
      await deviceStore.ensureSite(db().db, site, at);
      await deviceStore.insert(db().db, { site, device, kind, createdAt: at });
    }
  });
  afterAll(() => server.close());

  function relay(publisher: FakePublisher, clock: ManualClock, url = server.url) {
    return new WeatherRelay({
      settings: WeatherSettings.parse({ url, intervalSeconds: 900 }),
      db: db().db,
      publisher,
      clock,
      log,
    });
  }

  it('relays the report as fetched, retained, to every lighting controller and no one else', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 20, 50));
    const publisher = new FakePublisher(true);
    const r = relay(publisher, clock);
    await r.refresh();
    expect(publisher.published.map((p) => p.topic).sort()).toEqual([
      TOPICS.weather.build({ site: 'gare', device: 'eclairage' }),
      TOPICS.weather.build({ site: 'ville', device: 'lighting' }),
    ]);
    const [first] = publisher.published;
    expect(first?.options).toEqual({ qos: 1, retain: true });
    // What the agent will get decodes on the protocol's row, with the body untouched.
    const payload = TOPICS.weather.decode(JSON.stringify(first?.payload));
    expect(payload).toEqual({
      fetchedAt: '2026-11-25T20:50:00.000Z',
      source: 'open-meteo',
      body: JSON.parse(FOG) as unknown,
    });
    expect(r.status()).toMatchObject({ enabled: true, deliveredTo: 2, lastError: null });
  });

  it('fetches on its schedule, and keeps the last report when a fetch fails', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 21));
    const publisher = new FakePublisher(true);
    const r = relay(publisher, clock);
    const before = server.requests;
    r.start();
    await expect.poll(() => publisher.published.length).toBe(2);
    server.status = 503;
    await clock.advance(900_000);
    await expect.poll(() => r.status().lastError?.message).toMatch(/HTTP 503/);
    // Nothing new was relayed: the controllers keep the last good report and judge its age.
    expect(publisher.published).toHaveLength(2);
    expect(r.status().lastReport?.fetchedAt).toBe('2026-11-25T21:00:00.000Z');
    server.status = 200;
    server.body = '["not", "an", "object"]';
    await clock.advance(900_000);
    await expect.poll(() => r.status().lastError?.message).toMatch(/not a JSON object/);
    server.body = FOG;
    await clock.advance(900_000);
    await expect.poll(() => publisher.published.length).toBe(4);
    expect(server.requests - before).toBe(4);
    await r.stop();
  });

  it('sends the last report again when the broker connection comes back', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 22));
    const publisher = new FakePublisher(false);
    const r = relay(publisher, clock);
    r.start();
    await expect.poll(() => r.status().lastReport).not.toBeNull();
    expect(publisher.published).toHaveLength(0);
    publisher.connected = true;
    publisher.connect();
    await expect.poll(() => publisher.published.length).toBe(2);
    await r.stop();
  });

  it('says why when the service cannot be reached, and never throws', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 23));
    const r = relay(new FakePublisher(true), clock, 'http://127.0.0.1:9/unreachable');
    await r.refresh();
    expect(r.status().lastError?.message).toMatch(/weather fetch from http:\/\/127\.0\.0\.1:9/);
  });

  it('refuses a report larger than 64 KiB without reading it all', async () => {
    const r = relay(new FakePublisher(true), new ManualClock(Date.UTC(2026, 10, 26)));
    server.body = JSON.stringify({ padding: 'x'.repeat(200_000) });
    try {
      await r.refresh();
    } finally {
      server.body = FOG;
    }
    expect(r.status().lastError?.message).toMatch(/larger than 65536 bytes/);
    expect(r.status().lastReport).toBeNull();
  });

  it('does nothing at all without a URL', async () => {
    const publisher = new FakePublisher(true);
    const r = new WeatherRelay({
      settings: WeatherSettings.parse({}),
      db: db().db,
      publisher,
      clock: new ManualClock(0),
      log,
    });
    r.start();
    await r.refresh();
    expect(publisher.published).toEqual([]);
    expect(r.status()).toMatchObject({ enabled: false, lastFetchAt: null });
  });
});
