import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { connectAsync } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import { runCli, stopper, tempDirs, type CliRun } from './helpers/run-cli.js';

const tmp = tempDirs('hameau-start-');

/** Every port on 0 (ephemeral), logs off: what a test changes of the demo's defaults. */
const testEnv = (dataDir: string): NodeJS.ProcessEnv => ({
  HAMEAU_DATA_DIR: dataDir,
  HAMEAU_MQTT_PORT: '0',
  HAMEAU_MQTT_WS_PORT: '0',
  HAMEAU_BROKER_HTTP_PORT: '0',
  HAMEAU_API_PORT: '0',
  HAMEAU_LOG_LEVEL: 'silent',
});

interface RunningDemo {
  readonly run: CliRun;
  readonly stop: (signal: string) => void;
  readonly mqttUrl: string;
  readonly apiUrl: string;
  readonly tokenFile: string;
  /** Username → password, as printed. */
  readonly credentials: ReadonlyMap<string, string>;
}

async function startDemo(env: NodeJS.ProcessEnv): Promise<RunningDemo> {
  const { signal, stop } = stopper();
  const run = runCli(['start'], env, signal);
  let ended = false;
  void run.done.finally(() => {
    ended = true;
  });
  await expect
    .poll(() => run.out.includes('Press Ctrl-C to stop.') || ended, { timeout: 15_000 })
    .toBe(true);
  expect(run.err.filter((l) => !l.startsWith('note:'))).toEqual([]);
  const text = run.out.join('\n');
  const first = Math.max(0, run.out.findIndex((l) => l.includes('Demo credentials')) + 1);
  const last = run.out.indexOf('Press Ctrl-C to stop.');
  const credentials = new Map(
    run.out.slice(first, last).map((l) => l.trim().split(/\s+/) as [string, string]),
  );
  return {
    run,
    stop,
    mqttUrl: /MQTT broker\s+(mqtt:\/\/\S+)/.exec(text)?.[1] ?? '',
    apiUrl: /Cloud API\s+(http:\/\/\S+)/.exec(text)?.[1] ?? '',
    tokenFile: /Admin token\s+in (\S+)/.exec(text)?.[1] ?? '',
    credentials,
  };
}

const connectAs = (url: string, username: string, password: string, clientId = username) =>
  connectAsync(url, { username, password, clientId, reconnectPeriod: 0 });

const DEMO_USERNAMES = [
  'cloud',
  'mairie/lockers',
  'gare/lockers',
  'mairie/meters',
  'ville/lighting',
];

describe('hameau start', () => {
  it('runs the broker and the API on one registry, and keeps its devices across restarts', async () => {
    const dataDir = tmp();
    // A DATABASE_URL in the shell must not send the demo to a real (here unreachable) database.
    const env = { ...testEnv(dataDir), DATABASE_URL: 'postgres://x:y@127.0.0.1:1/none' };
    const demo = await startDemo(env);
    expect(demo.run.err).toEqual([
      'note: the demo town ignores DATABASE_URL (its registry is SQLite)',
    ]);
    expect(demo.run.out.join('\n')).toContain(`${dataDir}/hameau.sqlite`);
    expect([...demo.credentials.keys()]).toEqual(DEMO_USERNAMES);

    const health = await fetch(`${demo.apiUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    expect((await fetch(`${demo.apiUrl}/docs/json`)).status).toBe(200);
    expect(existsSync(demo.tokenFile)).toBe(true);

    const lockersPassword = demo.credentials.get('mairie/lockers') ?? '';
    await (await connectAs(demo.mqttUrl, 'mairie/lockers', lockersPassword)).endAsync();
    const cloud = demo.credentials.get('cloud') ?? '';
    await (await connectAs(demo.mqttUrl, 'cloud', cloud, 'cloud:test')).endAsync();

    // The API ingests from the demo's broker: a meter's birth shows in its device status.
    const meters = await connectAs(
      demo.mqttUrl,
      'mairie/meters',
      demo.credentials.get('mairie/meters') ?? '',
    );
    await meters.publishAsync(
      TOPICS.status.build({ site: 'mairie', device: 'meters' }),
      TOPICS.status.encode({
        state: 'online',
        session: 1,
        at: new Date().toISOString(),
        kind: 'meters',
      }),
      { qos: 1, retain: true },
    );
    const admin = { authorization: `Bearer ${readFileSync(demo.tokenFile, 'utf8').trim()}` };
    await expect
      .poll(
        async () => {
          const res = await fetch(`${demo.apiUrl}/api/v1/devices/mairie/meters`, {
            headers: admin,
          });
          return ((await res.json()) as { status: { online: boolean } | null }).status?.online;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    await meters.endAsync();

    demo.stop('SIGINT');
    expect(await demo.run.done).toBe(0);
    expect(demo.run.out.at(-1)).toBe('SIGINT: stopping the demo town');
    await expect(fetch(`${demo.apiUrl}/healthz`)).rejects.toThrow();
    await expect(connectAs(demo.mqttUrl, 'mairie/lockers', lockersPassword)).rejects.toThrow();

    // Second start on the same data: the same devices, new passwords, the old ones refused.
    const again = await startDemo(testEnv(dataDir));
    try {
      const fresh = again.credentials.get('mairie/lockers') ?? '';
      expect([...again.credentials.keys()]).toEqual(DEMO_USERNAMES);
      expect(fresh).not.toBe(lockersPassword);
      await expect(
        connectAs(again.mqttUrl, 'mairie/lockers', lockersPassword),
      ).rejects.toMatchObject({ code: 4 });
      await (await connectAs(again.mqttUrl, 'mairie/lockers', fresh)).endAsync();

      const headers = { authorization: `Bearer ${readFileSync(demo.tokenFile, 'utf8').trim()}` };
      const listed = (await (
        await fetch(`${again.apiUrl}/api/v1/devices`, { headers })
      ).json()) as {
        devices: unknown[];
      };
      expect(listed.devices).toHaveLength(4);
      const audit = (await (await fetch(`${again.apiUrl}/api/v1/audit`, { headers })).json()) as {
        entries: { actor: string; action: string; subject: string }[];
      };
      const count = (action: string) => audit.entries.filter((e) => e.action === action).length;
      expect(count('device.create')).toBe(4);
      expect(count('account.create')).toBe(1);
      expect(count('account.rotate')).toBe(5);
      expect(audit.entries.find((e) => e.action === 'account.rotate')?.actor).toBe(
        `cli:${userInfo().username}`,
      );
    } finally {
      again.stop('SIGTERM');
      expect(await again.run.done).toBe(0);
    }
  });

  it('names the variable to change when the API port is taken, and stops what it started', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const r = runCli(['start'], { ...testEnv(tmp()), HAMEAU_API_PORT: String(port) });
      expect(await r.done).toBe(2);
      expect(r.err.join('\n')).toContain(
        `port ${port} on 127.0.0.1 is already in use; set HAMEAU_API_PORT to another port`,
      );
      expect(r.out).not.toContain('Press Ctrl-C to stop.');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('names the variable to change when the broker port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const r = runCli(['start'], { ...testEnv(tmp()), HAMEAU_MQTT_PORT: String(port) });
      expect(await r.done).toBe(2);
      expect(r.err.join('\n')).toContain(`set HAMEAU_MQTT_PORT to another port`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
