import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { parseBrokerConfig, startBroker } from '@hameau/broker';
import {
  DeviceService,
  migrateToLatest,
  openDatabase,
  parseApiConfig,
  startApiServer,
} from '@hameau/cloud-api';
import { systemClock } from '@hameau/protocol';
import { printedPassword, runCli, tempDirs } from './helpers/run-cli.js';

// The broker and the API share the SQLite registry without coordinating: whichever starts
// first, and even a broker reading the file while the API is still migrating it, must end with
// every registered device able to connect.

const tmp = tempDirs('hameau-registry-order-');
const log = pino({ level: 'silent' });

function startRegistryBroker(dataDir: string) {
  return startBroker(
    parseBrokerConfig({ host: '127.0.0.1', mqttPort: 0, wsPort: null, httpPort: null, dataDir }),
    { log },
  );
}

const device = (password: string) => ({
  username: 'gare/lockers',
  password,
  clientId: 'gare/lockers',
  reconnectPeriod: 0,
});

it('broker first: "server unavailable" until the API has created the registry, then serves it', async () => {
  const dataDir = tmp();
  const broker = await startRegistryBroker(dataDir);
  const url = `mqtt://127.0.0.1:${broker.mqtt.port}`;
  await expect(connectAsync(url, device('anything'))).rejects.toMatchObject({ code: 3 });

  const api = await startApiServer(parseApiConfig({ host: '127.0.0.1', port: 0, dataDir }), {
    log,
  });
  const added = runCli(['device', 'add', '--site', 'gare', '--id', 'lockers', '--kind', 'locker'], {
    HAMEAU_DATA_DIR: dataDir,
  });
  expect(await added.done).toBe(0);
  await (await connectAsync(url, device(printedPassword(added)))).endAsync();
  // An unknown password is now a plain refusal, not "unavailable".
  await expect(connectAsync(url, device('wrong'))).rejects.toMatchObject({ code: 4 });

  await api.close();
  await broker.close();
});

it('a broker reading the file while the API migrates it serves the device once migrated', async () => {
  const dataDir = tmp();
  const broker = await startRegistryBroker(dataDir);
  const url = `mqtt://127.0.0.1:${broker.mqtt.port}`;

  // The API's first step: the file exists (WAL) but has no tables yet.
  const handle = await openDatabase({ dialect: 'sqlite', file: join(dataDir, 'hameau.sqlite') });
  try {
    await expect(connectAsync(url, device('anything'))).rejects.toMatchObject({ code: 3 });
    await migrateToLatest(handle.db);
    const created = await new DeviceService({ db: handle.db, clock: systemClock, log }).create(
      { site: 'gare', device: 'lockers', kind: 'locker' },
      'test',
    );
    await (await connectAsync(url, device(created.mqtt.password))).endAsync();
  } finally {
    await handle.close();
    await broker.close();
  }
});

it('API first: the CLI writes the registry the running API serves, and the API audits it', async () => {
  const dataDir = tmp();
  const api = await startApiServer(parseApiConfig({ host: '127.0.0.1', port: 0, dataDir }), {
    log,
  });
  const broker = await startRegistryBroker(dataDir);
  try {
    const added = runCli(
      ['device', 'add', '--site', 'gare', '--id', 'lockers', '--kind', 'locker'],
      { HAMEAU_DATA_DIR: dataDir },
    );
    expect(await added.done).toBe(0);
    await (
      await connectAsync(`mqtt://127.0.0.1:${broker.mqtt.port}`, device(printedPassword(added)))
    ).endAsync();

    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const headers = { authorization: `Bearer ${token}` };
    const devices = (await (await fetch(`${api.url}/api/v1/devices`, { headers })).json()) as {
      devices: { site: string; device: string; kind: string }[];
    };
    expect(devices.devices).toMatchObject([{ site: 'gare', device: 'lockers', kind: 'locker' }]);
    const audit = (await (await fetch(`${api.url}/api/v1/audit`, { headers })).json()) as {
      entries: { actor: string; action: string; subject: string }[];
    };
    expect(audit.entries).toContainEqual(
      expect.objectContaining({
        actor: `cli:${userInfo().username}`,
        action: 'device.create',
        subject: 'gare/lockers',
      }),
    );
  } finally {
    await broker.close();
    await api.close();
  }
});
