import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS } from '../helpers/test-database.js';
import {
  BANK,
  createLockerTestApp,
  type CreatedJson,
  type LockerTestApp,
} from './lockers-test-app.js';

const MINUTE = 60_000;

interface BankJson {
  boxes: { number: number; state: string }[];
}

describe.each(DIALECTS)('reservation lifecycle (%s)', (dialect) => {
  let l: LockerTestApp;

  beforeEach(async () => {
    l = await createLockerTestApp(dialect);
  });
  afterEach(async () => {
    await l.close();
  });

  const boxState = async (n: number) =>
    (
      await l.request<BankJson>('GET', `/lockers/banks/${BANK}/boxes`, { who: 'technician' })
    ).body.boxes.find((b) => b.number === n)?.state;
  const credentialIds = () => l.lastSet().credentials.map((c) => c.id);
  const deposit = (c: CreatedJson, seq?: number) =>
    l.event(
      'parcel-deposited',
      { box: c.reservation.box, credential: `${c.reservation.id}-d` },
      seq === undefined ? {} : { seq },
    );
  const pickup = (c: CreatedJson, seq?: number) =>
    l.event(
      'parcel-picked-up',
      { box: c.reservation.box, credential: `${c.reservation.id}-p` },
      seq === undefined ? {} : { seq },
    );

  it('goes reserved → deposited → ready → picked up with the agent’s events', async () => {
    const c = (await l.reserve()).body;
    const id = c.reservation.id;
    const v0 = l.lastSet().version;

    await l.t.clock.advance(10 * MINUTE);
    await l.dispatch([deposit(c)]);
    let detail = await l.detail(id);
    // The notifier was called, so it is ready.
    expect(detail.reservation.state).toBe('ready');
    expect(detail.reservation.depositedAt).toBe(new Date(l.t.clock.now()).toISOString());
    expect(l.notifier.calls.map((n) => [n.kind, n.reservation.id, n.box.number])).toEqual([
      ['ready', id, 3],
    ]);
    expect(l.notifier.calls[0]?.reservation.state).toBe('deposited');
    expect(await boxState(3)).toBe('occupied');
    // The drop-off code is withdrawn; the pickup code stays.
    expect(l.lastSet().version).toBe(v0 + 1);
    expect(credentialIds()).toEqual([`${id}-p`]);

    await l.t.clock.advance(10 * MINUTE);
    await l.dispatch([
      l.event('code-accepted', {
        box: 3,
        credential: `${id}-p`,
        kind: 'pickup',
        terminal: 'kiosk-1',
      }),
      pickup(c),
    ]);
    detail = await l.detail(id);
    expect(detail.reservation.state).toBe('picked-up');
    expect(detail.reservation.pickedUpAt).toBe(new Date(l.t.clock.now()).toISOString());
    expect(await boxState(3)).toBe('available');
    expect(l.lastSet().version).toBe(v0 + 2);
    expect(credentialIds()).toEqual([]);
    expect(detail.history.map((h) => [h.event, h.actor])).toEqual([
      ['reserved', 'merchant'],
      ['deposited', 'device'],
      ['ready', 'system'],
      ['code-accepted', 'device'],
      ['picked-up', 'device'],
    ]);
    expect(detail.history[3]?.details).toEqual({ box: 3, kind: 'pickup', terminal: 'kiosk-1' });
  });

  it('changes nothing when a batch is handed over again, or events come out of order', async () => {
    const a = (await l.reserve()).body;
    const b = (await l.reserve({ size: 'S' })).body;
    const batch = [
      deposit(a, 100),
      l.event(
        'item-left-after-pickup',
        { box: 3, credential: `${a.reservation.id}-p` },
        { seq: 101 },
      ),
    ];
    await l.dispatch(batch);
    const published = l.publisher.published.length;
    const history = (await l.detail(a.reservation.id)).history;
    await l.dispatch(batch);
    await l.dispatch([deposit(a, 100)]);
    expect((await l.detail(a.reservation.id)).history).toEqual(history);
    expect(l.publisher.published.length).toBe(published);
    expect(l.notifier.calls).toHaveLength(1);

    // B's pickup is replayed before its deposit (the deposit still in the agent's outbox).
    await l.dispatch([pickup(b, 200)]);
    await l.dispatch([deposit(b, 199)]);
    const detail = await l.detail(b.reservation.id);
    expect(detail.reservation.state).toBe('picked-up');
    expect(detail.history.map((h) => h.event)).toEqual(['reserved', 'picked-up']);
    expect(await boxState(1)).toBe('available');
    expect(l.notifier.calls).toHaveLength(1);
  });

  it('ignores events that name no reservation of this bank and box', async () => {
    const c = (await l.reserve()).body;
    await l.dispatch([
      l.event('parcel-deposited', { box: 4, credential: `${c.reservation.id}-d` }),
      l.event('parcel-deposited', { box: 3, credential: `${c.reservation.id}-p` }),
      l.event('parcel-deposited', { box: 3, credential: 'rsv-nothing-d' }),
      l.event('parcel-deposited', { box: 3 }),
    ]);
    expect((await l.detail(c.reservation.id)).reservation.state).toBe('reserved');
  });

  it('keeps a deposited parcel that the notifier could not announce, and retries', async () => {
    const c = (await l.reserve()).body;
    l.notifier.failing = true;
    await l.dispatch([deposit(c)]);
    expect((await l.detail(c.reservation.id)).reservation.state).toBe('deposited');
    l.notifier.failing = false;
    // The sweeper (every 30 s) tries again.
    await l.t.clock.advance(30_000);
    await vi.waitFor(async () => {
      expect((await l.detail(c.reservation.id)).reservation.state).toBe('ready');
    });
    expect(l.notifier.calls.map((n) => n.kind)).toEqual(['ready']);
  });

  it('expires on the sweeper’s clock: an empty box is freed, a parcel stays', async () => {
    // Short windows, so the clock (and every domain's timers) moves minutes, not days.
    const now = l.t.clock.now();
    const iso = (ms: number) => new Date(now + ms).toISOString();
    const empty = (await l.reserve({ size: 'S', pickupFrom: iso(0), expiresAt: iso(60_000) })).body;
    const full = (await l.reserve({ size: 'M', pickupFrom: iso(0), expiresAt: iso(300_000) })).body;
    await l.dispatch([deposit(full)]);
    const version = l.lastSet().version;

    // Before the first expiry, no sweep expires anything.
    await l.t.clock.advance(59_000);
    expect((await l.detail(empty.reservation.id)).reservation.state).toBe('reserved');
    // The sweep every 30 s finds it at 60 s.
    await l.t.clock.advance(1_000);
    await vi.waitFor(async () => {
      expect((await l.detail(empty.reservation.id)).reservation.state).toBe('expired');
    });
    const e = await l.detail(empty.reservation.id);
    expect(e.reservation.finishedAt).toBe(iso(60_000));
    expect(await boxState(1)).toBe('available');
    await vi.waitFor(() => {
      expect(l.lastSet().version).toBe(version + 1);
    });
    expect(credentialIds()).toEqual([`${full.reservation.id}-p`]);
    // No parcel, no expiry notice.
    expect(l.notifier.calls.map((n) => n.kind)).toEqual(['ready']);

    // The parcel expires: its box stays occupied for the merchant.
    await l.t.clock.advance(240_000);
    await vi.waitFor(async () => {
      expect((await l.detail(full.reservation.id)).history.at(-1)?.event).toBe('expiry-notified');
    });
    const f = await l.detail(full.reservation.id);
    expect(f.reservation.state).toBe('expired');
    expect(f.history.map((h) => h.event)).toEqual([
      'reserved',
      'deposited',
      'ready',
      'expired',
      'expiry-notified',
    ]);
    expect(l.notifier.calls.map((n) => n.kind)).toEqual(['ready', 'expired']);
    expect(await boxState(3)).toBe('occupied');
    expect(credentialIds()).toEqual([]);
    // Not bookable meanwhile; the merchant's parcel is taken back and the door closed empty.
    expect((await l.reserve({ size: 'M' })).body.reservation.box).toBe(4);
    const closed = l.event('door-closed', { box: 3, itemPresent: false });
    await l.dispatch([closed]);
    expect(await boxState(3)).toBe('available');
    const returned = (await l.detail(full.reservation.id)).history;
    expect(returned.at(-1)).toMatchObject({ event: 'parcel-returned', actor: 'device' });
    await l.dispatch([closed]);
    expect((await l.detail(full.reservation.id)).history).toEqual(returned);
  });

  it('lets a technician say an expired parcel went back, freeing its box', async () => {
    const now = l.t.clock.now();
    const iso = (ms: number) => new Date(now + ms).toISOString();
    const c = (await l.reserve({ pickupFrom: iso(0), expiresAt: iso(30_000) })).body;
    await l.dispatch([deposit(c)]);
    await l.t.clock.advance(30_000);
    await vi.waitFor(async () => {
      expect((await l.detail(c.reservation.id)).history.at(-1)?.event).toBe('expiry-notified');
    });
    expect(await boxState(3)).toBe('occupied');
    const put = await l.request('PUT', `/lockers/banks/${BANK}/boxes/3`, {
      who: 'technician',
      body: { state: 'available', note: 'returned to the shop' },
    });
    expect(put.status).toBe(200);
    expect(await boxState(3)).toBe('available');
    expect((await l.detail(c.reservation.id)).history.at(-1)).toMatchObject({
      event: 'parcel-returned',
      actor: 'technician',
      details: { box: 3, note: 'returned to the shop' },
    });
  });

  it('catches up with expiries at start after a downtime', async () => {
    const c = (await l.reserve({ expiresAt: '2026-11-26T08:00:00.000Z' })).body;
    await l.app.close();
    // Down for a day: no timer runs (the app is closed), then the start-up sweep catches up.
    await l.t.clock.advanceTo(Date.parse('2026-11-27T08:00:00.000Z'));
    await l.restart();
    const detail = await l.detail(c.reservation.id);
    expect(detail.reservation.state).toBe('expired');
    expect(detail.reservation.finishedAt).toBe('2026-11-26T08:00:00.000Z');
  });

  it('raises an alarm for a parcel deposited after its reservation ended', async () => {
    const c = (await l.reserve()).body;
    await l.request('POST', `/lockers/reservations/${c.reservation.id}/cancel`, {
      who: 'merchant',
    });
    await l.dispatch([deposit(c, 300)]);
    await l.dispatch([deposit(c, 300)]);
    const detail = await l.detail(c.reservation.id);
    expect(detail.reservation.state).toBe('cancelled');
    expect(detail.history.map((h) => h.event)).toEqual(['reserved', 'cancelled', 'late-deposit']);
    expect(await boxState(3)).toBe('occupied');
    const alarms = await l.request<{
      alarms: { type: string; subject: string; occurrences: number }[];
    }>('GET', '/alarms', { who: 'technician' });
    expect(alarms.body.alarms.map((a) => [a.type, a.subject, a.occurrences])).toEqual([
      ['locker-unexpected-parcel', '3', 1],
    ]);
  });

  it('publishes pending sets when the broker connects', async () => {
    l.publisher.disconnect();
    const before = l.publisher.published.length;
    const c = (await l.reserve()).body;
    expect(c.reservation.state).toBe('reserved');
    expect(l.publisher.published.length).toBe(before);
    const bank = await l.request<{ credentials: { version: number; publishedVersion: number } }>(
      'GET',
      `/lockers/banks/${BANK}/boxes`,
      { who: 'technician' },
    );
    expect(bank.body.credentials.publishedVersion).toBe(bank.body.credentials.version - 1);
    const resync = await l.request('POST', `/lockers/banks/${BANK}/credentials/resync`, {
      who: 'technician',
    });
    expect(resync.status).toBe(503);

    l.publisher.connect();
    await vi.waitFor(() => {
      expect(l.publisher.published.length).toBe(before + 1);
    });
    expect(l.lastSet().version).toBe(bank.body.credentials.version);
    expect(credentialIds()).toEqual([`${c.reservation.id}-d`, `${c.reservation.id}-p`]);
    const again = await l.request<{ version: number; credentials: number }>(
      'POST',
      `/lockers/banks/${BANK}/credentials/resync`,
      { who: 'technician' },
    );
    expect(again.body).toEqual({ version: bank.body.credentials.version, credentials: 2 });
  });

  it('publishes every bank’s set at start when connected', async () => {
    await l.reserve();
    const set = l.lastSet();
    await l.restart();
    expect(l.lastSet()).toEqual(set);
    expect(l.sets().length).toBeGreaterThanOrEqual(2);
  });
});
