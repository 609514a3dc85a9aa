import { userInfo } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokerConfig, startBroker, type RunningBroker } from '@hameau/broker';
import { listAudit, openDatabase, type DatabaseConfig } from '@hameau/cloud-api';
import { TOPICS } from '@hameau/protocol';
import { createFreshPostgres, type FreshPostgres } from './helpers/fresh-postgres.js';
import { printedPassword, runCli, tempDirs } from './helpers/run-cli.js';

const tmp = tempDirs('hameau-cli-registry-');
const actor = `cli:${userInfo().username}`;

// `hameau device` and `hameau account` write the cloud registry, on either dialect, and a broker
// reading that registry (its default) authenticates exactly what they created.
describe.each(['sqlite', 'postgres'] as const)('identities in the registry (%s)', (dialect) => {
  let env: NodeJS.ProcessEnv;
  let database: DatabaseConfig;
  let postgres: FreshPostgres | undefined;
  let broker: RunningBroker;
  let url: string;

  beforeAll(async () => {
    const dataDir = tmp();
    if (dialect === 'postgres') {
      postgres = await createFreshPostgres();
      env = { HAMEAU_DATA_DIR: dataDir, DATABASE_URL: postgres.url };
      database = { dialect: 'postgres', url: postgres.url, maxConnections: 2 };
    } else {
      env = { HAMEAU_DATA_DIR: dataDir };
      database = { dialect: 'sqlite', file: join(dataDir, 'hameau.sqlite') };
    }
    broker = await startBroker(
      parseBrokerConfig({
        host: '127.0.0.1',
        mqttPort: 0,
        wsPort: null,
        httpPort: null,
        dataDir,
        ...(postgres && { databaseUrl: postgres.url }),
      }),
      { log: pino({ level: 'silent' }) },
    );
    url = `mqtt://127.0.0.1:${broker.mqtt.port}`;
  });
  afterAll(async () => {
    await broker.close();
    await postgres?.drop();
  });

  const connect = (username: string, password: string, clientId = username) =>
    connectAsync(url, { username, password, clientId, reconnectPeriod: 0 });

  it('adds a device that connects, lists it, removes it so it is refused, and audits each step', async () => {
    const added = runCli(
      ['device', 'add', '--site', 'ecole', '--id', 'lights', '--kind', 'lighting'],
      env,
    );
    expect(await added.done).toBe(0);
    expect(added.out[0]).toMatch(/^device ecole\/lights \(lighting\) created in the registry \(/);
    expect(added.out[1]).toBe('  MQTT username and client id: ecole/lights');
    const password = printedPassword(added);
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const device = await connect('ecole/lights', password);
    await device.publishAsync(
      TOPICS.telemetry.build({ site: 'ecole', device: 'lights', stream: 'x' }),
      '{}',
      { qos: 1 },
    );
    await device.endAsync();

    const observer = runCli(['account', 'add', '--role', 'observer', '--name', 'console'], env);
    expect(await observer.done).toBe(0);
    expect(observer.out[0]).toMatch(/^observer account console created in the registry/);
    await (await connect('console', printedPassword(observer), 'console:tool')).endAsync();

    const listed = runCli(['device', 'list'], env);
    expect(await listed.done).toBe(0);
    expect(listed.out.map((l) => l.split('\t').slice(0, 2))).toEqual([
      ['console', 'observer'],
      ['ecole/lights', 'lighting'],
    ]);
    expect(listed.out[1]?.split('\t')[2]).toMatch(/^\d{4}-\d\d-\d\dT/);

    const removed = runCli(['device', 'remove', '--site', 'ecole', '--id', 'lights'], env);
    expect(await removed.done).toBe(0);
    expect(removed.out[0]).toMatch(/^device ecole\/lights removed from the registry/);
    await expect(connect('ecole/lights', password)).rejects.toMatchObject({ code: 4 });
    const again = runCli(['device', 'remove', '--site', 'ecole', '--id', 'lights'], env);
    expect(await again.done).toBe(1);
    expect(again.err.join('\n')).toContain('no device ecole/lights');

    const handle = await openDatabase(database);
    try {
      const audit = await listAudit(handle.db, { limit: 10 });
      expect(audit.map((a) => [a.action, a.subject, a.actor]).reverse()).toEqual([
        ['device.create', 'ecole/lights', actor],
        ['account.create', 'console', actor],
        ['device.delete', 'ecole/lights', actor],
      ]);
      // The registry holds only the hash of what was printed.
      const rows = await handle.db.selectFrom('mqtt_accounts').select(['hash']).execute();
      expect(rows.map((r) => r.hash).join()).not.toContain(password);
      expect(rows[0]?.hash).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$/);
    } finally {
      await handle.close();
    }
  });

  it('refuses a duplicate device with a clear message and exit code 2', async () => {
    const args = ['device', 'add', '--site', 'gare', '--id', 'm1', '--kind', 'meters'];
    expect(await runCli(args, env).done).toBe(0);
    const again = runCli(args, env);
    expect(await again.done).toBe(2);
    expect(again.err.join('\n')).toContain('gare/m1 already exists');
  });
});

it('names DATABASE_URL, without its password, when PostgreSQL cannot be reached', async () => {
  const r = runCli(['device', 'list'], {
    HAMEAU_DATA_DIR: tmp(),
    DATABASE_URL: 'postgres://hameau:not-to-be-shown@127.0.0.1:1/hameau',
  });
  expect(await r.done).toBe(1);
  const text = r.err.join('\n');
  expect(text).toContain('cannot reach PostgreSQL at 127.0.0.1:1/hameau (DATABASE_URL)');
  expect(text).not.toContain('not-to-be-shown');
});
