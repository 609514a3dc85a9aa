import type { Logger } from 'pino';
import { ReportedStatePayload } from '@hameau/protocol';
import { buildApp, type ApiApp } from '../../src/app.js';
import type { TokenRole } from '../../src/auth/caller.js';
import type { IngestedMessage } from '../../src/ingestion/ingested-message.js';
import type { Dialect } from '../../src/storage/dialect.js';
import { FakePublisher } from '../commands/fake-publisher.js';
import { createTestApp, silent, type TestApp } from '../helpers/test-app.js';

/** The device every test configures, and a second one on another site. */
export const LOCKERS = { site: 'gare', device: 'lockers-1' } as const;
export const METERS = { site: 'market', device: 'meters-1' } as const;

interface Key {
  readonly site: string;
  readonly device: string;
}

/** One version as the API answers it. */
export interface DesiredJson {
  version: number;
  config: Record<string, unknown>;
  issuedAt: string;
  issuedBy: string;
  publishedAt: string | null;
}

/** `GET …/config` and the answer of `PUT` and `resync`. */
export interface ConfigJson {
  desired: DesiredJson | null;
  reported: {
    configVersion: number | null;
    rejected: { version: number; reason: string } | null;
    ignoredKeys: Record<string, string[]>;
    at: string;
  } | null;
  inSync: boolean;
}

export interface ErrorJson {
  error: { code: string; message: string; details?: { issues: { path: string }[] } };
}

interface Answer<T> {
  readonly status: number;
  readonly body: T;
}

/** The API with a fake broker connection, two registered devices and helpers for configs. */
export interface ConfigTestApp {
  /** The current app; `restart` replaces it. */
  readonly app: ApiApp;
  readonly t: TestApp;
  readonly publisher: FakePublisher;
  readonly put: (
    body: Record<string, unknown>,
    opts?: { role?: TokenRole; key?: Key },
  ) => Promise<Answer<ConfigJson>>;
  /** `GET …/config`, failing the test unless it answers 200. */
  readonly get: (key?: Key) => Promise<ConfigJson>;
  readonly versions: (
    query?: string,
    key?: Key,
  ) => Promise<Answer<{ versions: DesiredJson[]; next: number | null }>>;
  readonly resync: (opts?: { role?: TokenRole; key?: Key }) => Promise<Answer<ConfigJson>>;
  /** Hands one batch to the ingestion hub, as the pipeline would. */
  readonly dispatch: (messages: IngestedMessage[]) => Promise<void>;
  /** A `…/state` message from a device, parsed like ingestion does, received now. */
  readonly reported: (
    state: {
      configVersion: number | null;
      rejected?: { version: number; reason: string };
      at?: string;
      /** Each module's state; a locker with 12 boxes when left out. */
      modules?: Record<string, Record<string, unknown>>;
    },
    key?: Key,
  ) => IngestedMessage;
  /** Closes the app, keeps the database, and builds a new ready app on it (same clock, broker). */
  readonly restart: () => Promise<void>;
  readonly close: () => Promise<void>;
}

export async function createConfigTestApp(
  dialect: Dialect,
  opts: { connected?: boolean; log?: Logger; publisher?: FakePublisher } = {},
): Promise<ConfigTestApp> {
  const publisher = opts.publisher ?? new FakePublisher(opts.connected ?? false);
  const log = opts.log ?? silent;
  const t = await createTestApp({ dialect, options: { publisher, log } });
  let app = t.app;
  await app.hameau.devices.create({ ...LOCKERS, kind: 'locker' }, 'test');
  await app.hameau.devices.create({ ...METERS, kind: 'meters' }, 'test');
  await app.ready();
  const url = (key: Key, rest = '') => `/api/v1/devices/${key.site}/${key.device}/config${rest}`;

  return {
    get app() {
      return app;
    },
    t,
    publisher,
    async put(body, { role = 'technician', key = LOCKERS } = {}) {
      const res = await app.inject({
        method: 'PUT',
        url: url(key),
        headers: t.as(role),
        payload: body,
      });
      return { status: res.statusCode, body: res.json<ConfigJson>() };
    },
    async get(key = LOCKERS) {
      const res = await app.inject({ method: 'GET', url: url(key), headers: t.as('technician') });
      if (res.statusCode !== 200) throw new Error(`GET config: ${res.statusCode} ${res.body}`);
      return res.json<ConfigJson>();
    },
    async versions(query = '', key = LOCKERS) {
      const res = await app.inject({
        method: 'GET',
        url: url(key, `/versions${query}`),
        headers: t.as('technician'),
      });
      return { status: res.statusCode, body: res.json() };
    },
    async resync({ role = 'technician', key = LOCKERS } = {}) {
      const res = await app.inject({
        method: 'POST',
        url: url(key, '/resync'),
        headers: t.as(role),
      });
      return { status: res.statusCode, body: res.json<ConfigJson>() };
    },
    dispatch: (messages) => app.hameau.ingestion.dispatch(messages),
    reported(state, key = LOCKERS) {
      const payload = ReportedStatePayload.parse({
        at: state.at ?? new Date(t.clock.now()).toISOString(),
        configVersion: state.configVersion,
        ...(state.rejected && { rejected: state.rejected }),
        modules: state.modules ?? { locker: { boxes: 12 } },
      });
      return { ...key, receivedAt: t.clock.now(), kind: 'reportedState', payload };
    },
    async restart() {
      await app.close();
      app = buildApp({ db: t.database.db, clock: t.clock, log, publisher });
      await app.ready();
    },
    async close() {
      await app.close();
      await t.database.drop();
    },
  };
}
