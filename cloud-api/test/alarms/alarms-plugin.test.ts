import Fastify from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { ConfigError, ManualClock } from '@hameau/protocol';
import { alarmsPlugin } from '../../src/alarms/alarms-plugin.js';
import { buildApp } from '../../src/app.js';
import { deviceStatusStore } from '../../src/devices/device-status-store.js';
import { deviceStore } from '../../src/devices/device-store.js';
import { createTestApp, silent, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase } from '../helpers/test-database.js';

const MINUTE = 60_000;

/** A registered device whose status went offline at `since`. */
async function offlineDevice(t: TestApp, since: number): Promise<void> {
  const { db } = t.database;
  await deviceStore.ensureSite(db, 'park', since);
  await deviceStore.insert(db, {
    site: 'park',
    device: 'lamps',
    kind: 'lighting',
    createdAt: since,
  });
  await deviceStatusStore.upsert(
    db,
    { site: 'park', device: 'lamps' },
    {
      online: false,
      session: 2,
      lastSeen: since,
      lastBirth: since,
      outboxDepth: null,
      outboxOldestAgeMs: null,
      configVersion: null,
      agentVersion: null,
      updatedAt: since,
    },
  );
}

describe('the alarms plugin', () => {
  it('evaluates the rules when the app is ready, with the thresholds of AppOptions.alarms', async () => {
    const t = await createTestApp({ options: { alarms: { offlineAfterMinutes: 3 } } });
    try {
      expect(t.app.hameau.alarmSettings).toEqual({
        offlineAfterMinutes: 3,
        backlogAfterMinutes: 30,
      });
      await offlineDevice(t, t.clock.now() - 4 * MINUTE);
      await t.app.ready();
      const alarms = await t.app.hameau.alarms.list();
      expect(alarms.map((a) => [a.type, a.message])).toEqual([
        ['device_offline', 'park/lamps offline for more than 3 min'],
      ]);
    } finally {
      await t.close();
    }
  });

  it('evaluates every minute until it closes, and then leaves no timer behind', async () => {
    const t = await createTestApp();
    // The plugin alone on the test app's context: no other domain's timers to count.
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    try {
      await app.register(alarmsPlugin, { ctx: t.app.hameau });
      await app.ready();
      expect(t.clock.pending).toBe(1);
      await offlineDevice(t, t.clock.now());
      await t.clock.advance(11 * MINUTE);
      // Closing waits for the evaluation that the last tick started.
      await app.close();
      expect(t.clock.pending).toBe(0);
      const alarms = await t.app.hameau.alarms.list();
      expect(alarms.map((a) => a.type)).toEqual(['device_offline']);
    } finally {
      await t.close();
    }
  });

  it('defaults to 10 and 30 minutes and reports a bad threshold by its path', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const clock = new ManualClock();
      const app = buildApp({ db: database.db, clock, log: silent });
      expect(app.hameau.alarmSettings).toEqual({
        offlineAfterMinutes: 10,
        backlogAfterMinutes: 30,
      });
      await app.close();
      const err = (() => {
        try {
          buildApp({
            db: database.db,
            clock,
            log: silent,
            alarms: { offlineAfterMinutes: 0, backlogAfterMinutes: 30, extra: 1 } as never,
          });
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('alarms.offlineAfterMinutes');
      expect(problems).toContain('extra');
    } finally {
      await database.drop();
    }
  });
});
