import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, TOPICS } from '@hameau/protocol';
import { apiConfigFromEnv } from '../../src/config.js';
import { FakePublisher } from '../commands/fake-publisher.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const FOG = readFileSync(
  new URL('../weather/fixtures/open-meteo-current-fog.json', import.meta.url),
  'utf8',
);

interface WeatherJson {
  enabled: boolean;
  url: string | null;
  lastFetchAt: string | null;
  deliveredTo: number;
}

describe('the weather relay in the app', () => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(FOG);
  });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/v1/forecast`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  );

  async function app(publisher?: FakePublisher): Promise<TestApp> {
    const t = await createTestApp({
      options: { weather: { url, intervalSeconds: 600 }, ...(publisher && { publisher }) },
    });
    await t.app.hameau.devices.create(
      { site: 'ville', device: 'lamps-1', kind: 'lighting' },
      'test',
    );
    await t.app.hameau.devices.create(
      { site: 'ville', device: 'lockers-1', kind: 'locker' },
      'test',
    );
    await t.app.ready();
    return t;
  }

  const status = async (t: TestApp) => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/weather',
      headers: t.as('technician'),
    });
    expect(res.statusCode).toBe(200);
    return res.json<WeatherJson>();
  };

  it('starts with the app when MQTT is configured, relays on schedule, stops with it', async () => {
    const publisher = new FakePublisher(true);
    const before = requests;
    const t = await app(publisher);
    const weatherTopic = TOPICS.weather.build({ site: 'ville', device: 'lamps-1' });
    await vi.waitFor(() => {
      expect(publisher.published.map((p) => p.topic)).toContain(weatherTopic);
    });
    expect(requests).toBe(before + 1);
    // Lighting controllers only.
    expect(
      publisher.published.filter((p) => p.topic.includes('/weather')).map((p) => p.topic),
    ).toEqual([weatherTopic]);
    expect(await status(t)).toMatchObject({ enabled: true, url, deliveredTo: 1 });

    await t.clock.advance(600_000);
    await vi.waitFor(() => {
      expect(requests).toBe(before + 2);
    });

    await t.close();
    await t.clock.advance(3 * 600_000);
    expect(requests).toBe(before + 2);
  });

  it('stays idle without a broker connection to relay to', async () => {
    const before = requests;
    const t = await app();
    expect(await status(t)).toMatchObject({ enabled: true, lastFetchAt: null, deliveredTo: 0 });
    await t.clock.advance(3 * 600_000);
    expect(requests).toBe(before);
    await t.close();
  });

  it('is read from the environment, every problem named by its variable', () => {
    expect(apiConfigFromEnv({}).weather).toBeUndefined();
    const config = apiConfigFromEnv({
      HAMEAU_WEATHER_URL: 'https://aviationweather.gov/api/data/metar?ids=LFPB',
      HAMEAU_WEATHER_SOURCE: 'metar',
      HAMEAU_WEATHER_INTERVAL_SECONDS: '1800',
    });
    expect(config.weather).toEqual({
      url: 'https://aviationweather.gov/api/data/metar?ids=LFPB',
      source: 'metar',
      intervalSeconds: 1800,
      timeoutMs: 10_000,
    });
    try {
      apiConfigFromEnv({ HAMEAU_WEATHER_URL: 'ftp://x', HAMEAU_WEATHER_INTERVAL_SECONDS: 'often' });
      expect.unreachable('the environment is invalid');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.map((p) => p.split(':')[0]).sort();
      expect(problems).toEqual(['HAMEAU_WEATHER_INTERVAL_SECONDS', 'HAMEAU_WEATHER_URL']);
    }
  });
});
