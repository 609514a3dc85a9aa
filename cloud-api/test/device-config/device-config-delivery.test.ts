import { afterEach, describe, expect, it, vi } from 'vitest';
import { DesiredConfigPayload, TOPICS } from '@hameau/protocol';
import { listAudit } from '../../src/audit/audit-store.js';
import { deviceConfigStore } from '../../src/device-config/device-config-store.js';
import { capturedLog } from '../helpers/captured-log.js';
import { DIALECTS } from '../helpers/test-database.js';
import { HeldPublisher } from './held-publisher.js';
import {
  LOCKERS,
  METERS,
  createConfigTestApp,
  type ConfigTestApp,
  type ErrorJson,
} from './device-config-test-app.js';

const CALENDAR = { modules: { lighting: { calendar: [{ from: '2026-12-01', dim: 40 }] } } };

describe.each(DIALECTS)('desired config delivery (%s)', (dialect) => {
  let c: ConfigTestApp | undefined;
  const start = async (opts: Parameters<typeof createConfigTestApp>[1] = {}) => {
    c = await createConfigTestApp(dialect, opts);
    return c;
  };
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  /** The versions published to a device, in order. */
  const versionsTo = (app: ConfigTestApp, key: { site: string; device: string }) =>
    app.publisher.published
      .filter((p) => p.topic === TOPICS.desiredConfig.build(key))
      .map((p) => (p.payload as { version: number }).version);

  it('publishes at once when connected: a retained DesiredConfigPayload on its topic', async () => {
    const app = await start({ connected: true });
    const res = await app.put({ config: CALENDAR });
    expect(res.status).toBe(200);
    expect(res.body.desired).toMatchObject({ version: 1, publishedAt: '2026-11-25T12:00:00.000Z' });
    expect(app.publisher.published).toHaveLength(1);
    const [message] = app.publisher.published;
    expect(message?.topic).toBe(TOPICS.desiredConfig.build(LOCKERS));
    expect(message?.topic).toBe('hameau/v1/gare/lockers-1/config');
    expect(message?.options).toEqual({ qos: 1, retain: true });
    expect(DesiredConfigPayload.parse(message?.payload)).toEqual({
      version: 1,
      issuedAt: '2026-11-25T12:00:00.000Z',
      config: CALENDAR,
    });
    expect((await app.get()).desired?.publishedAt).toBe('2026-11-25T12:00:00.000Z');
  });

  it('keeps a change unpublished while disconnected, and publishes it at the next connection', async () => {
    const app = await start({ connected: false });
    const res = await app.put({ config: CALENDAR });
    expect(res.status).toBe(200);
    expect(res.body.desired).toMatchObject({ version: 1, publishedAt: null });
    expect(app.publisher.published).toEqual([]);

    await app.t.clock.advance(30_000);
    app.publisher.connect();
    await vi.waitFor(async () => {
      expect((await app.get()).desired?.publishedAt).toBe('2026-11-25T12:00:30.000Z');
    });
    expect(versionsTo(app, LOCKERS)).toEqual([1]);
    expect(DesiredConfigPayload.parse(app.publisher.published[0]?.payload).config).toEqual(
      CALENDAR,
    );
  });

  it('keeps a change unpublished when the broker does not acknowledge it', async () => {
    const app = await start({ connected: true });
    app.publisher.failing = true;
    const res = await app.put({ config: CALENDAR });
    expect(res.status).toBe(200);
    expect(res.body.desired?.publishedAt).toBeNull();
    app.publisher.failing = false;
    app.publisher.connect();
    await vi.waitFor(async () => {
      expect((await app.get()).desired?.publishedAt).not.toBeNull();
    });
    expect(versionsTo(app, LOCKERS)).toEqual([1]);
  });

  it('re-publishes every device’s latest version at each connection, unpublished ones first', async () => {
    const app = await start({ connected: true });
    await app.put({ config: { v: 1 } });
    await app.put({ config: { v: 2 } });
    app.publisher.disconnect();
    await app.put({ config: { v: 1 } }, { key: METERS });
    app.publisher.published.length = 0;

    app.publisher.connect();
    await vi.waitFor(() => {
      expect(app.publisher.published).toHaveLength(2);
    });
    // The meters' version was never published: it goes first. Only latest versions go.
    expect(app.publisher.published.map((p) => p.topic)).toEqual([
      TOPICS.desiredConfig.build(METERS),
      TOPICS.desiredConfig.build(LOCKERS),
    ]);
    expect(versionsTo(app, LOCKERS)).toEqual([2]);
    for (const p of app.publisher.published) {
      expect(p.options.retain).toBe(true);
      expect(DesiredConfigPayload.safeParse(p.payload).success).toBe(true);
    }
    await vi.waitFor(async () => {
      expect((await app.get(METERS)).desired?.publishedAt).not.toBeNull();
    });

    // A later reconnect (a broker restarted without persistence) publishes them all again.
    app.publisher.published.length = 0;
    app.publisher.disconnect();
    app.publisher.connect();
    await vi.waitFor(() => {
      expect(app.publisher.published).toHaveLength(2);
    });
    expect(versionsTo(app, LOCKERS)).toEqual([2]);
    expect(versionsTo(app, METERS)).toEqual([1]);
  });

  it('publishes the latest versions at start when the broker is already connected', async () => {
    const app = await start({ connected: false });
    await app.put({ config: CALENDAR });
    app.publisher.connected = true;
    await app.restart();
    await vi.waitFor(async () => {
      expect((await app.get()).desired?.publishedAt).not.toBeNull();
    });
    expect(versionsTo(app, LOCKERS)).toEqual([1]);
  });

  it('re-publishes the latest version on resync, audited', async () => {
    const app = await start({ connected: true });
    await app.put({ config: { v: 1 } });
    await app.put({ config: CALENDAR });
    await app.t.clock.advance(5_000);
    const res = await app.resync();
    expect(res.status).toBe(200);
    expect(res.body.desired).toMatchObject({
      version: 2,
      config: CALENDAR,
      publishedAt: '2026-11-25T12:00:05.000Z',
    });
    expect(versionsTo(app, LOCKERS)).toEqual([1, 2, 2]);
    expect(app.publisher.published.at(-1)?.options).toEqual({ qos: 1, retain: true });
    const [audit] = await listAudit(app.t.database.db, { limit: 1 });
    expect(audit).toMatchObject({
      actor: 'technician',
      action: 'device-config.resync',
      subject: 'gare/lockers-1',
      details: { version: 2 },
    });
  });

  it('answers a resync 503 MQTT_UNAVAILABLE while disconnected, unaudited', async () => {
    const app = await start({ connected: false });
    await app.put({ config: CALENDAR });
    const res = await app.resync();
    expect(res.status).toBe(503);
    expect((res.body as unknown as ErrorJson).error.code).toBe('MQTT_UNAVAILABLE');
    expect(app.publisher.published).toEqual([]);
    const [audit] = await listAudit(app.t.database.db, { limit: 1 });
    expect(audit?.action).toBe('device-config.set');
  });

  it('has nothing to resync for a device without a desired configuration', async () => {
    const app = await start({ connected: true });
    const res = await app.resync({ key: METERS });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ desired: null, reported: null, inSync: true });
    expect(app.publisher.published).toEqual([]);
  });

  it('publishes a device’s versions one at a time, the newest last', async () => {
    const publisher = new HeldPublisher(true);
    const app = await start({ publisher });
    await app.put({ config: { v: 1 } });
    publisher.hold = true;
    // A resync reads version 1 and waits for the broker; a change to version 2 and another
    // resync come meanwhile.
    const resync = app.resync();
    await vi.waitFor(() => {
      expect(publisher.pending).toBe(1);
    });
    const change = app.put({ config: { v: 2 } });
    const again = app.resync();
    await vi.waitFor(async () => {
      expect(await deviceConfigStore.latestVersion(app.t.database.db, LOCKERS)).toBe(2);
    });
    // Nothing else is handed to the broker while the first publish is unacknowledged.
    expect(publisher.pending).toBe(1);
    publisher.hold = false;
    publisher.release();
    const answers = await Promise.all([resync, change, again]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(versionsTo(app, LOCKERS)).toEqual([1, 1, 2, 2]);
    expect((await app.get()).desired?.version).toBe(2);
  });

  it('logs versions and sizes, never configuration values', async () => {
    const captured = capturedLog();
    const secret = 'modbus-gateway-secret-93';
    const app = await start({ connected: true, log: captured.log });
    await app.put({ config: { modules: { metering: { password: secret } } } });
    await app.resync();
    const lines = captured
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['domain'] === 'device-config');
    expect(lines.map((l) => l['msg'])).toEqual(
      expect.arrayContaining([
        'desired config set',
        'desired config published',
        'desired config resync',
      ]) as string[],
    );
    expect(lines.find((l) => l['msg'] === 'desired config published')).toMatchObject({
      site: 'gare',
      device: 'lockers-1',
      version: 1,
      bytes: expect.any(Number) as number,
    });
    expect(captured.text()).not.toContain(secret);
  });
});
