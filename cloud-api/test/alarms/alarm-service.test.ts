import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HameauError, ManualClock } from '@hameau/protocol';
import { AlarmService, type RaiseAlarmInput } from '../../src/alarms/alarm-service.js';
import { listAudit } from '../../src/audit/audit-store.js';
import { isUniqueViolation } from '../../src/storage/unique-violation.js';
import { silent } from '../helpers/test-app.js';
import { DIALECTS, useTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const T0 = Date.UTC(2026, 10, 25, 12);
const MINUTE = 60_000;

describe.each(DIALECTS)('AlarmService on %s', (dialect) => {
  const database = useTestDatabase(dialect);
  let t: TestDatabase;
  let clock: ManualClock;
  let alarms: AlarmService;

  beforeAll(() => {
    t = database();
  });
  beforeEach(async () => {
    // Every test starts from empty tables and a fresh clock.
    await t.db.deleteFrom('alarms').execute();
    await t.db.deleteFrom('alarm_event_marks').execute();
    await t.db.deleteFrom('audit_log').execute();
    clock = new ManualClock(T0);
    alarms = new AlarmService({ db: t.db, clock, log: silent });
  });

  const door = (over: Partial<RaiseAlarmInput> = {}): RaiseAlarmInput => ({
    site: 'station',
    device: 'lockers-2',
    type: 'door-forced',
    subject: 'box-12',
    severity: 'alarm',
    message: 'door forced',
    at: clock.now(),
    ...over,
  });

  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: unknown) => (e instanceof HameauError ? e.code : String(e)),
    );

  const alarmAudit = async () =>
    (await listAudit(t.db, { limit: 100 })).filter((e) => e.action.startsWith('alarm.')).reverse();

  it('opens an alarm and audits the raise as system', async () => {
    const result = await alarms.raise(door({ details: { box: 12 } }));
    expect(result.outcome).toBe('opened');
    expect(result.alarm).toEqual({
      id: expect.any(Number) as number,
      site: 'station',
      device: 'lockers-2',
      type: 'door-forced',
      subject: 'box-12',
      severity: 'alarm',
      state: 'open',
      source: 'event',
      message: 'door forced',
      details: { box: 12 },
      occurrences: 1,
      firstRaisedAt: T0,
      lastRaisedAt: T0,
      acknowledged: null,
      resolved: null,
    });
    expect(await alarmAudit()).toEqual([
      {
        id: expect.any(Number) as number,
        at: T0,
        actor: 'system',
        action: 'alarm.raise',
        subject: `alarm/${result.alarm?.id}`,
        details: {
          site: 'station',
          device: 'lockers-2',
          type: 'door-forced',
          subject: 'box-12',
          severity: 'alarm',
          source: 'event',
        },
      },
    ]);
  });

  it('counts a repeat on the active alarm instead of opening another', async () => {
    const first = await alarms.raise(door());
    await clock.advance(5 * MINUTE);
    const second = await alarms.raise(door({ message: 'door forced again', at: clock.now() }));
    expect(second.outcome).toBe('repeated');
    expect(second.alarm).toMatchObject({
      id: first.alarm?.id,
      occurrences: 2,
      firstRaisedAt: T0,
      lastRaisedAt: T0 + 5 * MINUTE,
      message: 'door forced again',
    });
    expect(await alarms.list()).toHaveLength(1);
    // Only the opening is audited; repeats are counted on the alarm.
    expect((await alarmAudit()).map((e) => e.action)).toEqual(['alarm.raise']);
  });

  it('keys alarms on subject: another box, or none, is another alarm', async () => {
    const box12 = await alarms.raise(door());
    const box3 = await alarms.raise(door({ subject: 'box-3' }));
    const whole = await alarms.raise(door({ subject: undefined }));
    const again = await alarms.raise(door({ subject: undefined }));
    expect(new Set([box12.alarm?.id, box3.alarm?.id, whole.alarm?.id]).size).toBe(3);
    expect(whole.alarm?.subject).toBeNull();
    expect(again).toMatchObject({ outcome: 'repeated', alarm: { id: whole.alarm?.id } });
  });

  it('raises severity to alarm on a repeat and never lowers it', async () => {
    await alarms.raise(door({ severity: 'warning' }));
    const up = await alarms.raise(door({ severity: 'alarm' }));
    expect(up.alarm?.severity).toBe('alarm');
    const down = await alarms.raise(door({ severity: 'warning' }));
    expect(down.alarm?.severity).toBe('alarm');
  });

  it('dates an older (historical) occurrence without making it the latest', async () => {
    await alarms.raise(door({ message: 'live' }));
    const old = await alarms.raise(door({ message: 'replayed', at: T0 - 30 * MINUTE }));
    expect(old.alarm).toMatchObject({
      occurrences: 2,
      firstRaisedAt: T0 - 30 * MINUTE,
      lastRaisedAt: T0,
      message: 'live',
    });
  });

  it('counts a device message once per alarm type, however often it is replayed', async () => {
    const once = await alarms.raise(door({ seq: 41 }));
    const replay = await alarms.raise(door({ seq: 41 }));
    expect(replay).toEqual({ outcome: 'replayed', alarm: null });
    // Another device's seq 41 and another type from the same message are different occurrences.
    const other = await alarms.raise(door({ seq: 41, device: 'lockers-3' }));
    const tamper = await alarms.raise(door({ seq: 41, type: 'tamper' }));
    expect([other.outcome, tamper.outcome]).toEqual(['opened', 'opened']);
    expect((await alarms.get(once.alarm?.id ?? 0)).occurrences).toBe(1);
  });

  it('opens a new alarm after the active one is resolved', async () => {
    const first = await alarms.raise(door());
    await alarms.resolve(first.alarm?.id ?? 0, 'anna');
    const next = await alarms.raise(door());
    expect(next.outcome).toBe('opened');
    expect(next.alarm?.id).not.toBe(first.alarm?.id);
    expect((await alarms.get(first.alarm?.id ?? 0)).state).toBe('resolved');
    expect(await alarms.list({ state: 'active' })).toEqual([next.alarm]);
  });

  it('leaves an active rule alarm unchanged when the rule raises it again', async () => {
    const rule = door({ type: 'device_offline', subject: undefined, source: 'rule' });
    const first = await alarms.raise(rule);
    const again = await alarms.raise({ ...rule, message: 'still offline', at: T0 + MINUTE });
    expect(again).toEqual({ outcome: 'unchanged', alarm: first.alarm });
  });

  it('keeps one active alarm per key under concurrent raises', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => alarms.raise(door())));
    expect(results.filter((r) => r.outcome === 'opened')).toHaveLength(1);
    const rules = await Promise.all(
      Array.from({ length: 8 }, () =>
        alarms.raise(door({ type: 'outbox_backlog', source: 'rule' })),
      ),
    );
    expect(rules.filter((r) => r.outcome === 'opened')).toHaveLength(1);
    const active = await alarms.list({ state: 'active' });
    expect(active.map((a) => [a.type, a.occurrences]).sort()).toEqual([
      ['door-forced', 8],
      ['outbox_backlog', 1],
    ]);
  });

  it('refuses a second active row for a key in the database itself', async () => {
    const { alarm } = await alarms.raise(door({ subject: undefined }));
    const row = await t.db
      .selectFrom('alarms')
      .selectAll()
      .where('id', '=', alarm?.id ?? 0)
      .executeTakeFirstOrThrow();
    const { id, ...copy } = row;
    expect(id).toBe(alarm?.id);
    const err: unknown = await t.db
      .insertInto('alarms')
      .values(copy)
      .execute()
      .catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    // A resolved copy does not collide.
    await t.db
      .insertInto('alarms')
      .values({ ...copy, state: 'resolved', resolved_by: 'anna', resolved_at: T0 })
      .execute();
  });

  it('acknowledges an open alarm, then resolves it, auditing both with their notes', async () => {
    const { alarm } = await alarms.raise(door());
    const id = alarm?.id ?? 0;
    await clock.advance(MINUTE);
    const acked = await alarms.acknowledge(id, 'anna', 'on my way');
    expect(acked).toMatchObject({
      state: 'acknowledged',
      acknowledged: { by: 'anna', at: T0 + MINUTE, note: 'on my way' },
      resolved: null,
    });
    await clock.advance(MINUTE);
    const resolved = await alarms.resolve(id, 'bruno');
    expect(resolved).toMatchObject({
      state: 'resolved',
      acknowledged: { by: 'anna', at: T0 + MINUTE, note: 'on my way' },
      resolved: { by: 'bruno', at: T0 + 2 * MINUTE, note: null },
    });
    const audit = await alarmAudit();
    expect(audit.map((e) => [e.action, e.actor, e.at, e.subject])).toEqual([
      ['alarm.raise', 'system', T0, `alarm/${id}`],
      ['alarm.acknowledge', 'anna', T0 + MINUTE, `alarm/${id}`],
      ['alarm.resolve', 'bruno', T0 + 2 * MINUTE, `alarm/${id}`],
    ]);
    expect(audit[1]?.details).toMatchObject({ note: 'on my way', site: 'station' });
    expect(audit[2]?.details).not.toHaveProperty('note');
  });

  it('resolves straight from open', async () => {
    const { alarm } = await alarms.raise(door());
    const resolved = await alarms.resolve(alarm?.id ?? 0, 'anna', 'false alarm');
    expect(resolved).toMatchObject({
      state: 'resolved',
      acknowledged: null,
      resolved: { by: 'anna', note: 'false alarm' },
    });
  });

  it('refuses invalid transitions with ALARM_TRANSITION_INVALID, changing nothing', async () => {
    const { alarm } = await alarms.raise(door());
    const id = alarm?.id ?? 0;
    await alarms.acknowledge(id, 'anna');
    const twice = await alarms.acknowledge(id, 'bruno').catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(HameauError);
    expect(twice).toMatchObject({
      code: 'ALARM_TRANSITION_INVALID',
      httpStatus: 409,
      details: { id, state: 'acknowledged', target: 'acknowledged' },
    });
    await alarms.resolve(id, 'anna');
    expect(await codeOf(alarms.resolve(id, 'bruno'))).toBe('ALARM_TRANSITION_INVALID');
    expect(await codeOf(alarms.acknowledge(id, 'bruno'))).toBe('ALARM_TRANSITION_INVALID');
    const after = await alarms.get(id);
    expect(after.acknowledged?.by).toBe('anna');
    expect(after.resolved?.by).toBe('anna');
    expect((await alarmAudit()).map((e) => e.action)).toEqual([
      'alarm.raise',
      'alarm.acknowledge',
      'alarm.resolve',
    ]);
  });

  it('answers ALARM_NOT_FOUND for an unknown id', async () => {
    expect(await codeOf(alarms.get(999))).toBe('ALARM_NOT_FOUND');
    expect(await codeOf(alarms.acknowledge(999, 'anna'))).toBe('ALARM_NOT_FOUND');
    expect(await codeOf(alarms.resolve(999, 'anna'))).toBe('ALARM_NOT_FOUND');
  });

  it('resolves the active alarm of a key as system, or reports there was none', async () => {
    const key = { site: 'station', device: 'lockers-2', type: 'outbox_backlog' };
    expect(await alarms.resolveActive(key, 'system')).toBeNull();
    const { alarm } = await alarms.raise(door({ ...key, subject: undefined, source: 'rule' }));
    const resolved = await alarms.resolveActive(key, 'system', 'outbox drained');
    expect(resolved).toMatchObject({
      id: alarm?.id,
      state: 'resolved',
      resolved: { by: 'system', at: T0, note: 'outbox drained' },
    });
    expect(await alarms.resolveActive(key, 'system')).toBeNull();
    const audit = await alarmAudit();
    expect(audit.at(-1)).toMatchObject({
      actor: 'system',
      action: 'alarm.resolve',
      details: { type: 'outbox_backlog', note: 'outbox drained' },
    });
  });

  it('lists most recently raised first, filtered by state, site and device', async () => {
    const a = await alarms.raise(door({ subject: 'box-1', at: T0 }));
    const b = await alarms.raise(door({ subject: 'box-2', at: T0 + MINUTE }));
    const c = await alarms.raise(door({ site: 'market', device: 'meters-1', at: T0 + 2 * MINUTE }));
    await alarms.acknowledge(b.alarm?.id ?? 0, 'anna');
    await alarms.resolve(c.alarm?.id ?? 0, 'anna');
    const ids = async (filter: Parameters<AlarmService['list']>[0]) =>
      (await alarms.list(filter)).map((x) => x.id);
    const [ia, ib, ic] = [a.alarm?.id, b.alarm?.id, c.alarm?.id];
    expect(await ids({})).toEqual([ic, ib, ia]);
    expect(await ids({ state: 'active' })).toEqual([ib, ia]);
    expect(await ids({ state: 'open' })).toEqual([ia]);
    expect(await ids({ state: 'acknowledged' })).toEqual([ib]);
    expect(await ids({ state: 'resolved' })).toEqual([ic]);
    expect(await ids({ site: 'market' })).toEqual([ic]);
    expect(await ids({ site: 'station', device: 'lockers-2' })).toEqual([ib, ia]);
    expect(await ids({ limit: 1 })).toEqual([ic]);
  });

  it('validates its input, naming every bad field', async () => {
    const err = await alarms
      .raise(door({ type: 'Door Forced', severity: 'info' as 'alarm' }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED' });
    const issues = (err as HameauError).details.issues as { path: string }[];
    expect(issues.map((i) => i.path)).toEqual(['input.type', 'input.severity']);
    const { alarm } = await alarms.raise(door());
    expect(await codeOf(alarms.acknowledge(alarm?.id ?? 0, 'anna', 'x'.repeat(501)))).toBe(
      'VALIDATION_FAILED',
    );
    expect((await alarms.get(alarm?.id ?? 0)).state).toBe('open');
  });

  it('forgets event marks older than the cut-off, so only recent replays are caught', async () => {
    await alarms.raise(door({ seq: 1 }));
    await clock.advance(10 * MINUTE);
    await alarms.raise(door({ seq: 2 }));
    expect(await alarms.pruneEventMarks(T0 + MINUTE)).toBe(1);
    const remaining = await t.db.selectFrom('alarm_event_marks').select('seq').execute();
    expect(remaining.map((r) => r.seq)).toEqual([2]);
  });
});
