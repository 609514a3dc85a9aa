import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, TOPICS } from '@hameau/protocol';
import { verifySecret } from '@hameau/protocol/secret-hash';
import { mqttAccountStore } from '../../src/accounts/mqtt-account-store.js';
import { parseApiConfig } from '../../src/config.js';
import { startApiServer, type RunningApi } from '../../src/server.js';
import { capturedLog } from '../helpers/captured-log.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';

/** Waits for an outcome on a loaded machine: generous, and never a statement about speed. */
function eventually<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 15_000, interval: 20 });
}

/** `hameau api` with HAMEAU_MQTT_URL: the API ingests into its own stores. */
describe('startApiServer with MQTT', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const setUp = async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hameau-api-mqtt-'));
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });
    const broker: TestBroker = await startTestBroker();
    cleanups.push(() => broker.close());
    return { dataDir, broker };
  };
  const start = async (dataDir: string, broker: TestBroker, extra: object = {}) => {
    const captured = capturedLog();
    const api: RunningApi = await startApiServer(
      parseApiConfig({
        host: '127.0.0.1',
        port: 0,
        dataDir,
        mqtt: { url: broker.url, batchMaxDelayMs: 5, ...extra },
      }),
      { log: captured.log },
    );
    cleanups.push(() => api.close());
    return { api, captured };
  };

  it('provisions its cloud account, ingests, and shows device status and ingestion health', async () => {
    const { dataDir, broker } = await setUp();
    const { api, captured } = await start(dataDir, broker);
    const passwordFile = join(dataDir, 'mqtt-cloud-password');
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    const password = readFileSync(passwordFile, 'utf8').trim();
    const account = await mqttAccountStore.find(api.database.db, 'cloud');
    expect(account?.principal).toEqual({ role: 'cloud', name: 'cloud' });
    expect(await verifySecret(password, account?.hash ?? '')).toBe(true);
    expect(captured.text()).not.toContain(password);

    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${api.url}/api/v1/devices`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ site: 'mairie', device: 'meters-1', kind: 'meters' }),
    });
    expect(created.status).toBe(201);

    await eventually(() => {
      expect(api.ingestion?.connected).toBe(true);
    });
    const meter = await mqtt.connectAsync(broker.url, { clientId: 'mairie/meters-1' });
    cleanups.push(() => meter.endAsync(true));
    const at = new Date().toISOString();
    await meter.publishAsync(
      TOPICS.status.build({ site: 'mairie', device: 'meters-1' }),
      TOPICS.status.encode({ state: 'online', session: 1, at, kind: 'meters' }),
      { qos: 1, retain: true },
    );
    await meter.publishAsync(
      TOPICS.telemetry.build({ site: 'mairie', device: 'meters-1', stream: 'energy' }),
      TOPICS.telemetry.encode({
        seq: 1,
        at,
        historical: false,
        source: 'sdm630-1',
        values: { power_w: 1234.5 },
      }),
      { qos: 1 },
    );
    await eventually(async () => {
      const res = await fetch(`${api.url}/api/v1/devices/mairie/meters-1`, { headers: auth });
      expect(await res.json()).toMatchObject({ status: { online: true, session: 1 } });
    });
    const health = await fetch(`${api.url}/api/v1/ingestion`, { headers: auth });
    expect(await health.json()).toMatchObject({
      connected: true,
      journalDepth: 0,
      // The reading, and the birth's `device_status` point.
      counters: { points: 2, duplicates: 0 },
    });
    const latest = await api.timeSeries.latest('energy', 'power_w', { device: 'meters-1' });
    expect(latest.map((l) => l.value)).toEqual([1234.5]);
    const status = await api.timeSeries.latest('device_status', 'online', { device: 'meters-1' });
    expect(status.map((l) => [l.tags, l.value])).toEqual([
      [{ site: 'mairie', device: 'meters-1', kind: 'meters' }, 1],
    ]);
    expect(statSync(join(dataDir, 'series.sqlite')).isFile()).toBe(true);
  });

  it('finds its password again after a restart, and never replaces an unknown one', async () => {
    const { dataDir, broker } = await setUp();
    const first = await start(dataDir, broker);
    const password = readFileSync(join(dataDir, 'mqtt-cloud-password'), 'utf8');
    await first.api.close();
    const second = await start(dataDir, broker);
    expect(readFileSync(join(dataDir, 'mqtt-cloud-password'), 'utf8')).toBe(password);
    await second.api.close();

    // The account exists but nobody knows its password: say what to set, change nothing.
    rmSync(join(dataDir, 'mqtt-cloud-password'));
    const err: unknown = await start(dataDir, broker).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('HAMEAU_MQTT_PASSWORD');
  });
});
