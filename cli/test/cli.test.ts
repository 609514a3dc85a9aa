import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { describe, expect, it, afterAll } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import { main } from '../src/main.js';

function run(argv: string[], env: NodeJS.ProcessEnv = {}, stopSignal?: Promise<string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    env,
    out: (l: string) => out.push(l),
    err: (l: string) => err.push(l),
    ...(stopSignal && { stopSignal }),
  };
  return { done: main(argv, io), out, err };
}

/** A stop signal the test fires, standing in for Ctrl-C. */
function stopper() {
  let fire: (signal: string) => void = () => undefined;
  const signal = new Promise<string>((resolve) => {
    fire = resolve;
  });
  return {
    signal,
    stop: (s: string) => {
      fire(s);
    },
  };
}

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-cli-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('hameau device add', () => {
  it('writes the registry in the data dir by default, creating and migrating it', async () => {
    const dir = tmp();
    const r = run([
      'device',
      'add',
      '--site',
      'mairie',
      '--id',
      'lockers',
      '--kind',
      'locker',
      '--data-dir',
      dir,
    ]);
    expect(await r.done).toBe(0);
    expect(r.out[0]).toBe(
      `device mairie/lockers (locker) created in the registry (${join(dir, 'hameau.sqlite')})`,
    );
    expect(existsSync(join(dir, 'hameau.sqlite'))).toBe(true);
    expect(existsSync(join(dir, 'credentials.json'))).toBe(false);
    const listed = run(['device', 'list', '--data-dir', dir]);
    expect(await listed.done).toBe(0);
    expect(listed.out.map((l) => l.split('\t').slice(0, 2))).toEqual([
      ['mairie/lockers', 'locker'],
    ]);
  });

  it('with --credentials-file, prints the password once and stores only its scrypt hash there', async () => {
    const dir = tmp();
    const file = join(dir, 'broker', 'credentials.json');
    const r = run([
      'device',
      'add',
      '--site',
      'mairie',
      '--id',
      'lockers',
      '--kind',
      'locker',
      '--credentials-file',
      file,
    ]);
    expect(await r.done).toBe(0);
    expect(r.out[0]).toBe(`device mairie/lockers (locker) created in ${file}`);
    const line = r.out.find((l) => l.includes('MQTT password'));
    const password = line?.split(/\s+/).pop() ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(password);
    expect(stored).toMatch(/"hash": "\$scrypt\$ln=14,r=8,p=1\$/);
    expect(JSON.parse(stored)).toMatchObject({
      accounts: [{ role: 'device', site: 'mairie', device: 'lockers', kind: 'locker' }],
    });
    expect(existsSync(join(dir, 'hameau.sqlite'))).toBe(false);
    const listed = run(['device', 'list', '--credentials-file', file]);
    expect(await listed.done).toBe(0);
    expect(listed.out.map((l) => l.split('\t').slice(0, 2))).toEqual([
      ['mairie/lockers', 'locker'],
    ]);
    const removed = run([
      'device',
      'remove',
      '--site',
      'mairie',
      '--id',
      'lockers',
      '--credentials-file',
      file,
    ]);
    expect(await removed.done).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ accounts: [] });
  });

  it('follows HAMEAU_BROKER_CREDENTIALS=file like the broker does', async () => {
    const dir = tmp();
    const r = run(['account', 'add', '--role', 'cloud', '--name', 'cloud'], {
      HAMEAU_DATA_DIR: dir,
      HAMEAU_BROKER_CREDENTIALS: 'file',
    });
    expect(await r.done).toBe(0);
    expect(r.out[0]).toBe(`cloud account cloud created in ${join(dir, 'credentials.json')}`);
    const bad = run(['device', 'list'], {
      HAMEAU_DATA_DIR: dir,
      HAMEAU_BROKER_CREDENTIALS: 'ldap',
    });
    expect(await bad.done).toBe(2);
    expect(bad.err.join('\n')).toContain('HAMEAU_BROKER_CREDENTIALS: must be registry or file');
  });

  it('refuses --credentials-file together with --data-dir', async () => {
    const dir = tmp();
    const r = run(['device', 'list', '--data-dir', dir, '--credentials-file', join(dir, 'c.json')]);
    expect(await r.done).toBe(2);
    expect(r.err.join('\n')).toContain('--credentials-file and --data-dir exclude each other');
  });

  it('refuses a duplicate with a clear message and exit code 2', async () => {
    const dir = tmp();
    const args = [
      'device',
      'add',
      '--site',
      'gare',
      '--id',
      'm1',
      '--kind',
      'meters',
      '--data-dir',
      dir,
    ];
    expect(await run(args).done).toBe(0);
    const again = run(args);
    expect(await again.done).toBe(2);
    expect(again.err.join('\n')).toContain('gare/m1 already exists');
  });

  it('lists every invalid option at once', async () => {
    const r = run([
      'device',
      'add',
      '--site',
      'Town Hall',
      '--id',
      '',
      '--kind',
      'toaster',
      '--data-dir',
      tmp(),
    ]);
    expect(await r.done).toBe(2);
    const text = r.err.join('\n');
    expect(text).toContain('--site');
    expect(text).toContain('--id');
    expect(text).toContain('--kind');
  });

  it('rejects unknown options', async () => {
    const r = run([
      'device',
      'add',
      '--site',
      'a',
      '--id',
      'b',
      '--kind',
      'locker',
      '--password',
      'x',
    ]);
    expect(await r.done).toBe(2);
    expect(r.err.join('\n')).toContain("'--password'");
  });
});

