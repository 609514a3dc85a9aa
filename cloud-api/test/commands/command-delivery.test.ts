import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommandPayload, TOPICS } from '@hameau/protocol';
import { capturedLog } from '../helpers/captured-log.js';
import { DIALECTS } from '../helpers/test-database.js';
import {
  LOCKERS,
  METERS,
  createCommandsTestApp,
  type CommandsTestApp,
} from './commands-test-app.js';

const PICKUP_CODE = '739154';

describe.each(DIALECTS)('command delivery (%s)', (dialect) => {
  let c: CommandsTestApp | undefined;
  const start = async (opts: Parameters<typeof createCommandsTestApp>[1] = {}) => {
    c = await createCommandsTestApp(dialect, opts);
    return c;
  };
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  it('publishes at once when connected: a valid CommandPayload on its TOPICS.command topic', async () => {
    const { create, publisher, get } = await start({ connected: true });
    const res = await create({ name: 'unlock', args: { box: 3 }, ttlSeconds: 90 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      state: 'sent',
      attempts: 1,
      sentAt: '2026-11-25T12:00:00.000Z',
    });
    expect(publisher.published).toHaveLength(1);
    const [message] = publisher.published;
    expect(TOPICS.command.match(message?.topic ?? '')).toEqual({ ...LOCKERS, name: 'unlock' });
    expect(message?.options).toEqual({ qos: TOPICS.command.qos, retain: TOPICS.command.retain });
    expect(CommandPayload.parse(message?.payload)).toEqual({
      id: res.body.id,
      issuedAt: '2026-11-25T12:00:00.000Z',
      expiresAt: '2026-11-25T12:01:30.000Z',
      issuedBy: 'technician',
      args: { box: 3 },
    });
    expect(message?.payload).toEqual(CommandPayload.parse(message?.payload));
    expect((await get(res.body.id)).state).toBe('sent');
  });

  it('accepts the command and keeps it queued when the publish fails', async () => {
    const { create, publisher } = await start({ connected: true });
    publisher.failing = true;
    const res = await create({ name: 'unlock' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'queued', attempts: 1, sentAt: null });
  });

  it('gets a command issued while offline to the device on reconnect, if not expired', async () => {
    const { create, publisher, get, t } = await start({ connected: false });
    const { body } = await create({ name: 'unlock', ttlSeconds: 60 });
    expect(body).toMatchObject({ state: 'queued', attempts: 0 });
    await t.clock.advance(30_000);
    publisher.connect();
    await vi.waitFor(async () => {
      expect((await get(body.id)).state).toBe('sent');
    });
    expect(publisher.ids()).toEqual([body.id]);
    expect((await get(body.id)).sentAt).toBe('2026-11-25T12:00:30.000Z');
  });

  it('never publishes a command after its expiry, even before the sweeper marks it', async () => {
    const { create, publisher, get, t, dispatch, birth } = await start({ connected: false });
    const late = (await create({ name: 'unlock', ttlSeconds: 1 })).body;
    const fresh = (await create({ name: 'unlock', ttlSeconds: 60 })).body;
    // Expired now, and the sweeper (every 5 s) has not run yet: the row still says queued.
    await t.clock.advance(1_000);
    expect((await get(late.id)).state).toBe('queued');
    publisher.connect();
    await vi.waitFor(async () => {
      expect((await get(fresh.id)).state).toBe('sent');
    });
    await dispatch([birth()]);
    expect(publisher.ids()).toEqual([fresh.id, fresh.id]);
    await t.clock.advance(4_000);
    await vi.waitFor(async () => {
      expect((await get(late.id)).state).toBe('expired');
    });
    await dispatch([birth()]);
    publisher.connect();
    expect(publisher.ids()).not.toContain(late.id);
  });

  it('re-publishes a device’s unanswered commands at its birth, and nothing else', async () => {
    const { create, publisher, get, t, dispatch, birth, result } = await start({
      connected: true,
    });
    const sent = (await create({ name: 'unlock', args: { box: 1 } })).body;
    const delivered = (await create({ name: 'unlock', args: { box: 2 } })).body;
    const succeeded = (await create({ name: 'unlock', args: { box: 3 } })).body;
    const cancelled = (await create({ name: 'unlock', args: { box: 4 } })).body;
    const expiring = (await create({ name: 'unlock', ttlSeconds: 1 })).body;
    const otherDevice = (await create({ name: 'read' }, { key: METERS })).body;
    publisher.failing = true;
    await t.clock.advance(100); // issued later: re-sent after the others, in issue order
    const queued = (await create({ name: 'unlock', args: { box: 5 } })).body;
    publisher.failing = false;
    await dispatch([
      result(delivered.id, { status: 'accepted' }),
      result(succeeded.id, { status: 'ok' }),
    ]);
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/commands/${cancelled.id}/cancel`,
      headers: t.as('technician'),
    });
    await t.clock.advance(1_000);
    publisher.published.length = 0;

    await dispatch([birth(LOCKERS, 2)]);
    expect(publisher.ids()).toEqual([sent.id, queued.id]);
    expect(await get(queued.id)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(await get(sent.id)).toMatchObject({
      state: 'sent',
      attempts: 2,
      sentAt: '2026-11-25T12:00:01.100Z',
    });
    for (const id of [delivered.id, succeeded.id, cancelled.id, expiring.id, otherDevice.id]) {
      expect(publisher.ids()).not.toContain(id);
    }
    // An offline status releases nothing.
    await dispatch([birth(LOCKERS, 2, 'offline')]);
    expect(publisher.ids()).toHaveLength(2);
  });

  it('does not re-send a command answered earlier in the same batch as the birth', async () => {
    const { create, publisher, dispatch, birth, result, get } = await start({ connected: true });
    const a = (await create({ name: 'unlock' })).body;
    const b = (await create({ name: 'unlock' })).body;
    publisher.published.length = 0;
    await dispatch([result(a.id, { status: 'accepted' }), birth()]);
    expect(publisher.ids()).toEqual([b.id]);
    expect((await get(a.id)).state).toBe('delivered');
  });

  it('publishes queued commands at start when the broker is already connected', async () => {
    const { create, publisher, restart, get } = await start({ connected: false });
    const { body } = await create({ name: 'unlock' });
    publisher.connected = true;
    await restart();
    await vi.waitFor(async () => {
      expect((await get(body.id)).state).toBe('sent');
    });
    expect(publisher.ids()).toEqual([body.id]);
  });

  it('logs commands with their ids and never their arguments', async () => {
    const captured = capturedLog();
    const { create, dispatch, result } = await start({ connected: true, log: captured.log });
    const { body } = await create({ name: 'unlock', args: { box: 3, code: PICKUP_CODE } });
    await dispatch([
      result(body.id, { status: 'accepted' }),
      result(body.id, { status: 'ok', data: { code: PICKUP_CODE } }),
    ]);
    const lines = captured
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['domain'] === 'commands');
    expect(lines.map((l) => l['msg'])).toEqual(
      expect.arrayContaining([
        'command queued',
        'command sent',
        'command delivered',
        'command succeeded',
      ]) as string[],
    );
    expect(lines.find((l) => l['msg'] === 'command sent')).toMatchObject({
      site: 'gare',
      device: 'lockers-1',
      id: body.id,
      command: 'unlock',
    });
    expect(captured.text()).not.toContain(PICKUP_CODE);
  });
});
