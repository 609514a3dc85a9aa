import { describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.js';

describe('GET /healthz', () => {
  it('answers 200 while the database answers, 503 once it does not', async () => {
    const t = await createTestApp();
    try {
      const ok = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ status: 'ok', database: 'ok' });
      await t.database.close();
      const down = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(down.statusCode).toBe(503);
      expect(down.json<{ error: { code: string } }>().error.code).toBe('DATABASE_UNAVAILABLE');
    } finally {
      await t.app.close();
      await t.database.drop();
    }
  });
});
