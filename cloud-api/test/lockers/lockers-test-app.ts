import type { Logger } from 'pino';
import {
  EventPayload,
  TOPICS,
  type CredentialSetPayload,
  type LockerEventType,
} from '@hameau/protocol';
import { buildApp, type ApiApp } from '../../src/app.js';
import type { TokenRole } from '../../src/auth/caller.js';
import type { IngestedMessage } from '../../src/ingestion/ingested-message.js';
import type { LockerBank, LockerBox, Reservation } from '../../src/lockers/locker.js';
import { bankHashKey } from '../../src/lockers/locker-keys.js';
import type { LockerNotifier } from '../../src/lockers/locker-notifier.js';
import type { Dialect } from '../../src/storage/dialect.js';
import { FakePublisher } from '../commands/fake-publisher.js';
import { createTestApp, silent, type TestApp } from '../helpers/test-app.js';

/** The device that drives the test bank, and a meters device on another site. */
export const LOCKERS = { site: 'gare', device: 'lockers-1' } as const;
export const METERS = { site: 'market', device: 'meters-1' } as const;
export const BANK = 'gare-nord';
export const PEPPER = 'test-pepper-0123456789-abcdefghijklmnop';

/** The test bank's boxes: two S, two M, one L, one XL, numbered out of size order on purpose. */
export const BOXES = [
  { number: 4, size: 'M' },
  { number: 1, size: 'S' },
  { number: 2, size: 'S' },
  { number: 3, size: 'M' },
  { number: 5, size: 'L' },
  { number: 6, size: 'XL' },
] as const;

/** One notifier call, as the recording notifier keeps it. */
export interface NotifierCall {
  readonly kind: 'ready' | 'expired';
  readonly reservation: Reservation;
  readonly bank: LockerBank;
  readonly box: LockerBox;
}

/** A notifier that records its calls and fails on demand (a mail gateway down). */
export class RecordingNotifier implements LockerNotifier {
  readonly name = 'recording';
  readonly calls: NotifierCall[] = [];
  failing = false;

  parcelReady(reservation: Reservation, bank: LockerBank, box: LockerBox): Promise<void> {
    return this.#call({ kind: 'ready', reservation, bank, box });
  }

  parcelExpired(reservation: Reservation, bank: LockerBank, box: LockerBox): Promise<void> {
    return this.#call({ kind: 'expired', reservation, bank, box });
  }

  #call(call: NotifierCall): Promise<void> {
    if (this.failing) return Promise.reject(new Error('notifier down'));
    this.calls.push(call);
    return Promise.resolve();
  }
}

/** A reservation as the API answers it. */
export interface ReservationJson {
  id: string;
  bank: string;
  box: number;
  size: string;
  merchant: string;
  reference: string;
  state: string;
  stateAt: string;
  createdAt: string;
  pickupFrom: string;
  expiresAt: string;
  depositedAt: string | null;
  readyAt: string | null;
  pickedUpAt: string | null;
  finishedAt: string | null;
  recipient: Record<string, string> | null;
}

export interface CreatedJson {
  reservation: ReservationJson;
  pickupCode: string;
  dropoffCode: string;
}

export interface DetailJson {
  reservation: ReservationJson;
  history: { at: string; event: string; actor: string; details: Record<string, unknown> }[];
}

export interface ErrorJson {
  error: { code: string; message: string; details?: { issues: { path: string }[] } };
}

interface Answer<T> {
  readonly status: number;
  readonly body: T;
}

type Headers = Record<string, string>;

export interface LockerTestApp {
  /** The current app; `restart` replaces it. */
  readonly app: ApiApp;
  readonly t: TestApp;
  readonly publisher: FakePublisher;
  readonly notifier: RecordingNotifier;
  /** The test bank's code-hash key, derived the way the agent is given it. */
  readonly bankKey: Buffer;
  /** Bearer headers for a role, or for the second merchant (`bakery`). */
  readonly as: (who: TokenRole | 'bakery') => Headers;
  readonly request: <T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    opts?: { who?: TokenRole | 'bakery' | 'public'; body?: unknown },
  ) => Promise<Answer<T>>;
  /** `POST /lockers/reservations` as the merchant unless told, with defaults for the bank. */
  readonly reserve: (
    body?: Record<string, unknown>,
    who?: TokenRole | 'bakery',
  ) => Promise<Answer<CreatedJson>>;
  /** `GET /lockers/reservations/{id}` as admin; fails the test unless 200. */
  readonly detail: (id: string) => Promise<DetailJson>;
  /** A locker event from the bank's agent, parsed like ingestion does, received now. */
  readonly event: (
    type: LockerEventType,
    data: Record<string, unknown>,
    opts?: { seq?: number; severity?: 'info' | 'warning' | 'alarm'; subject?: string },
  ) => IngestedMessage;
  readonly dispatch: (messages: IngestedMessage[]) => Promise<void>;
  /** The credential sets published so far for the test bank, decoded like the agent does. */
  readonly sets: () => CredentialSetPayload[];
  /** The newest published set; fails the test when none was. */
  readonly lastSet: () => CredentialSetPayload;
  /** Closes the app, keeps the database, and builds a new ready app on it. */
  readonly restart: () => Promise<void>;
  readonly close: () => Promise<void>;
}

