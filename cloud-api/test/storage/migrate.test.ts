import { beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../src/storage/unique-violation.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { MIGRATIONS } from '../../src/storage/migrations/index.js';
import { DIALECTS, useTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// The same suite on both dialects: the query layer must behave identically on each.
describe.each(DIALECTS)('storage on %s', (dialect) => {
  const database = useTestDatabase(dialect, { migrate: false });
  let t: TestDatabase;
  beforeAll(() => {
    t = database();
  });

  const site = (id: string) =>
    t.db.insertInto('sites').values({ id, name: id, created_at: 1_000 }).execute();
  const device = (siteId: string, deviceId: string) =>
    t.db
      .insertInto('devices')
      .values({ site_id: siteId, device_id: deviceId, kind: 'locker', created_at: 1_000 })
      .execute();

  it('migrates a fresh database, then has nothing left to run', async () => {
    expect(t.dialect).toBe(dialect);
    const names = Object.keys(MIGRATIONS);
    expect(names[0]).toBe('0001-core');
    expect(names).toEqual([...names].sort());
    expect(await migrateToLatest(t.db)).toEqual(names);
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('returns millisecond timestamps past 2^32 as exact JS numbers', async () => {
    const at = 1_900_000_000_123;
    await t.db.insertInto('sites').values({ id: 'time', name: 'Time', created_at: at }).execute();
    const row = await t.db
      .selectFrom('sites')
      .select('created_at')
      .where('id', '=', 'time')
      .executeTakeFirstOrThrow();
    expect(row.created_at).toBe(at);
    expect(typeof row.created_at).toBe('number');
  });

  it('returns counts as numbers', async () => {
    const { n } = await t.db
      .selectFrom('sites')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(n).toBe(1);
  });

  it('enforces foreign keys', async () => {
    const err: unknown = await device('no-such-site', 'a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isUniqueViolation(err)).toBe(false);
  });

  it('reports a duplicate key as a unique violation', async () => {
    await site('dup');
    const err: unknown = await site('dup').catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
  });

  it('stores booleans as 0/1 and all counters as numbers', async () => {
    await site('s1');
    await device('s1', 'd1');
    await t.db
      .insertInto('device_status')
      .values({
        site_id: 's1',
        device_id: 'd1',
        online: 1,
        session: 7,
        last_seen: 1_800_000_000_000,
        last_birth: null,
        outbox_depth: 12,
        outbox_oldest_age_ms: 60_000,
        config_version: 3,
        updated_at: 1_800_000_000_001,
      })
      .execute();
    const row = await t.db.selectFrom('device_status').selectAll().executeTakeFirstOrThrow();
    expect(row).toEqual({
      site_id: 's1',
      device_id: 'd1',
      online: 1,
      session: 7,
      last_seen: 1_800_000_000_000,
      last_birth: null,
      outbox_depth: 12,
      outbox_oldest_age_ms: 60_000,
      config_version: 3,
      agent_version: null,
      updated_at: 1_800_000_000_001,
    });
    const bad: unknown = await t.db
      .updateTable('device_status')
      .set({ online: 2 })
      .execute()
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Error);
  });

  it('deletes a device status and account with their device', async () => {
    await site('s2');
    await device('s2', 'd2');
    await t.db
      .insertInto('mqtt_accounts')
      .values({
        username: 's2/d2',
        role: 'device',
        site_id: 's2',
        device_id: 'd2',
        kind: 'locker',
        hash: '$scrypt$x',
        created_at: 1,
      })
      .execute();
    await t.db
      .insertInto('device_status')
      .values({
        site_id: 's2',
        device_id: 'd2',
        online: 0,
        session: 1,
        last_seen: 1,
        updated_at: 1,
      })
      .execute();
    await t.db
      .deleteFrom('devices')
      .where('site_id', '=', 's2')
      .where('device_id', '=', 'd2')
      .execute();
    const accounts = await t.db.selectFrom('mqtt_accounts').selectAll().execute();
    const statuses = await t.db
      .selectFrom('device_status')
      .selectAll()
      .where('site_id', '=', 's2')
      .execute();
    expect(accounts).toEqual([]);
    expect(statuses).toEqual([]);
  });

  it('refuses an account whose identity does not match its role', async () => {
    const account = (v: { role: 'device' | 'cloud'; site_id: string | null; username: string }) =>
      t.db
        .insertInto('mqtt_accounts')
        .values({
          ...v,
          device_id: v.site_id === null ? null : 'd1',
          kind: v.site_id === null ? null : 'locker',
          hash: '$scrypt$x',
          created_at: 1,
        })
        .execute()
        .then(
          () => 'ok',
          () => 'refused',
        );
    expect(await account({ role: 'device', site_id: null, username: 'a/b' })).toBe('refused');
    expect(await account({ role: 'cloud', site_id: 's1', username: 'cloud' })).toBe('refused');
    expect(await account({ role: 'cloud', site_id: null, username: 'cloud' })).toBe('ok');
  });

  it('allows one active token per name, and reuse of a revoked name', async () => {
    const token = (id: string, revokedAt: number | null) =>
      t.db
        .insertInto('api_tokens')
        .values({ id, name: 'ops', role: 'admin', hash: id, created_at: 1, revoked_at: revokedAt })
        .execute();
    await token('t1', null);
    expect(isUniqueViolation(await token('t2', null).catch((e: unknown) => e))).toBe(true);
    await t.db.updateTable('api_tokens').set({ revoked_at: 2 }).where('id', '=', 't1').execute();
    await token('t3', null);
    const names = await t.db.selectFrom('api_tokens').select('id').orderBy('id').execute();
    expect(names.map((r) => r.id)).toEqual(['t1', 't3']);
  });

  it('numbers audit rows in insertion order, as JS numbers', async () => {
    const ids: number[] = [];
    for (const action of ['a', 'b', 'c']) {
      const row = await t.db
        .insertInto('audit_log')
        .values({ at: 5, actor: 'x', action, subject: 's', details: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    expect(ids.every((id) => typeof id === 'number')).toBe(true);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
  });

  it('runs every migration down again', async () => {
    const { Migrator, NO_MIGRATIONS } = await import('kysely');
    const migrator = new Migrator({
      db: t.db,
      provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) },
    });
    const { error } = await migrator.migrateTo(NO_MIGRATIONS);
    expect(error).toBeUndefined();
    const tables = await t.db.introspection.getTables();
    expect(tables.map((x) => x.name).filter((n) => !n.startsWith('kysely_'))).toEqual([]);
    // And up again, so a down migration that forgot something would fail here.
    expect(await migrateToLatest(t.db)).toEqual(Object.keys(MIGRATIONS));
  });
});
