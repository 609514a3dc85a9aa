import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { AlarmRules } from '../../src/alarms/alarm-rules.js';
import { AlarmService } from '../../src/alarms/alarm-service.js';
import { AlarmSettings, type AlarmSettingsInput } from '../../src/alarms/alarm-settings.js';
import { listAudit } from '../../src/audit/audit-store.js';
import { deviceStatusStore } from '../../src/devices/device-status-store.js';
import { deviceStore } from '../../src/devices/device-store.js';
import { silent } from '../helpers/test-app.js';
import { DIALECTS, useTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const T0 = Date.UTC(2026, 10, 25, 12);
const MINUTE = 60_000;
const KEY = { site: 'station', device: 'lockers-2' };

describe.each(DIALECTS)('AlarmRules on %s', (dialect) => {
  const database = useTestDatabase(dialect);
  let t: TestDatabase;
  let clock: ManualClock;
  let alarms: AlarmService;
  let rules: AlarmRules;

  beforeAll(async () => {
    t = database();
    await deviceStore.ensureSite(t.db, 'station', T0);
    for (const device of ['lockers-2', 'lockers-3']) {
      await deviceStore.insert(t.db, { site: 'station', device, kind: 'locker', createdAt: T0 });
    }
  });
  beforeEach(async () => {
    await t.db.deleteFrom('alarms').execute();
    await t.db.deleteFrom('device_status').execute();
    await t.db.deleteFrom('audit_log').execute();
    clock = new ManualClock(T0);
    alarms = new AlarmService({ db: t.db, clock, log: silent });
  });
  afterEach(async () => {
    await rules.stop();
  });

  const startRules = (settings: AlarmSettingsInput = {}) => {
    rules = new AlarmRules({
      db: t.db,
      clock,
      log: silent,
      alarms,
      settings: AlarmSettings.parse(settings),
    });
    rules.start();
    return rules.idle();
  };

  /** Moves time on, letting every tick of the rules run, and waits for the last one. */
  const advance = async (minutes: number) => {
    await clock.advance(minutes * MINUTE);
    await rules.idle();
  };

  const setStatus = (
    s: { online: boolean; oldestAgeMin?: number | null; depth?: number | null },
    key = KEY,
  ) =>
    deviceStatusStore.upsert(t.db, key, {
      online: s.online,
      session: 1,
      lastSeen: clock.now(),
      lastBirth: T0,
      outboxDepth: s.depth ?? null,
      outboxOldestAgeMs: s.oldestAgeMin == null ? null : s.oldestAgeMin * MINUTE,
      configVersion: null,
      agentVersion: null,
      updatedAt: clock.now(),
    });

  const ofType = async (type: string) =>
    (await alarms.list()).filter((a) => a.type === type).reverse();

  describe('device_offline', () => {
    it('raises after more than 10 minutes offline and resolves when the device is back', async () => {
      await setStatus({ online: false });
      await startRules();
      await advance(9);
      expect(await ofType('device_offline')).toEqual([]);
      await advance(2);
      const [raised, ...others] = await ofType('device_offline');
      expect(others).toEqual([]);
      expect(raised).toMatchObject({
        ...KEY,
        subject: null,
        severity: 'alarm',
        state: 'open',
        source: 'rule',
        occurrences: 1,
        message: 'station/lockers-2 offline for more than 10 min',
        details: { offlineSince: new Date(T0).toISOString(), afterMinutes: 10 },
      });
      // Still offline an hour later: still the one alarm, not one occurrence a minute.
      await advance(60);
      expect(await ofType('device_offline')).toEqual([raised]);

      await setStatus({ online: true });
      await advance(1);
      expect(await ofType('device_offline')).toEqual([
        {
          ...raised,
          state: 'resolved',
          resolved: { by: 'system', at: clock.now(), note: 'device back online' },
        },
      ]);
      const audit = (await listAudit(t.db, { limit: 10 })).reverse();
      expect(audit.map((e) => [e.actor, e.action])).toEqual([
        ['system', 'alarm.raise'],
        ['system', 'alarm.resolve'],
      ]);
    });

    it('raises nothing for a device that never connected', async () => {
      // lockers-3 is registered but has no status row; lockers-2 is online.
      await setStatus({ online: true });
      await startRules();
      await advance(30);
      expect(await alarms.list()).toEqual([]);
    });

    it('does not reopen what a person resolved during the same outage, but does the next one', async () => {
      await setStatus({ online: false });
      await startRules();
      await advance(11);
      const [first] = await ofType('device_offline');
      await alarms.resolve(first?.id ?? 0, 'anna', 'known: power works tonight');
      await advance(30);
      expect((await ofType('device_offline')).map((a) => a.state)).toEqual(['resolved']);

      await setStatus({ online: true });
      await advance(5);
      await setStatus({ online: false });
      await advance(10);
      expect(await ofType('device_offline')).toHaveLength(1);
      await advance(1);
      const all = await ofType('device_offline');
      expect(all.map((a) => a.state)).toEqual(['resolved', 'open']);
      expect(all[1]?.details.offlineSince).toBe(new Date(T0 + 46 * MINUTE).toISOString());
    });

    it('resolves the alarm of a device that was removed', async () => {
      await setStatus({ online: false }, { site: 'station', device: 'lockers-3' });
      await startRules();
      await advance(11);
      expect((await ofType('device_offline')).map((a) => a.state)).toEqual(['open']);
      await t.db.deleteFrom('device_status').where('device_id', '=', 'lockers-3').execute();
      await advance(1);
      expect(await ofType('device_offline')).toMatchObject([
        { state: 'resolved', resolved: { by: 'system', note: 'device removed' } },
      ]);
    });

    it('takes its threshold from the settings', async () => {
      await setStatus({ online: false });
      await startRules({ offlineAfterMinutes: 2 });
      await advance(2);
      expect(await ofType('device_offline')).toEqual([]);
      await advance(1);
      expect(await ofType('device_offline')).toHaveLength(1);
    });

    it('evaluates once at start', async () => {
      await setStatus({ online: false });
      await clock.advance(15 * MINUTE);
      await startRules();
      expect(await ofType('device_offline')).toHaveLength(1);
    });
  });

  describe('outbox_backlog', () => {
    it('raises above 30 minutes while online and resolves once drained', async () => {
      await setStatus({ online: true, oldestAgeMin: 29, depth: 120 });
      await startRules();
      await advance(1);
      expect(await ofType('outbox_backlog')).toEqual([]);

      await setStatus({ online: true, oldestAgeMin: 31, depth: 150 });
      await advance(1);
      const [raised, ...others] = await ofType('outbox_backlog');
      expect(others).toEqual([]);
      expect(raised).toMatchObject({
        severity: 'warning',
        state: 'open',
        source: 'rule',
        message: 'station/lockers-2 outbox not draining: oldest message 31 min old, 150 queued',
        details: { oldestAgeMs: 31 * MINUTE, depth: 150, afterMinutes: 30 },
      });
      await setStatus({ online: true, oldestAgeMin: 45, depth: 170 });
      await advance(5);
      expect(await ofType('outbox_backlog')).toMatchObject([{ id: raised?.id, occurrences: 1 }]);

      await setStatus({ online: true, oldestAgeMin: null, depth: 0 });
      await advance(1);
      expect(await ofType('outbox_backlog')).toMatchObject([
        { id: raised?.id, state: 'resolved', resolved: { by: 'system', note: 'outbox drained' } },
      ]);
    });

    it('raises nothing for an offline device, and keeps an alarm raised before it went offline', async () => {
      await setStatus({ online: false, oldestAgeMin: 90 });
      await startRules({ offlineAfterMinutes: 600 });
      await advance(2);
      expect(await ofType('outbox_backlog')).toEqual([]);

      await setStatus({ online: true, oldestAgeMin: 90 });
      await advance(1);
      expect((await ofType('outbox_backlog')).map((a) => a.state)).toEqual(['open']);
      await setStatus({ online: false, oldestAgeMin: 90 });
      await advance(5);
      // Offline, the backlog is unknown rather than drained.
      expect((await ofType('outbox_backlog')).map((a) => a.state)).toEqual(['open']);
    });

    it('takes its threshold from the settings', async () => {
      await setStatus({ online: true, oldestAgeMin: 6 });
      await startRules({ backlogAfterMinutes: 5 });
      expect(await ofType('outbox_backlog')).toHaveLength(1);
    });
  });

  it('stops evaluating once stopped', async () => {
    await startRules();
    await rules.stop();
    await setStatus({ online: false });
    await advance(20);
    expect(await alarms.list()).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