/**
 * The API with a fake broker, a locker device and a meters device, the bank `gare-nord` with
 * six boxes, tokens per role plus a second merchant, and a recording notifier.
 */
export async function createLockerTestApp(
  dialect: Dialect,
  opts: { connected?: boolean; log?: Logger; notifier?: LockerNotifier } = {},
): Promise<LockerTestApp> {
  const publisher = new FakePublisher(opts.connected ?? true);
  const notifier = new RecordingNotifier();
  const log = opts.log ?? silent;
  const lockers = { pepper: PEPPER, notifier: opts.notifier ?? notifier };
  const t = await createTestApp({ dialect, options: { publisher, log, lockers } });
  let app = t.app;
  await app.hameau.devices.create({ ...LOCKERS, kind: 'locker' }, 'test');
  await app.hameau.devices.create({ ...METERS, kind: 'meters' }, 'test');
  const bakery = (await app.hameau.tokens.create({ name: 'bakery', role: 'merchant' }, 'test'))
    .token;
  await app.ready();
  const as = (who: TokenRole | 'bakery'): Headers =>
    who === 'bakery' ? { authorization: `Bearer ${bakery}` } : t.as(who);
  let seq = 0;

  const request = async <T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    { who = 'admin', body }: { who?: TokenRole | 'bakery' | 'public'; body?: unknown } = {},
  ): Promise<Answer<T>> => {
    const res = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who === 'public' ? {} : as(who),
      ...(body !== undefined && { payload: body as Record<string, unknown> }),
    });
    return { status: res.statusCode, body: (res.body === '' ? undefined : res.json()) as T };
  };

  const created = await request('POST', '/lockers/banks', {
    who: 'admin',
    body: {
      id: BANK,
      ...LOCKERS,
      name: 'Gare, côté nord',
      location: { lat: 45.19, lon: 5.71, label: 'Parvis de la gare' },
      boxes: BOXES,
    },
  });
  if (created.status !== 201)
    throw new Error(`bank: ${created.status} ${JSON.stringify(created.body)}`);

  const sets = () =>
    publisher.published
      .filter((p) => p.topic === TOPICS.credentials.build(LOCKERS))
      .map((p) => TOPICS.credentials.decode(JSON.stringify(p.payload)));

  return {
    get app() {
      return app;
    },
    t,
    publisher,
    notifier,
    bankKey: bankHashKey(PEPPER, LOCKERS.site, LOCKERS.device),
    as,
    request,
    reserve: (body = {}, who = 'merchant') =>
      request<CreatedJson>('POST', '/lockers/reservations', {
        who,
        body: { bank: BANK, size: 'M', reference: `order-${++seq}`, ...body },
      }),
    async detail(id) {
      const res = await request<DetailJson>('GET', `/lockers/reservations/${id}`);
      if (res.status !== 200) throw new Error(`GET ${id}: ${res.status}`);
      return res.body;
    },
    event(type, data, { seq: s = ++seq, severity = 'info', subject } = {}) {
      const payload = EventPayload.parse({
        seq: s,
        at: new Date(t.clock.now()).toISOString(),
        historical: false,
        severity,
        ...(subject !== undefined && { subject }),
        data,
      });
      return { ...LOCKERS, receivedAt: t.clock.now(), kind: 'event', type, payload };
    },
    dispatch: (messages) => app.hameau.ingestion.dispatch(messages),
    sets,
    lastSet() {
      const last = sets().at(-1);
      if (last === undefined) throw new Error('no credential set was published');
      return last;
    },
    async restart() {
      await app.close();
      app = buildApp({ db: t.database.db, clock: t.clock, log, publisher, lockers });
      await app.ready();
    },
    async close() {
      await app.close();
      await t.database.drop();
    },
  };
}
