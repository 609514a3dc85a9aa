import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HameauError } from '@hameau/protocol';
import { parseApiConfig } from '../src/config.js';
import { startApiServer, type RunningApi } from '../src/server.js';
import { capturedLog } from './helpers/captured-log.js';
import { createTestDatabase } from './helpers/test-database.js';

describe('startApiServer', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'hameau-api-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    return dir;
  };
  const start = async (input: object, log = capturedLog().log): Promise<RunningApi> => {
    const api = await startApiServer(parseApiConfig({ host: '127.0.0.1', port: 0, ...input }), {
      log,
    });
    cleanups.push(() => api.close());
    return api;
  };

  it('serves on a real socket with the embedded database and a bootstrap admin token', async () => {
    const dataDir = tempDir();
    const captured = capturedLog();
    const api = await start({ dataDir }, captured.log);
    expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
    expect(api.database.dialect).toBe('sqlite');
    expect(statSync(join(dataDir, 'hameau.sqlite')).isFile()).toBe(true);

    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);

    const tokenFile = join(dataDir, 'admin-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(captured.text()).toContain(tokenFile);
    expect(captured.text()).not.toContain(token);
    const res = await fetch(`${api.url}/api/v1/devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'town-hall', device: 'lockers-1', kind: 'locker' }),
    });
    expect(res.status).toBe(201);
  });

  it('keeps its admin token across restarts', async () => {
    const dataDir = tempDir();
    const first = await start({ dataDir });
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8');
    await first.close();
    rmSync(join(dataDir, 'admin-token'));
    const second = await start({ dataDir });
    expect(() => statSync(join(dataDir, 'admin-token'))).toThrow();
    const res = await fetch(`${second.url}/api/v1/tokens`, {
      headers: { authorization: `Bearer ${token.trim()}` },
    });
    expect(res.status).toBe(200);
  });

  it('names HAMEAU_API_PORT when the port is taken, and releases the database', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          blocker.close(() => {
            resolve();
          });
        }),
    );
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : -1;

    const dataDir = tempDir();
    const err: unknown = await start({ dataDir, port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HameauError);
    expect((err as HameauError).message).toContain(`port ${port}`);
    expect((err as HameauError).message).toContain('HAMEAU_API_PORT');
    // SQLite removes the WAL file when its last connection closes: nothing was left open.
    expect(existsSync(join(dataDir, 'hameau.sqlite'))).toBe(true);
    expect(existsSync(join(dataDir, 'hameau.sqlite-wal'))).toBe(false);
    const api = await start({ dataDir });
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });

  it('runs on PostgreSQL when given a database URL', async () => {
    const pg = await createTestDatabase('postgres', { migrate: false });
    cleanups.push(() => pg.drop());
    const api = await start({ dataDir: tempDir(), databaseUrl: pg.url });
    expect(api.database.dialect).toBe('postgres');
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const tables = await pg.db.introspection.getTables();
    expect(tables.map((x) => x.name)).toContain('devices');
  });
});
