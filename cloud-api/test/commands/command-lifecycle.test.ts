import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS } from '../helpers/test-database.js';
import { METERS, createCommandsTestApp, type CommandsTestApp } from './commands-test-app.js';

describe.each(DIALECTS)('command lifecycle (%s)', (dialect) => {
  let c: CommandsTestApp | undefined;
  const start = async (connected = true) => {
    c = await createCommandsTestApp(dialect, { connected });
    return c;
  };
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  it('goes sent → delivered → succeeded on the device answers, and a replayed batch changes nothing', async () => {
    const { create, get, dispatch, result, t } = await start();
    const { body } = await create({ name: 'unlock', args: { box: 3 } });
    await t.clock.advance(200);
    const accepted = result(body.id, { status: 'accepted' });
    await dispatch([accepted]);
    expect(await get(body.id)).toMatchObject({
      state: 'delivered',
      stateAt: '2026-11-25T12:00:00.200Z',
      deliveredAt: '2026-11-25T12:00:00.200Z',
    });
    await t.clock.advance(300);
    const ok = result(body.id, { status: 'ok', data: { opened: true } });
    await dispatch([ok]);
    const done = await get(body.id);
    expect(done).toMatchObject({
      state: 'succeeded',
      stateAt: '2026-11-25T12:00:00.500Z',
      deliveredAt: '2026-11-25T12:00:00.200Z',
      finishedAt: '2026-11-25T12:00:00.500Z',
      result: { status: 'ok', data: { opened: true } },
      lateResult: null,
    });
    await t.clock.advance(1_000);
    await dispatch([accepted, ok]);
    expect(await get(body.id)).toEqual(done);
  });

  it('keeps a final outcome that arrives before the acknowledgement', async () => {
    const { create, get, dispatch, result } = await start();
    const { body } = await create({ name: 'unlock' });
    await dispatch([
      result(body.id, { status: 'error', error: { code: 'HARDWARE_FAILURE', message: 'jammed' } }),
      result(body.id, { status: 'accepted' }),
    ]);
    expect(await get(body.id)).toMatchObject({
      state: 'failed',
      result: { status: 'error', error: { code: 'HARDWARE_FAILURE', message: 'jammed' } },
    });
  });

  it('maps EXPIRED to expired, keeps the state on DUPLICATE, and ignores unknown ids', async () => {
    const { create, get, dispatch, result } = await start();
    const expired = (await create({ name: 'unlock' })).body;
    const running = (await create({ name: 'unlock' })).body;
    const foreign = (await create({ name: 'unlock' }, { key: METERS })).body;
    await dispatch([
      result(expired.id, { status: 'error', error: { code: 'EXPIRED', message: 'too late' } }),
      result(running.id, { status: 'error', error: { code: 'DUPLICATE', message: 'running' } }),
      result('cmd-never-issued', { status: 'ok' }),
      // The lockers cannot answer for the meters' command.
      result(foreign.id, { status: 'ok' }),
    ]);
    expect(await get(expired.id)).toMatchObject({
      state: 'expired',
      result: { status: 'error', error: { code: 'EXPIRED', message: 'too late' } },
    });
    expect(await get(running.id)).toMatchObject({ state: 'sent', result: null });
    expect(await get(foreign.id)).toMatchObject({ state: 'sent', result: null });
  });

  it('expires undelivered commands at their expiry and delivered ones after a grace', async () => {
    const { create, get, dispatch, result, t, publisher } = await start();
    publisher.failing = true;
    const queued = (await create({ name: 'unlock', ttlSeconds: 10 })).body;
    publisher.failing = false;
    const sent = (await create({ name: 'unlock', ttlSeconds: 10 })).body;
    const delivered = (await create({ name: 'unlock', ttlSeconds: 10 })).body;
    const succeeded = (await create({ name: 'unlock', ttlSeconds: 10 })).body;
    await dispatch([
      result(delivered.id, { status: 'accepted' }),
      result(succeeded.id, { status: 'ok' }),
    ]);
    const states = async () =>
      Promise.all([queued, sent, delivered, succeeded].map(async (x) => (await get(x.id)).state));

    await t.clock.advance(9_999);
    expect(await states()).toEqual(['queued', 'sent', 'delivered', 'succeeded']);
    await t.clock.advance(1);
    await vi.waitFor(async () => {
      expect(await states()).toEqual(['expired', 'expired', 'delivered', 'succeeded']);
    });
    expect(await get(sent.id)).toMatchObject({
      stateAt: '2026-11-25T12:00:10.000Z',
      finishedAt: '2026-11-25T12:00:10.000Z',
      result: null,
    });
    await t.clock.advance(25_000);
    expect((await get(delivered.id)).state).toBe('delivered');
    await t.clock.advance(5_000);
    await vi.waitFor(async () => {
      expect(await states()).toEqual(['expired', 'expired', 'expired', 'succeeded']);
    });
  });

  it('records what the device says after expiry or cancellation, keeping the state', async () => {
    const { create, get, dispatch, result, t } = await start();
    const swept = (await create({ name: 'unlock', ttlSeconds: 5 })).body;
    const cancelled = (await create({ name: 'unlock' })).body;
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/commands/${cancelled.id}/cancel`,
      headers: t.as('technician'),
    });
    await t.clock.advance(5_000);
    await vi.waitFor(async () => {
      expect((await get(swept.id)).state).toBe('expired');
    });
    await t.clock.advance(1_000);
    await dispatch([
      result(swept.id, { status: 'accepted' }),
      result(cancelled.id, { status: 'accepted' }),
    ]);
    await t.clock.advance(1_000);
    await dispatch([
      result(swept.id, { status: 'ok', data: { opened: true } }),
      result(cancelled.id, { status: 'error', error: { code: 'REFUSED', message: 'door open' } }),
      // Replayed acknowledgements do not hide the outcomes.
      result(swept.id, { status: 'accepted' }),
    ]);
    expect(await get(swept.id)).toMatchObject({
      state: 'expired',
      deliveredAt: '2026-11-25T12:00:06.000Z',
      result: null,
      lateResult: {
        status: 'ok',
        data: { opened: true },
        receivedAt: '2026-11-25T12:00:07.000Z',
      },
    });
    expect(await get(cancelled.id)).toMatchObject({
      state: 'cancelled',
      lateResult: {
        status: 'error',
        error: { code: 'REFUSED', message: 'door open' },
        receivedAt: '2026-11-25T12:00:07.000Z',
      },
    });
  });

  it('survives an API restart: states, results and the sweeper carry on', async () => {
    const { create, get, dispatch, result, t, restart } = await start();
    const queued = (await create({ name: 'unlock', ttlSeconds: 60 })).body;
    const delivered = (await create({ name: 'unlock', ttlSeconds: 60 })).body;
    const longLived = (await create({ name: 'unlock', ttlSeconds: 3_600 })).body;
    await dispatch([result(delivered.id, { status: 'accepted' })]);
    await t.app.inject({ method: 'GET', url: '/healthz' });

    // Down for a minute: nothing runs, then the start-up sweep catches up.
    await restart(async () => {
      await t.clock.advance(61_000);
    });
    expect(await get(queued.id)).toMatchObject({
      state: 'expired',
      stateAt: '2026-11-25T12:01:01.000Z',
    });
    expect((await get(delivered.id)).state).toBe('delivered');
    expect((await get(longLived.id)).state).toBe('sent');

    await dispatch([result(longLived.id, { status: 'ok' })]);
    expect((await get(longLived.id)).state).toBe('succeeded');
    await t.clock.advance(30_000);
    await vi.waitFor(async () => {
      expect((await get(delivered.id)).state).toBe('expired');
    });
  });
});
