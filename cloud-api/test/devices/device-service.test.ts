import { beforeAll, describe, expect, it } from 'vitest';
import { HameauError, ManualClock } from '@hameau/protocol';
import { mqttAccountStore } from '../../src/accounts/mqtt-account-store.js';
import { listAudit } from '../../src/audit/audit-store.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { deviceStatusStore } from '../../src/devices/device-status-store.js';
import { verifySecret } from '@hameau/protocol/secret-hash';
import { capturedLog } from '../helpers/captured-log.js';
import { DIALECTS, useTestDatabase, type TestDatabase } from '../helpers/test-database.js';

describe.each(DIALECTS)('DeviceService on %s', (dialect) => {
  const database = useTestDatabase(dialect);
  let t: TestDatabase;
  let clock: ManualClock;
  let devices: DeviceService;
  const captured = capturedLog();

  beforeAll(() => {
    t = database();
    clock = new ManualClock(Date.UTC(2026, 10, 25, 8));
    devices = new DeviceService({ db: t.db, clock, log: captured.log });
  });

  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: unknown) => (e instanceof HameauError ? e.code : String(e)),
    );

  it('creates site, device and account, returning a password only the hash can check', async () => {
    const created = await devices.create(
      { site: 'town-hall', device: 'lockers-1', kind: 'locker' },
      'anna',
    );
    expect(created).toMatchObject({
      site: 'town-hall',
      device: 'lockers-1',
      kind: 'locker',
      createdAt: clock.now(),
      mqtt: { username: 'town-hall/lockers-1' },
    });
    const { password } = created.mqtt;
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const site = await t.db.selectFrom('sites').selectAll().executeTakeFirstOrThrow();
    expect(site).toEqual({ id: 'town-hall', name: 'town-hall', created_at: clock.now() });
    const account = await t.db.selectFrom('mqtt_accounts').selectAll().executeTakeFirstOrThrow();
    expect(account).toMatchObject({
      username: 'town-hall/lockers-1',
      role: 'device',
      site_id: 'town-hall',
      device_id: 'lockers-1',
      kind: 'locker',
    });
    expect(account.hash).toMatch(/^\$scrypt\$/);
    expect(await verifySecret(password, account.hash)).toBe(true);
    expect(await verifySecret(`${password}x`, account.hash)).toBe(false);

    // The password is nowhere in the database or the log.
    for (const table of ['sites', 'devices', 'mqtt_accounts', 'audit_log'] as const) {
      const rows = await t.db.selectFrom(table).selectAll().execute();
      expect(JSON.stringify(rows), table).not.toContain(password);
    }
    expect(captured.text()).toContain('town-hall');
    expect(captured.text()).not.toContain(password);
  });

  it('gives the broker the same identity its credential file would', async () => {
    const found = await mqttAccountStore.find(t.db, 'town-hall/lockers-1');
    expect(found?.principal).toEqual({
      role: 'device',
      site: 'town-hall',
      device: 'lockers-1',
      kind: 'locker',
    });
    expect(await mqttAccountStore.find(t.db, 'town-hall/nope')).toBeUndefined();
  });

  it('adds a second device to an existing site and refuses a duplicate', async () => {
    await devices.create({ site: 'town-hall', device: 'meters-1', kind: 'meters' }, 'anna');
    expect(
      await codeOf(
        devices.create({ site: 'town-hall', device: 'meters-1', kind: 'meters' }, 'anna'),
      ),
    ).toBe('DEVICE_EXISTS');
    const sites = await t.db.selectFrom('sites').select('id').execute();
    expect(sites).toEqual([{ id: 'town-hall' }]);
  });

  it('validates its input, every problem at once', async () => {
    const err: unknown = await devices
      .create({ site: 'Town Hall', device: '', kind: 'toaster' as 'locker' }, 'anna')
      .catch((e: unknown) => e);
    expect((err as HameauError).code).toBe('VALIDATION_FAILED');
    const issues = (err as HameauError).details.issues as { path: string }[];
    expect(issues.map((i) => i.path).sort()).toEqual(['input.device', 'input.kind', 'input.site']);
  });

  it('lists devices with their status, null until they report', async () => {
    await clock.advance(60_000);
    await deviceStatusStore.upsert(
      t.db,
      { site: 'town-hall', device: 'lockers-1' },
      {
        online: true,
        session: 4,
        lastSeen: clock.now(),
        lastBirth: clock.now() - 1_000,
        outboxDepth: 0,
        outboxOldestAgeMs: null,
        configVersion: 2,
        agentVersion: null,
        updatedAt: clock.now(),
      },
    );
    const list = await devices.list();
    expect(list.map((d) => d.device)).toEqual(['lockers-1', 'meters-1']);
    expect(list[0]?.status).toEqual({
      online: true,
      session: 4,
      lastSeen: clock.now(),
      lastBirth: clock.now() - 1_000,
      outboxDepth: 0,
      outboxOldestAgeMs: null,
      configVersion: 2,
      agentVersion: null,
      updatedAt: clock.now(),
    });
    expect(list[1]?.status).toBeNull();
    expect(await devices.list({ site: 'station' })).toEqual([]);
  });

  it('updates a status in place', async () => {
    const key = { site: 'town-hall', device: 'lockers-1' };
    const before = await deviceStatusStore.get(t.db, key);
    if (before === null) throw new Error('no status');
    await deviceStatusStore.upsert(t.db, key, { ...before, online: false, session: 5 });
    expect((await devices.get('town-hall', 'lockers-1')).status).toMatchObject({
      online: false,
      session: 5,
    });
  });

  it('deletes a device with its account and status', async () => {
    await devices.delete('town-hall', 'lockers-1', 'bob');
    expect(await codeOf(devices.get('town-hall', 'lockers-1'))).toBe('DEVICE_NOT_FOUND');
    expect(await mqttAccountStore.find(t.db, 'town-hall/lockers-1')).toBeUndefined();
    expect(
      await deviceStatusStore.get(t.db, { site: 'town-hall', device: 'lockers-1' }),
    ).toBeNull();
    expect(await codeOf(devices.delete('town-hall', 'lockers-1', 'bob'))).toBe('DEVICE_NOT_FOUND');
    // The account of the other device is untouched.
    expect(await mqttAccountStore.find(t.db, 'town-hall/meters-1')).toBeDefined();
  });

  it('audits creations and deletions with the actor, never the password', async () => {
    const entries = await listAudit(t.db, { limit: 50 });
    expect(entries.map((e) => [e.actor, e.action, e.subject])).toEqual([
      ['bob', 'device.delete', 'town-hall/lockers-1'],
      ['anna', 'device.create', 'town-hall/meters-1'],
      ['anna', 'device.create', 'town-hall/lockers-1'],
    ]);
  });
});
