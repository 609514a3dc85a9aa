import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/audit/audit-store.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

interface Page {
  entries: {
    id: number;
    at: string;
    actor: string;
    action: string;
    subject: string;
    details: object;
  }[];
  next: number | null;
}

describe('/api/v1/audit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    // createTestApp wrote four token.create rows; add five more, a minute apart.
    for (let i = 0; i < 5; i++) {
      await t.clock.advance(60_000);
      await recordAudit(t.database.db, t.clock.now(), {
        actor: 'anna',
        action: 'test.step',
        subject: `step-${i}`,
        details: { i },
      });
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const page = async (query: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit${query}`,
      headers: t.as('admin'),
    });
    expect(res.statusCode).toBe(200);
    return res.json<Page>();
  };

  it('returns entries newest first with their details', async () => {
    const { entries } = await page('');
    expect(entries).toHaveLength(9);
    expect(entries[0]).toEqual({
      id: entries[0]?.id,
      at: '2026-11-25T12:05:00.000Z',
      actor: 'anna',
      action: 'test.step',
      subject: 'step-4',
      details: { i: 4 },
    });
  });

  it('pages back with limit and before', async () => {
    const seen: string[] = [];
    let query = '?limit=4';
    for (;;) {
      const p = await page(query);
      seen.push(...p.entries.map((e) => e.subject));
      if (p.next === null) break;
      query = `?limit=4&before=${p.next}`;
    }
    expect(seen).toHaveLength(9);
    expect(seen.slice(0, 5)).toEqual(['step-4', 'step-3', 'step-2', 'step-1', 'step-0']);
  });

  it('validates the query', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit?limit=0',
      headers: t.as('admin'),
    });
    expect(res.statusCode).toBe(400);
    expect(
      res.json<{ error: { details: { issues: { path: string }[] } } }>().error.details.issues[0]
        ?.path,
    ).toBe('querystring.limit');
  });

  it('is for admins only', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: t.as('technician'),
    });
    expect(res.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(401);
  });
});
