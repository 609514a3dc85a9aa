import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { parseBrokerConfig, startBroker } from '@hameau/broker';
import { parseApiConfig, startApiServer } from '@hameau/cloud-api';
import { TOPICS } from '@hameau/protocol';

const dir = mkdtempSync(join(tmpdir(), 'hameau-registry-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// The cloud registry is the one place identities live: a device registered through the admin
// API can connect to a broker reading that registry, and cannot once it is deleted.
it('authenticates devices against the registry the API writes (embedded SQLite)', async () => {
  const log = pino({ level: 'silent' });
  const api = await startApiServer(parseApiConfig({ host: '127.0.0.1', port: 0, dataDir: dir }), {
    log,
  });
  const broker = await startBroker(
    parseBrokerConfig({
      host: '127.0.0.1',
      mqttPort: 0,
      wsPort: null,
      httpPort: null,
      dataDir: dir,
      credentials: 'registry',
    }),
    { log },
  );
  const token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
  const created = await fetch(`${api.url}/api/v1/devices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ site: 'ecole', device: 'lights', kind: 'lighting' }),
  });
  expect(created.status).toBe(201);
  const { mqtt } = (await created.json()) as { mqtt: { username: string; password: string } };

  const url = `mqtt://127.0.0.1:${broker.mqtt.port}`;
  const options = { ...mqtt, clientId: mqtt.username, reconnectPeriod: 0 };
  const device = await connectAsync(url, options);
  await device.publishAsync(
    TOPICS.telemetry.build({ site: 'ecole', device: 'lights', stream: 'x' }),
    '{}',
    { qos: 1 },
  );
  await device.endAsync();
  await expect(connectAsync(url, { ...options, password: 'wrong' })).rejects.toMatchObject({
    code: 4,
  });

  const deleted = await fetch(`${api.url}/api/v1/devices/ecole/lights`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  });
  expect(deleted.status).toBe(204);
  await expect(connectAsync(url, options)).rejects.toMatchObject({ code: 4 });

  await broker.close();
  await api.close();
});
