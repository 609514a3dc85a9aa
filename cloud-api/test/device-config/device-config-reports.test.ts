import { afterEach, describe, expect, it } from 'vitest';
import { capturedLog } from '../helpers/captured-log.js';
import { DIALECTS } from '../helpers/test-database.js';
import { METERS, createConfigTestApp, type ConfigTestApp } from './device-config-test-app.js';

const REASON = 'modules.lighting.zones.0.dim: must be at most 100';

describe.each(DIALECTS)('reported config state (%s)', (dialect) => {
  let c: ConfigTestApp | undefined;
  const start = async (opts: Parameters<typeof createConfigTestApp>[1] = {}) => {
    c = await createConfigTestApp(dialect, opts);
    return c;
  };
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  it('is in sync once the device reports running the latest version', async () => {
    const app = await start({ connected: true });
    await app.put({ config: { modules: {} } });
    await app.put({ config: { modules: { lighting: {} } } });
    expect(await app.get()).toMatchObject({ reported: null, inSync: false });

    await app.t.clock.advance(2_000);
    await app.dispatch([app.reported({ configVersion: 1, at: '2026-11-25T12:00:01.500Z' })]);
    expect(await app.get()).toMatchObject({
      desired: { version: 2 },
      reported: { configVersion: 1, rejected: null, at: '2026-11-25T12:00:01.500Z' },
      inSync: false,
    });

    await app.dispatch([app.reported({ configVersion: 2 })]);
    expect(await app.get()).toMatchObject({
      reported: { configVersion: 2, rejected: null, at: '2026-11-25T12:00:02.000Z' },
      inSync: true,
    });
    // The other device is untouched.
    expect((await app.get(METERS)).reported).toBeNull();
  });

  it('shows the rejected version with its reason, out of sync, until a newer one runs', async () => {
    const app = await start({ connected: true });
    await app.put({ config: { modules: {} } });
    await app.dispatch([app.reported({ configVersion: 1 })]);
    await app.put({ config: { modules: { lighting: { zones: [{ dim: 140 }] } } } });
    await app.dispatch([
      app.reported({ configVersion: 1, rejected: { version: 2, reason: REASON } }),
    ]);
    expect(await app.get()).toMatchObject({
      desired: { version: 2 },
      reported: { configVersion: 1, rejected: { version: 2, reason: REASON } },
      inSync: false,
    });

    await app.put({ config: { modules: { lighting: { zones: [{ dim: 40 }] } } } });
    await app.dispatch([app.reported({ configVersion: 3 })]);
    expect(await app.get()).toMatchObject({
      reported: { configVersion: 3, rejected: null },
      inSync: true,
    });
  });

  it('changes nothing when the same report is handed over again, or an older one late', async () => {
    const captured = capturedLog();
    const app = await start({ connected: true, log: captured.log });
    await app.put({ config: {} });
    await app.put({ config: { a: 1 } });
    const rejection = app.reported({ configVersion: 1, rejected: { version: 2, reason: REASON } });
    await app.dispatch([rejection]);
    const first = await app.get();

    // The same batch again (after an API crash), and the retained report again at a reconnect.
    await app.dispatch([rejection]);
    await app.t.clock.advance(60_000);
    await app.dispatch([{ ...rejection, receivedAt: app.t.clock.now() }]);
    expect(await app.get()).toEqual(first);

    await app.dispatch([app.reported({ configVersion: 2 })]);
    // An older batch handed over after the newer one does not roll the report back.
    await app.dispatch([rejection]);
    expect(await app.get()).toMatchObject({ reported: { configVersion: 2 }, inSync: true });

    const rows = await app.t.database.db.selectFrom('device_config_reports').selectAll().execute();
    expect(rows).toHaveLength(1);
    const messages = captured
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; domain?: string })
      .filter((l) => l.domain === 'device-config')
      .map((l) => l.msg);
    expect(messages.filter((m) => m === 'device rejected a desired config')).toHaveLength(1);
    expect(messages.filter((m) => m === 'device runs a new config version')).toHaveLength(2);
    expect(captured.text()).not.toContain(REASON);
  });

  it('keeps the last report of a device within one batch', async () => {
    const app = await start();
    await app.put({ config: {} });
    await app.put({ config: {} });
    await app.dispatch([
      app.reported({ configVersion: null }),
      app.reported({ configVersion: 2 }, METERS),
      app.reported({ configVersion: 1 }),
    ]);
    expect((await app.get()).reported?.configVersion).toBe(1);
    expect(await app.get(METERS)).toMatchObject({
      desired: null,
      reported: { configVersion: 2 },
      inSync: false,
    });
  });

  it('skips reports of devices not in the registry without failing the batch', async () => {
    const app = await start();
    await expect(
      app.dispatch([
        app.reported({ configVersion: 3 }, { site: 'gare', device: 'ghost' }),
        app.reported({ configVersion: null }),
      ]),
    ).resolves.toBeUndefined();
    expect((await app.get()).reported).toMatchObject({ configVersion: null, rejected: null });
    expect(await app.get()).toMatchObject({ desired: null, inSync: true });
  });

  it('numbers a new version above the one the device runs, so the device applies it', async () => {
    // A cloud database restored from an older backup: the device runs a version it lacks.
    const app = await start();
    await app.put({ config: { old: true } });
    await app.dispatch([app.reported({ configVersion: 5 })]);
    expect(await app.get()).toMatchObject({ desired: { version: 1 }, inSync: false });
    const res = await app.put({ config: { fresh: true }, baseVersion: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ desired: { version: 6 }, inSync: false });
    const history = await app.versions();
    expect(history.body.versions.map((v) => v.version)).toEqual([6, 1]);
  });
});
