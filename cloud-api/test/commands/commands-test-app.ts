import type { Logger } from 'pino';
import { CommandResultPayload, type StatusPayload } from '@hameau/protocol';
import { buildApp, type ApiApp } from '../../src/app.js';
import type { TokenRole } from '../../src/auth/caller.js';
import type { IngestedMessage } from '../../src/ingestion/ingested-message.js';
import type { Dialect } from '../../src/storage/dialect.js';
import { createTestApp, silent, type TestApp } from '../helpers/test-app.js';
import { FakePublisher } from './fake-publisher.js';

/** The device every commands test talks to, and a second one on another site. */
export const LOCKERS = { site: 'gare', device: 'lockers-1' } as const;
export const METERS = { site: 'market', device: 'meters-1' } as const;

/** A command as the API answers it. */
export interface CommandJson {
  id: string;
  site: string;
  device: string;
  name: string;
  args: Record<string, unknown>;
  issuedBy: string;
  issuedAt: string;
  expiresAt: string;
  state: string;
  stateAt: string;
  attempts: number;
  sentAt: string | null;
  deliveredAt: string | null;
  finishedAt: string | null;
  result: unknown;
  lateResult: unknown;
}

export interface ErrorJson {
  error: { code: string; message: string; details?: { issues: { path: string }[] } };
}

/** The API with a fake broker connection, two registered devices and helpers for commands. */
export interface CommandsTestApp {
  /** The current app; `restart` replaces it. */
  readonly app: ApiApp;
  readonly t: TestApp;
  readonly publisher: FakePublisher;
  readonly create: (
    body: Record<string, unknown>,
    opts?: { role?: TokenRole; key?: { site: string; device: string } },
  ) => Promise<{ status: number; body: CommandJson; headers: Record<string, unknown> }>;
  readonly get: (id: string) => Promise<CommandJson>;
  /** Hands one batch to the ingestion hub, as the pipeline would. */
  readonly dispatch: (messages: IngestedMessage[]) => Promise<void>;
  /** A status message: a birth unless `state` says offline. */
  readonly birth: (
    key?: { site: string; device: string },
    session?: number,
    state?: 'online' | 'offline',
  ) => IngestedMessage;
  readonly result: (
    id: string,
    answer:
      | { status: 'accepted' }
      | { status: 'ok'; data?: Record<string, unknown> }
      | { status: 'error'; error: { code: string; message: string } },
    key?: { site: string; device: string },
  ) => IngestedMessage;
  /**
   * Closes the app, keeps the database, runs `whileDown`, and builds a new app on the database
   * (same clock and broker), ready: its start-up work is done.
   */
  readonly restart: (whileDown?: () => Promise<void>) => Promise<void>;
  readonly close: () => Promise<void>;
}

export async function createCommandsTestApp(
  dialect: Dialect,
  opts: { connected?: boolean; log?: Logger } = {},
): Promise<CommandsTestApp> {
  const publisher = new FakePublisher(opts.connected ?? false);
  const log = opts.log ?? silent;
  const t = await createTestApp({ dialect, options: { publisher, log } });
  let app = t.app;
  for (const key of [LOCKERS, METERS]) {
    await app.hameau.devices.create({ ...key, kind: 'locker' }, 'test');
  }
  await app.ready();
  let seq = 0;

  return {
    get app() {
      return app;
    },
    t,
    publisher,
    async create(body, { role = 'technician', key = LOCKERS } = {}) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/devices/${key.site}/${key.device}/commands`,
        headers: t.as(role),
        payload: body,
      });
      return { status: res.statusCode, body: res.json<CommandJson>(), headers: res.headers };
    },
    async get(id) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/commands/${id}`,
        headers: t.as('technician'),
      });
      if (res.statusCode !== 200) throw new Error(`GET ${id}: ${res.statusCode} ${res.body}`);
      return res.json<CommandJson>();
    },
    dispatch: (messages) => app.hameau.ingestion.dispatch(messages),
    birth(key = LOCKERS, session = 1, state = 'online') {
      const payload: StatusPayload = {
        state,
        session,
        at: new Date(t.clock.now()).toISOString(),
        kind: 'locker',
      };
      return { ...key, receivedAt: t.clock.now(), kind: 'status', payload };
    },
    result(id, answer, key = LOCKERS) {
      // Parsed like ingestion does: defaults filled in, anything invalid refused here.
      const payload = CommandResultPayload.parse({
        seq: ++seq,
        at: new Date(t.clock.now()).toISOString(),
        historical: false,
        id,
        name: 'unlock',
        ...answer,
      });
      return { ...key, receivedAt: t.clock.now(), kind: 'commandResult', payload };
    },
    async restart(whileDown) {
      await app.close();
      await whileDown?.();
      app = buildApp({ db: t.database.db, clock: t.clock, log, publisher });
      await app.ready();
    },
    async close() {
      await app.close();
      await t.database.drop();
    },
  };
}
