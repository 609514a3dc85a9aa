import { pino } from 'pino';
import { ManualClock } from '@hameau/protocol';
import { buildApp, type ApiApp, type AppOptions } from '../../src/app.js';
import type { TokenRole } from '../../src/auth/caller.js';
import type { Dialect } from '../../src/storage/dialect.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const silent = pino({ level: 'silent' });

export interface TestApp {
  readonly app: ApiApp;
  readonly database: TestDatabase;
  readonly clock: ManualClock;
  /** A bearer token per role, each named after its role (`admin`, `technician` …). */
  readonly tokens: Readonly<Record<TokenRole, string>>;
  /** `{ authorization: 'Bearer …' }` for a role. */
  as(role: TokenRole): { authorization: string };
  close(): Promise<void>;
}

/** The app on a fresh, migrated database, with one token per role. */
export async function createTestApp(
  opts: { dialect?: Dialect; options?: Partial<AppOptions> } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(opts.dialect ?? 'sqlite');
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 12));
  const app = buildApp({ db: database.db, clock, log: silent, ...opts.options });
  const tokens = {} as Record<TokenRole, string>;
  for (const role of ['admin', 'technician', 'merchant', 'resident'] as const) {
    tokens[role] = (await app.hameau.tokens.create({ name: role, role }, 'test')).token;
  }
  return {
    app,
    database,
    clock,
    tokens,
    as: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
