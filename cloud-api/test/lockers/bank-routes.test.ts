import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/test-database.js';
import {
  BANK,
  LOCKERS,
  METERS,
  createLockerTestApp,
  type ErrorJson,
  type LockerTestApp,
} from './lockers-test-app.js';

interface PublicJson {
  id: string;
  name: string;
  location: { lat: number; lon: number; label: string } | null;
  free: Record<string, number>;
}
interface BankJson {
  id: string;
  site: string;
  device: string;
  name: string;
  boxes: { number: number; size: string; state: string }[];
  credentials: { version: number; publishedVersion: number | null };
}

describe.each(DIALECTS)('locker banks (%s)', (dialect) => {
  let l: LockerTestApp;

  beforeAll(async () => {
    l = await createLockerTestApp(dialect);
  });
  afterAll(async () => {
    await l.close();
  });

  it('created the bank with its boxes sorted, all free, and published an empty set', async () => {
    const { status, body } = await l.request<BankJson>('GET', `/lockers/banks/${BANK}/boxes`, {
      who: 'technician',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: BANK, ...LOCKERS, name: 'Gare, côté nord' });
    expect(body.boxes.map((b) => `${b.number}${b.size}:${b.state}`)).toEqual([
      '1S:available',
      '2S:available',
      '3M:available',
      '4M:available',
      '5L:available',
      '6XL:available',
    ]);
    expect(body.credentials).toMatchObject({ version: 1, publishedVersion: 1 });
    expect(l.sets().map((s) => [s.version, s.credentials.length])).toEqual([[1, 0]]);
  });

  it('shows the public the free boxes per size, never the device', async () => {
    await l.reserve({ size: 'S', reference: 'pub-1' });
    const list = await l.request<{ banks: PublicJson[] }>('GET', '/lockers/banks', {
      who: 'public',
    });
    expect(list.status).toBe(200);
    expect(list.body.banks).toEqual([
      {
        id: BANK,
        name: 'Gare, côté nord',
        location: { lat: 45.19, lon: 5.71, label: 'Parvis de la gare' },
        free: { S: 1, M: 2, L: 1, XL: 1 },
      },
    ]);
    const one = await l.request<PublicJson>('GET', `/lockers/banks/${BANK}`, { who: 'public' });
    expect(one.body.free).toEqual({ S: 1, M: 2, L: 1, XL: 1 });
    const missing = await l.request<ErrorJson>('GET', '/lockers/banks/nowhere', { who: 'public' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('LOCKER_BANK_NOT_FOUND');
  });

  it('lets technicians put a free box out of service and back, not a reserved one', async () => {
    const put = (n: number, body: unknown, who: 'technician' | 'merchant' = 'technician') =>
      l.request<{ state: string } & ErrorJson>('PUT', `/lockers/banks/${BANK}/boxes/${n}`, {
        who,
        body,
      });
    expect((await put(6, { state: 'out-of-service' })).body.state).toBe('out-of-service');
    const free = await l.request<PublicJson>('GET', `/lockers/banks/${BANK}`, { who: 'public' });
    expect(free.body.free.XL).toBe(0);
    expect((await put(6, { state: 'available', note: 'fixed' })).body.state).toBe('available');
    // Box 1 holds the reservation of the previous test.
    const busy = await put(1, { state: 'out-of-service' });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('LOCKER_BOX_BUSY');
    expect((await put(9, { state: 'available' })).body.error.code).toBe('LOCKER_BOX_NOT_FOUND');
    expect((await put(6, { state: 'reserved' })).status).toBe(400);
    expect((await put(6, { state: 'available' }, 'merchant')).status).toBe(403);
  });

  it('refuses a bank on an unknown device, a non-locker device, or a taken device or id', async () => {
    const create = (body: Record<string, unknown>) =>
      l.request<ErrorJson>('POST', '/lockers/banks', {
        who: 'technician',
        body: { id: 'other', name: 'Other', boxes: [{ number: 1, size: 'S' }], ...body },
      });
    expect((await create({ site: 'gare', device: 'nope' })).body.error.code).toBe(
      'DEVICE_NOT_FOUND',
    );
    const meters = await create(METERS);
    expect(meters.status).toBe(400);
    expect(meters.body.error.details?.issues.map((i) => i.path)).toEqual(['body.device']);
    expect((await create(LOCKERS)).body.error.code).toBe('LOCKER_BANK_EXISTS');
    const dup = await create({
      ...LOCKERS,
      boxes: [
        { number: 1, size: 'S' },
        { number: 1, size: 'M' },
      ],
    });
    expect(dup.status).toBe(400);
    const merchant = await l.request('POST', '/lockers/banks', { who: 'merchant', body: {} });
    expect(merchant.status).toBe(403);
    expect((await l.request('POST', '/lockers/banks', { who: 'public', body: {} })).status).toBe(
      401,
    );
  });

  it('renames, moves, and deletes only a bank that never had a reservation', async () => {
    const renamed = await l.request<BankJson>('PATCH', `/lockers/banks/${BANK}`, {
      who: 'technician',
      body: { name: 'Gare nord', location: null },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Gare nord', location: null });
    const inUse = await l.request<ErrorJson>('DELETE', `/lockers/banks/${BANK}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.code).toBe('LOCKER_BANK_IN_USE');

    await l.app.hameau.devices.create({ site: 'gare', device: 'lockers-2', kind: 'locker' }, 't');
    const spare = await l.request('POST', '/lockers/banks', {
      who: 'admin',
      body: {
        id: 'gare-sud',
        site: 'gare',
        device: 'lockers-2',
        name: 'Sud',
        boxes: [{ number: 1, size: 'L' }],
      },
    });
    expect(spare.status).toBe(201);
    expect(
      (await l.request('DELETE', '/lockers/banks/gare-sud', { who: 'technician' })).status,
    ).toBe(403);
    expect((await l.request('DELETE', '/lockers/banks/gare-sud')).status).toBe(204);
    expect((await l.request('GET', '/lockers/banks/gare-sud', { who: 'public' })).status).toBe(404);
    const audit = await l.t.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'locker-bank.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'locker-bank.create',
      'locker-bank.update',
      'locker-bank.create',
      'locker-bank.delete',
    ]);
  });
});
