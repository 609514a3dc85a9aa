import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type EventPayload } from '@hameau/protocol';
import {
  AlarmEventListener,
  EVENT_MARK_RETENTION_MS,
} from '../../src/alarms/alarm-event-listener.js';
import { AlarmService } from '../../src/alarms/alarm-service.js';
import { listAudit } from '../../src/audit/audit-store.js';
import { deviceStore } from '../../src/devices/device-store.js';
import type { IngestedOf } from '../../src/ingestion/ingested-message.js';
import { createTestApp, silent, type TestApp } from '../helpers/test-app.js';
import { DIALECTS, useTestDatabase } from '../helpers/test-database.js';

const MINUTE = 60_000;

describe.each(DIALECTS)('alarms from ingested events on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.app.ready();
    await deviceStore.ensureSite(t.database.db, 'station', t.clock.now());
    await deviceStore.insert(t.database.db, {
      site: 'station',
      device: 'lockers-2',
      kind: 'locker',
      createdAt: t.clock.now(),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const event = (
    seq: number,
    type: string,
    payload: Partial<EventPayload> = {},
  ): IngestedOf<'event'> => ({
    kind: 'event',
    site: 'station',
    device: 'lockers-2',
    type,
    receivedAt: t.clock.now(),
    payload: {
      seq,
      at: new Date(t.clock.now()).toISOString(),
      historical: false,
      severity: 'alarm',
      data: {},
      ...payload,
    },
  });

  const active = (type: string) =>
    t.app.hameau.alarms.list({ state: 'active' }).then((all) => all.filter((a) => a.type === type));

  it('registers its listener after device status', () => {
    expect(t.app.hameau.ingestion.listenerNames).toContain('alarms');
    const names = t.app.hameau.ingestion.listenerNames;
    expect(names.indexOf('alarms')).toBeGreaterThan(names.indexOf('device-status'));
  });

  it('raises an alarm for an alarm event, dated by the event, with its data', async () => {
    await t.app.hameau.ingestion.dispatch([
      event(1, 'door-forced', { subject: 'box-12', data: { door: 'open' } }),
    ]);
    const [alarm, ...rest] = await active('door-forced');
    expect(rest).toEqual([]);
    expect(alarm).toMatchObject({
      site: 'station',
      device: 'lockers-2',
      subject: 'box-12',
      severity: 'alarm',
      source: 'event',
      occurrences: 1,
      firstRaisedAt: t.clock.now(),
      message: 'door-forced on station/lockers-2, box-12',
      details: { seq: 1, historical: false, data: { door: 'open' } },
    });
  });

  it('counts a repeat on the same alarm, and a replayed batch not at all', async () => {
    await t.clock.advance(MINUTE);
    const batch = [event(2, 'door-forced', { subject: 'box-12' })];
    await t.app.hameau.ingestion.dispatch(batch);
    // Ingestion hands the same batch over again after a crash.
    await t.app.hameau.ingestion.dispatch(batch);
    const [alarm] = await active('door-forced');
    expect(alarm?.occurrences).toBe(2);
    expect(alarm?.lastRaisedAt).toBe(t.clock.now());
  });

  it('raises a warning event as a warning and an info event not at all', async () => {
    await t.app.hameau.ingestion.dispatch([
      event(3, 'lamp-failed', { severity: 'warning', subject: 'zone-4' }),
      event(4, 'door-opened', { severity: 'info', subject: 'box-1' }),
    ]);
    expect((await active('lamp-failed')).map((a) => a.severity)).toEqual(['warning']);
    expect(await active('door-opened')).toEqual([]);
  });

  it('dates a historical event replayed after an outage at its own time', async () => {
    const happened = t.clock.now() - 3 * 60 * MINUTE;
    await t.app.hameau.ingestion.dispatch([
      event(5, 'meter-unreachable', {
        historical: true,
        at: new Date(happened).toISOString(),
        subject: 'meter-7',
      }),
    ]);
    const [alarm] = await active('meter-unreachable');
    expect(alarm).toMatchObject({
      firstRaisedAt: happened,
      lastRaisedAt: happened,
      details: { historical: true },
    });
  });

  it('opens a new alarm for an event after the last one was resolved', async () => {
    const [before] = await active('door-forced');
    await t.app.hameau.alarms.resolve(before?.id ?? 0, 'anna');
    await t.app.hameau.ingestion.dispatch([event(6, 'door-forced', { subject: 'box-12' })]);
    const [after] = await active('door-forced');
    expect(after?.id).not.toBe(before?.id);
    expect(after?.occurrences).toBe(1);
  });

  it('writes one alarm.raise audit row per opened alarm, as system', async () => {
    const raises = (await listAudit(t.database.db, { limit: 100 })).filter(
      (e) => e.action === 'alarm.raise',
    );
    // door-forced twice (before and after the resolve), lamp-failed, meter-unreachable.
    expect(raises.map((e) => [e.actor, e.details.type]).sort()).toEqual([
      ['system', 'door-forced'],
      ['system', 'door-forced'],
      ['system', 'lamp-failed'],
      ['system', 'meter-unreachable'],
    ]);
  });

  it('skips an event that can never make an alarm and raises the rest of the batch', async () => {
    // Ingestion validates topics, so this cannot come from MQTT; the listener must still not
    // block a batch on it (a throw would make ingestion retry the batch forever).
    await t.app.hameau.ingestion.dispatch([
      event(7, 'Not A Type'),
      event(8, 'tamper', { subject: 'box-2' }),
    ]);
    expect(await active('tamper')).toHaveLength(1);
    expect(await active('Not A Type')).toEqual([]);
  });

  it('stops listening when the app closes', async () => {
    const other = await createTestApp({ dialect });
    await other.app.ready();
    const hub = other.app.hameau.ingestion;
    expect(hub.listenerNames).toContain('alarms');
    await other.app.close();
    expect(hub.listenerNames).not.toContain('alarms');
    await other.database.drop();
  });
});

describe.each(DIALECTS)('AlarmEventListener marks on %s', (dialect) => {
  const database = useTestDatabase(dialect);

  it('forgets counted events after the retention period, at most once an hour', async () => {
    const { db } = database();
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 12));
    const alarms = new AlarmService({ db, clock, log: silent });
    const listener = new AlarmEventListener({ alarms, clock, log: silent });
    const event = (seq: number): IngestedOf<'event'> => ({
      kind: 'event',
      site: 'park',
      device: 'lamps',
      type: 'lamp-failed',
      receivedAt: clock.now(),
      payload: {
        seq,
        at: new Date(clock.now()).toISOString(),
        historical: false,
        severity: 'warning',
        data: {},
      },
    });
    const marks = async () =>
      (await db.selectFrom('alarm_event_marks').select('seq').orderBy('seq').execute()).map(
        (r) => r.seq,
      );

    await listener.onBatch([event(1)]);
    await clock.advance(EVENT_MARK_RETENTION_MS + 60_000);
    await listener.onBatch([event(2)]);
    expect(await marks()).toEqual([2]);
    // Within the hour no pruning runs, however old the marks.
    await db
      .insertInto('alarm_event_marks')
      .values({ site_id: 'park', device_id: 'lamps', seq: 0, type: 'x', marked_at: 0 })
      .execute();
    await clock.advance(30 * 60_000);
    await listener.onBatch([event(3)]);
    expect(await marks()).toEqual([0, 2, 3]);
    await clock.advance(31 * 60_000);
    await listener.onBatch([]);
    expect(await marks()).toEqual([2, 3]);
  });
});