describe('hameau broker', () => {
  // The registry case starts the broker before its database exists: the CLI creates it.
  it.each(['registry', 'file'] as const)(
    'authenticates a device the CLI adds while it runs, without a restart (%s)',
    async (source) => {
      const dir = tmp();
      const { signal: stopSignal, stop } = stopper();
      const env = {
        HAMEAU_DATA_DIR: dir,
        HAMEAU_MQTT_HOST: '127.0.0.1',
        HAMEAU_MQTT_PORT: '0',
        HAMEAU_MQTT_WS_PORT: 'off',
        HAMEAU_BROKER_HTTP_PORT: 'off',
        HAMEAU_LOG_LEVEL: 'silent',
        ...(source === 'file' && { HAMEAU_BROKER_CREDENTIALS: 'file' }),
      };
      const broker = run(['broker'], env, stopSignal);
      await expect.poll(() => broker.out.join('\n')).toContain('broker listening');
      const port = Number(/:(\d+)/.exec(broker.out[0] ?? '')?.[1]);
      if (source === 'registry') {
        expect(broker.out[1]).toBe(`accounts: registry in ${join(dir, 'hameau.sqlite')}`);
        expect(broker.err.join('\n')).toContain(`${join(dir, 'hameau.sqlite')} does not exist yet`);
      } else {
        expect(broker.out[1]).toBe(`accounts: credential file ${join(dir, 'credentials.json')}`);
        expect(broker.err).toEqual([]);
      }

      const added = run(
        ['device', 'add', '--site', 'ecole', '--id', 'lights', '--kind', 'lighting'],
        env,
      );
      expect(await added.done).toBe(0);
      const password =
        added.out
          .find((l) => l.includes('MQTT password'))
          ?.split(/\s+/)
          .pop() ?? '';
      const client = await connectAsync(`mqtt://127.0.0.1:${port}`, {
        username: 'ecole/lights',
        password,
        clientId: 'ecole/lights',
        reconnectPeriod: 0,
      });
      await client.publishAsync(
        TOPICS.telemetry.build({ site: 'ecole', device: 'lights', stream: 'x' }),
        '{}',
        { qos: 1 },
      );
      await client.endAsync();

      const removed = run(['device', 'remove', '--site', 'ecole', '--id', 'lights'], env);
      expect(await removed.done).toBe(0);
      await expect(
        connectAsync(`mqtt://127.0.0.1:${port}`, {
          username: 'ecole/lights',
          password,
          clientId: 'ecole/lights',
          reconnectPeriod: 0,
        }),
      ).rejects.toMatchObject({ code: 4 });

      stop('SIGTERM');
      expect(await broker.done).toBe(0);
    },
  );

  it('names the variable to change when the port is taken', async () => {
    const dir = tmp();
    const { signal, stop } = stopper();
    const first = run(
      ['broker'],
      {
        HAMEAU_DATA_DIR: dir,
        HAMEAU_MQTT_HOST: '127.0.0.1',
        HAMEAU_MQTT_PORT: '0',
        HAMEAU_MQTT_WS_PORT: 'off',
        HAMEAU_BROKER_HTTP_PORT: 'off',
      },
      signal,
    );
    await expect.poll(() => first.out.join('\n')).toContain('broker listening');
    const port = /:(\d+)/.exec(first.out[0] ?? '')?.[1] ?? '';
    const second = run(['broker'], {
      HAMEAU_DATA_DIR: dir,
      HAMEAU_MQTT_HOST: '127.0.0.1',
      HAMEAU_MQTT_PORT: port,
      HAMEAU_MQTT_WS_PORT: 'off',
      HAMEAU_BROKER_HTTP_PORT: 'off',
    });
    expect(await second.done).toBe(2);
    expect(second.err.join('\n')).toContain(
      `port ${port} on 127.0.0.1 is already in use; set HAMEAU_MQTT_PORT`,
    );
    stop('SIGTERM');
    expect(await first.done).toBe(0);
  });

  it('reports every bad environment variable by name', async () => {
    const r = run(['broker'], {
      HAMEAU_MQTT_PORT: 'eighteen',
      REDIS_URL: 'http://x',
      HAMEAU_TLS_CERT: '/x.pem',
    });
    expect(await r.done).toBe(2);
    const text = r.err.join('\n');
    expect(text).toContain('HAMEAU_MQTT_PORT');
    expect(text).toContain('REDIS_URL');
    expect(text).toContain('HAMEAU_TLS_KEY');
  });
});

it('prints usage for an unknown command', async () => {
  const r = run(['fly']);
  expect(await r.done).toBe(2);
  expect(r.err.join('\n')).toContain('usage: hameau <command>');
});

it('says where identities live in --help', async () => {
  const r = run(['--help']);
  expect(await r.done).toBe(0);
  const text = r.out.join('\n');
  expect(text).toContain('usage: hameau <command>');
  expect(text).toContain('<data dir>/hameau.sqlite');
  expect(text).toContain('--credentials-file FILE');
  expect(r.err).toEqual([]);
});
