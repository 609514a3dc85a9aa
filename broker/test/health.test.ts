import { connectAsync } from 'mqtt';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import { cloud, device, observer, startTestBroker, type TestBroker } from './helpers.js';
import { withTimeout } from './raw-mqtt.js';

// `/healthz` and `/metrics` as a probe and a Prometheus scraper see them, over real HTTP. Each
// test gets a fresh broker, so counters start at zero and can be asserted exactly.

const SITE = 'mairie';
const ownTopic = TOPICS.telemetry.build({ site: SITE, device: 'locker-1', stream: 'energy' });

let t: TestBroker;

beforeEach(async () => {
  t = await startTestBroker();
  return () => t.close();
});

const request = (path: string, init?: RequestInit) =>
  fetch(`http://127.0.0.1:${t.broker.http?.port ?? 0}${path}`, init);

async function scrape(): Promise<string> {
  const res = await request('/metrics');
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample (`name` with its labels, exactly as exposed), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/healthz', () => {
  test('answers 200 JSON with the status, connected clients and broker id', async () => {
    await t.connectAs(cloud);
    await t.connectAs(device(SITE, 'locker-1'));
    const res = await request('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ status: 'ok', clients: 2, brokerId: t.broker.aedes.id });
  });
});

describe('/metrics', () => {
  test('is Prometheus text: every sample has a HELP and a TYPE, every value is a number', async () => {
    await t.connectAs(cloud);
    const res = await request('/metrics');
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    const families = new Set<string>();
    for (const line of text.trimEnd().split('\n')) {
      const meta = /^# (HELP|TYPE) ([a-z_]+) (.+)$/.exec(line);
      if (meta) {
        if (meta[1] === 'TYPE') expect(meta[3]).toMatch(/^(counter|gauge)$/);
        families.add(`${meta[1] ?? ''} ${meta[2] ?? ''}`);
        continue;
      }
      const m = /^([a-z_]+)(\{[a-z_]+="[^"]*"\})? (\S+)$/.exec(line);
      expect(m, line).not.toBeNull();
      const name = m?.[1] ?? '';
      expect(families.has(`HELP ${name}`) && families.has(`TYPE ${name}`), name).toBe(true);
      expect(Number.isFinite(Number(m?.[3])), line).toBe(true);
    }
  });

  test('reports two connected clients as hameau_broker_clients_connected 2, and one after one leaves', async () => {
    await t.connectAs(cloud);
    const dev = await t.connectAs(device(SITE, 'locker-1'));
    expect(await scrape()).toContain('\nhameau_broker_clients_connected 2\n');
    await dev.endAsync();
    await vi.waitFor(async () => {
      expect(await scrape()).toContain('\nhameau_broker_clients_connected 1\n');
    });
  });

  test('counts a publish once in and once per subscriber out', async () => {
    const subs = [await t.connectAs(cloud), await t.connectAs(observer)];
    await Promise.all(subs.map((s) => s.subscribeAsync(TOPICS.telemetry.filter(), { qos: 1 })));
    const arrived = subs.map((s) =>
      withTimeout(new Promise((resolve) => s.once('message', resolve)), 3_000, 'delivery'),
    );
    const pub = await t.connectAs(device(SITE, 'locker-1'));
    await pub.publishAsync(ownTopic, '{}', { qos: 1 });
    await Promise.all(arrived);
    const text = await scrape();
    expect(sample(text, 'hameau_broker_messages_in_total')).toBe(1);
    expect(sample(text, 'hameau_broker_messages_out_total')).toBe(2);
  });

  test('counts a wrong password as connections_refused_total{reason="bad-credentials"}', async () => {
    const { username } = await t.account(device(SITE, 'locker-1'));
    await expect(
      connectAsync(
        t.url,
        { username, password: 'wrong', clientId: username, reconnectPeriod: 0 },
        false,
      ),
    ).rejects.toMatchObject({ code: 4 });
    const text = await scrape();
    expect(text).toContain(
      '\nhameau_broker_connections_refused_total{reason="bad-credentials"} 1\n',
    );
    expect(sample(text, 'hameau_broker_connections_accepted_total')).toBe(0);
  });

  test('a clean DISCONNECT counts neither as a client error nor as a refused connection', async () => {
    const client = await t.connectAs(cloud);
    await client.endAsync(); // sends DISCONNECT
    await vi.waitFor(() => {
      expect(t.broker.aedes.connectedClients).toBe(0);
    });
    const text = await scrape();
    expect(sample(text, 'hameau_broker_connections_accepted_total')).toBe(1);
    expect({
      clientErrors: sample(text, 'hameau_broker_client_errors_total'),
      refusals: text
        .split('\n')
        .filter((l) => l.startsWith('hameau_broker_connections_refused_total{')),
    }).toEqual({ clientErrors: 0, refusals: [] });
  });
});

describe('other requests', () => {
  test('an unknown path is 404 with a JSON body', async () => {
    const res = await request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found' });
  });

  test.each(['/healthz', '/metrics'])('POST %s is 405 and names GET as allowed', async (path) => {
    const res = await request(path, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });
});
