import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ManualClock } from '@hameau/protocol';
import { buildApp, type DomainPlugin } from '../src/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { silent } from './helpers/test-app.js';

describe('buildApp', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await t.drop();
  });

  it('lists every problem of its options at once', () => {
    const err = (() => {
      try {
        buildApp({
          db: {} as never,
          clock: { now: 1 } as never,
          bodyLimit: -1,
          extra: true,
        } as never);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const key of ['db', 'clock', 'bodyLimit', 'extra']) expect(problems).toContain(key);
  });

  it('registers extra domains with the shared context under their prefix', async () => {
    const seen: unknown[] = [];
    const ingestion: DomainPlugin = {
      name: 'ingestion',
      prefix: '/api/v1/ingest',
      plugin: (app, { ctx }) => {
        seen.push(ctx.db, ctx.clock);
        app.get('/now', () => ({ now: ctx.clock.now() }));
        return Promise.resolve();
      },
    };
    const clock = new ManualClock(42);
    const app = buildApp({ db: t.db, clock, log: silent, plugins: [ingestion] });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/ingest/now' });
      expect(res.json()).toEqual({ now: 42 });
      expect(seen).toEqual([t.db, clock]);
      expect(app.hameau.clock).toBe(clock);
    } finally {
      await app.close();
    }
  });

  it('can leave out swagger-ui', async () => {
    const app = buildApp({ db: t.db, clock: new ManualClock(), log: silent, docs: false });
    try {
      expect((await app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
