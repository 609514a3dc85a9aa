import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PICKUP_CODE_DIGITS, TOPICS } from '@hameau/protocol';
import { hashPickupCode } from '@hameau/protocol/pickup-code';
import { isUniqueViolation } from '../../src/storage/unique-violation.js';
import { DIALECTS } from '../helpers/test-database.js';
import {
  BANK,
  LOCKERS,
  createLockerTestApp,
  type CreatedJson,
  type ErrorJson,
  type LockerTestApp,
  type ReservationJson,
} from './lockers-test-app.js';

interface BankJson {
  boxes: { number: number; size: string; state: string }[];
  credentials: { version: number; publishedVersion: number | null };
}

describe.each(DIALECTS)('reservations (%s)', (dialect) => {
  let l: LockerTestApp;

  beforeEach(async () => {
    l = await createLockerTestApp(dialect);
  });
  afterEach(async () => {
    await l.close();
  });

  const boxes = async () =>
    (await l.request<BankJson>('GET', `/lockers/banks/${BANK}/boxes`, { who: 'technician' })).body;
  const stateOf = async (n: number) => (await boxes()).boxes.find((b) => b.number === n)?.state;

  it('answers the two codes once and stores only their keyed hashes', async () => {
    const { status, body } = await l.reserve({
      reference: 'cmd-2026-0042',
      recipient: { email: 'anne@example.org', name: 'Anne' },
    });
    expect(status).toBe(201);
    const { pickupCode, dropoffCode, reservation } = body;
    expect(pickupCode).toMatch(new RegExp(`^[0-9]{${PICKUP_CODE_DIGITS}}$`));
    expect(dropoffCode).toMatch(new RegExp(`^[0-9]{${PICKUP_CODE_DIGITS}}$`));
    expect(pickupCode).not.toBe(dropoffCode);
    expect(reservation).toMatchObject({
      bank: BANK,
      box: 3,
      size: 'M',
      merchant: 'merchant',
      reference: 'cmd-2026-0042',
      state: 'reserved',
      recipient: { email: 'anne@example.org', name: 'Anne' },
    });

    // The row has the hashes under the bank's key, and no code anywhere in the database.
    const row = await l.t.database.db
      .selectFrom('locker_reservations')
      .selectAll()
      .where('id', '=', reservation.id)
      .executeTakeFirstOrThrow();
    expect(row.pickup_code_hash).toBe(hashPickupCode(l.bankKey, pickupCode));
    expect(row.dropoff_code_hash).toBe(hashPickupCode(l.bankKey, dropoffCode));
    const everything = JSON.stringify([
      row,
      await l.t.database.db.selectFrom('locker_reservation_history').selectAll().execute(),
      await l.t.database.db.selectFrom('locker_banks').selectAll().execute(),
      await l.t.database.db.selectFrom('audit_log').selectAll().execute(),
    ]);
    expect(everything).not.toContain(pickupCode);
    expect(everything).not.toContain(dropoffCode);

    // Reading it back never shows a code.
    const again = await l.request<Record<string, unknown>>(
      'GET',
      `/lockers/reservations/${reservation.id}`,
      { who: 'merchant' },
    );
    expect(again.status).toBe(200);
    expect(JSON.stringify(again.body)).not.toContain(pickupCode);
    expect(JSON.stringify(again.body)).not.toContain(dropoffCode);
    expect(Object.keys(again.body).sort()).toEqual(['history', 'reservation']);
  });

  it('publishes the full set, retained, whose hashes match the returned codes', async () => {
    const before = l.lastSet().version;
    const { body } = await l.reserve({ pickupFrom: '2026-11-25T17:00:00.000Z' });
    const published = l.publisher.published.at(-1);
    expect(published?.topic).toBe(TOPICS.credentials.build(LOCKERS));
    expect(published?.options).toEqual({ qos: 1, retain: true });
    const set = l.lastSet();
    expect(set.version).toBe(before + 1);
    expect(set.hashKey).toBe(l.bankKey.toString('base64url'));
    const now = new Date(l.t.clock.now()).toISOString();
    expect(set.credentials).toEqual([
      {
        id: `${body.reservation.id}-d`,
        kind: 'dropoff',
        box: 3,
        codeHash: hashPickupCode(l.bankKey, body.dropoffCode),
        validFrom: now,
        expiresAt: body.reservation.expiresAt,
      },
      {
        id: `${body.reservation.id}-p`,
        kind: 'pickup',
        box: 3,
        codeHash: hashPickupCode(l.bankKey, body.pickupCode),
        validFrom: '2026-11-25T17:00:00.000Z',
        expiresAt: body.reservation.expiresAt,
      },
    ]);
    // The agent gets the key from the set and checks a typed code offline.
    expect(hashPickupCode(Buffer.from(set.hashKey, 'base64url'), body.pickupCode)).toBe(
      set.credentials[1]?.codeHash,
    );
    expect((await boxes()).credentials).toEqual({
      version: set.version,
      publishedVersion: set.version,
      issuedAt: now,
    });
  });

  it('defaults to 21:00 town time and three days to collect', async () => {
    // The test clock is 2026-11-25 12:00 UTC, 13:00 in Paris.
    const { body } = await l.reserve();
    expect(body.reservation.pickupFrom).toBe('2026-11-25T20:00:00.000Z');
    expect(body.reservation.expiresAt).toBe('2026-11-28T20:00:00.000Z');
  });

  it('chooses the lowest-numbered free box of the size and never upsizes unasked', async () => {
    const got: number[] = [];
    for (let i = 0; i < 2; i++) got.push((await l.reserve({ size: 'S' })).body.reservation.box);
    expect(got).toEqual([1, 2]);
    const full = await l.reserve({ size: 'S' });
    expect(full.status).toBe(409);
    expect((full.body as unknown as ErrorJson).error.code).toBe('LOCKER_NO_BOX_AVAILABLE');
    const larger = await l.reserve({ size: 'S', allowLarger: true });
    expect(larger.status).toBe(201);
    expect(larger.body.reservation).toMatchObject({ box: 3, size: 'M' });
    expect(await stateOf(3)).toBe('reserved');
    // Out-of-service boxes are never chosen.
    const oos = await l.request('PUT', `/lockers/banks/${BANK}/boxes/4`, {
      who: 'technician',
      body: { state: 'out-of-service', note: 'hinge' },
    });
    expect(oos.status).toBe(200);
    const none = await l.reserve({ size: 'M' });
    expect((none.body as unknown as ErrorJson).error.code).toBe('LOCKER_NO_BOX_AVAILABLE');
    expect((await l.reserve({ size: 'M', allowLarger: true })).body.reservation.box).toBe(5);
  });

  it('never gives one box to two concurrent reservations', async () => {
    // Two M boxes (3 and 4) are free: ask for ten at once.
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => l.reserve({ size: 'M', reference: `race-${i}` })),
    );
    const won = answers.filter((a) => a.status === 201).map((a) => a.body.reservation.box);
    const lost = answers.filter((a) => a.status !== 201);
    expect(won.sort()).toEqual([3, 4]);
    expect(lost).toHaveLength(8);
    for (const a of lost) {
      expect((a.body as unknown as ErrorJson).error.code).toBe('LOCKER_NO_BOX_AVAILABLE');
    }
    // Every credential of the final set is distinct, one dropoff and one pickup per box.
    const set = l.lastSet();
    expect(set.credentials).toHaveLength(4);
    expect(new Set(set.credentials.map((c) => c.codeHash)).size).toBe(4);
    // Each winning request bumped the version exactly once.
    expect(set.version).toBe(3);
  });

  it('has the database refuse a second active reservation of a box', async () => {
    const { body } = await l.reserve();
    const row = await l.t.database.db
      .selectFrom('locker_reservations')
      .selectAll()
      .where('id', '=', body.reservation.id)
      .executeTakeFirstOrThrow();
    const copy = { ...row, id: 'rsv-copy', reference: 'other' };
    const err: unknown = await l.t.database.db
      .insertInto('locker_reservations')
      .values(copy)
      .execute()
      .catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    // Once the first is over, the box may be reserved again.
    await l.request('POST', `/lockers/reservations/${body.reservation.id}/cancel`);
    await l.t.database.db.insertInto('locker_reservations').values(copy).execute();
  });

  it('refuses a second active reservation for one reference, even concurrently', async () => {
    const answers = await Promise.all([
      l.reserve({ reference: 'same-ref' }),
      l.reserve({ reference: 'same-ref' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const lost = answers.find((a) => a.status === 409)?.body as unknown as ErrorJson;
    expect(lost.error.code).toBe('LOCKER_RESERVATION_EXISTS');
    // Another merchant may use the same reference.
    expect((await l.reserve({ reference: 'same-ref' }, 'bakery')).status).toBe(201);
  });

  it('cancels before the deposit: box freed, credentials dropped in a new version', async () => {
    const { body } = await l.reserve();
    const other = await l.reserve({ size: 'S' });
    const version = l.lastSet().version;
    const cancel = await l.request<ReservationJson>(
      'POST',
      `/lockers/reservations/${body.reservation.id}/cancel`,
      { who: 'merchant' },
    );
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ state: 'cancelled', finishedAt: cancel.body.stateAt });
    expect(await stateOf(3)).toBe('available');
    const set = l.lastSet();
    expect(set.version).toBe(version + 1);
    expect(set.credentials.map((c) => c.id).sort()).toEqual(
      [`${other.body.reservation.id}-d`, `${other.body.reservation.id}-p`].sort(),
    );
    // Twice is fine, and changes nothing.
    const again = await l.request<ReservationJson>(
      'POST',
      `/lockers/reservations/${body.reservation.id}/cancel`,
      { who: 'admin' },
    );
    expect(again.status).toBe(200);
    expect(l.lastSet().version).toBe(version + 1);
    // The freed box is reserved again, by the next reservation.
    expect((await l.reserve()).body.reservation.box).toBe(3);
    const { history } = await l.detail(body.reservation.id);
    expect(history.map((h) => [h.event, h.actor])).toEqual([
      ['reserved', 'merchant'],
      ['cancelled', 'merchant'],
    ]);
  });

  it('keeps merchants apart', async () => {
    const mine = (await l.reserve({ reference: 'a-1' })).body.reservation;
    const theirs = (await l.reserve({ reference: 'b-1', size: 'S' }, 'bakery')).body.reservation;
    for (const action of [
      () => l.request<ErrorJson>('GET', `/lockers/reservations/${theirs.id}`, { who: 'merchant' }),
      () =>
        l.request<ErrorJson>('POST', `/lockers/reservations/${theirs.id}/cancel`, {
          who: 'merchant',
        }),
      () =>
        l.request<ErrorJson>('POST', `/lockers/reservations/${theirs.id}/open`, {
          who: 'merchant',
        }),
    ]) {
      const res = await action();
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('LOCKER_RESERVATION_NOT_FOUND');
    }
    const list = await l.request<{ reservations: ReservationJson[] }>(
      'GET',
      '/lockers/reservations',
      { who: 'merchant' },
    );
    expect(list.body.reservations.map((r) => r.id)).toEqual([mine.id]);
    const all = await l.request<{ reservations: ReservationJson[] }>(
      'GET',
      '/lockers/reservations',
      { who: 'technician' },
    );
    expect(all.body.reservations.map((r) => r.id).sort()).toEqual([mine.id, theirs.id].sort());
    // Residents and the public have no access; technicians cannot reserve.
    expect((await l.request('GET', '/lockers/reservations', { who: 'resident' })).status).toBe(403);
    expect((await l.request('GET', '/lockers/reservations', { who: 'public' })).status).toBe(401);
    expect((await l.reserve({}, 'technician')).status).toBe(403);
  });

  it('lists newest first with filters and pages', async () => {
    const made: CreatedJson[] = [];
    for (const size of ['S', 'S', 'M']) {
      made.push((await l.reserve({ size })).body);
      await l.t.clock.advance(1000);
    }
    const [first, second, third] = made.map((m) => m.reservation.id);
    await l.request('POST', `/lockers/reservations/${second}/cancel`, { who: 'merchant' });
    const page = async (query: string) =>
      (
        await l.request<{ reservations: ReservationJson[]; next: string | null }>(
          'GET',
          `/lockers/reservations${query}`,
          { who: 'merchant' },
        )
      ).body;
    const p1 = await page('?limit=2');
    expect(p1.reservations.map((r) => r.id)).toEqual([third, second]);
    expect(p1.next).toBe(second);
    const p2 = await page(`?limit=2&before=${p1.next ?? ''}`);
    expect(p2.reservations.map((r) => r.id)).toEqual([first]);
    expect(p2.next).toBeNull();
    expect((await page('?state=cancelled')).reservations.map((r) => r.id)).toEqual([second]);
    expect((await page(`?bank=${BANK}&state=reserved`)).reservations).toHaveLength(2);
    expect((await page('?reference=order-1')).reservations.map((r) => r.id)).toEqual([first]);
    const bad = await l.request<ErrorJson>('GET', '/lockers/reservations?state=lost', {
      who: 'merchant',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('validates the request, the window and the bank', async () => {
    const bad = await l.reserve({ size: 'XXL', recipient: { email: 'nope' }, extra: 1 });
    expect(bad.status).toBe(400);
    const paths = (bad.body as unknown as ErrorJson).error.details?.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.size', 'body.recipient.email']));
    const window = await l.reserve({
      pickupFrom: '2026-11-26T20:00:00.000Z',
      expiresAt: '2026-11-26T19:00:00.000Z',
    });
    expect(window.status).toBe(400);
    expect((window.body as unknown as ErrorJson).error.message).toContain('body.expiresAt');
    const far = await l.reserve({ expiresAt: '2027-01-30T00:00:00.000Z' });
    expect((far.body as unknown as ErrorJson).error.details?.issues).toEqual([
      { path: 'body.expiresAt', message: 'must be at most 30 days ahead' },
    ]);
    const unknown = await l.reserve({ bank: 'nowhere' });
    expect(unknown.status).toBe(404);
    expect((unknown.body as unknown as ErrorJson).error.code).toBe('LOCKER_BANK_NOT_FOUND');
  });
});
