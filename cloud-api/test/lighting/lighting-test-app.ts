import {
  EventPayload,
  ReportedStatePayload,
  TelemetryPayload,
  type DeviceKind,
} from '@hameau/protocol';
import type { TokenRole } from '../../src/auth/caller.js';
import type { IngestedMessage, IngestedOf } from '../../src/ingestion/ingested-message.js';
import type { Dialect } from '../../src/storage/dialect.js';
import { FakePublisher } from '../commands/fake-publisher.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** The lighting controller every test works on, a second one, and a device of another kind. */
export const LAMPS = { site: 'ville', device: 'lamps-1' } as const;
export const GARE_LAMPS = { site: 'gare', device: 'lamps-2' } as const;
export const LOCKERS = { site: 'ville', device: 'lockers-1' } as const;

export interface Key {
  readonly site: string;
  readonly device: string;
}

/** `GET …/lighting` and the answer of every edit. */
export interface LightingJson {
  version: number;
  desired: {
    lighting: Record<string, unknown> | null;
    issuedAt: string;
    issuedBy: string;
    publishedAt: string | null;
  } | null;
  reported: {
    configVersion: number | null;
    rejected: { version: number; reason: string } | null;
    at: string;
  } | null;
  applied: { version: number; lighting: Record<string, unknown> | null } | null;
  inSync: boolean;
}

export interface ErrorJson {
  error: {
    code: string;
    message: string;
    details?: { issues: { path: string; message: string }[] };
  };
}

export interface Answer<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Record<string, unknown>;
}

/** The API on a fake broker connection with two lighting controllers and a locker bank. */
export interface LightingTestApp {
  readonly t: TestApp;
  readonly publisher: FakePublisher;
  /** Any request as a role (technician by default); `url` is under `/api/v1`. */
  request<T = unknown>(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    opts?: { body?: unknown; role?: TokenRole | null; headers?: Record<string, string> },
  ): Promise<Answer<T>>;
  /** `…/devices/{site}/{device}/lighting` + rest. */
  url(rest?: string, key?: Key): string;
  /** `GET …/lighting`, failing the test unless it answers 200. */
  lighting(key?: Key): Promise<LightingJson>;
  /** Hands one batch to the ingestion hub, as the pipeline would. */
  dispatch(messages: IngestedMessage[]): Promise<void>;
  /** A `…/state` report of a controller, received now. */
  reported(configVersion: number | null, key?: Key): IngestedMessage;
  /** A device event, parsed like ingestion does, received now. */
  event(
    type: string,
    seq: number,
    data: Record<string, unknown>,
    opts?: { key?: Key; subject?: string; at?: number },
  ): IngestedOf<'event'>;
  /** A zone's `lighting` telemetry (with `night` when given), parsed like ingestion does. */
  lightingReport(
    zone: string,
    seq: number,
    night?: Record<string, unknown>,
    opts?: { key?: Key; at?: number },
  ): IngestedOf<'telemetry'>;
  close(): Promise<void>;
}

export async function createLightingTestApp(
  dialect: Dialect,
  opts: { connected?: boolean } = {},
): Promise<LightingTestApp> {
  const publisher = new FakePublisher(opts.connected ?? true);
  const t = await createTestApp({ dialect, options: { publisher } });
  const devices: [Key, DeviceKind][] = [
    [LAMPS, 'lighting'],
    [GARE_LAMPS, 'lighting'],
    [LOCKERS, 'locker'],
  ];
  for (const [key, kind] of devices) await t.app.hameau.devices.create({ ...key, kind }, 'test');
  await t.app.ready();

  const app = {
    t,
    publisher,
    async request<T>(
      method: 'GET' | 'PUT' | 'POST' | 'DELETE',
      url: string,
      o: { body?: unknown; role?: TokenRole | null; headers?: Record<string, string> } = {},
    ): Promise<Answer<T>> {
      const role = o.role === undefined ? 'technician' : o.role;
      const res = await t.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { ...(role !== null && t.as(role)), ...o.headers },
        ...(o.body !== undefined && { payload: o.body as Record<string, unknown> }),
      });
      return { status: res.statusCode, body: res.json<T>(), headers: res.headers };
    },
    url: (rest = '', key: Key = LAMPS) => `/devices/${key.site}/${key.device}/lighting${rest}`,
    async lighting(key: Key = LAMPS) {
      const res = await app.request<LightingJson>('GET', app.url('', key));
      if (res.status !== 200)
        throw new Error(`GET lighting: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    dispatch: (messages: IngestedMessage[]) => t.app.hameau.ingestion.dispatch(messages),
    reported(configVersion: number | null, key: Key = LAMPS): IngestedMessage {
      const payload = ReportedStatePayload.parse({
        at: new Date(t.clock.now()).toISOString(),
        configVersion,
        modules: {},
      });
      return { ...key, receivedAt: t.clock.now(), kind: 'reportedState', payload };
    },
    event(
      type: string,
      seq: number,
      data: Record<string, unknown>,
      o: { key?: Key; subject?: string; at?: number } = {},
    ): IngestedOf<'event'> {
      const payload = EventPayload.parse({
        seq,
        at: new Date(o.at ?? t.clock.now()).toISOString(),
        historical: false,
        severity: 'info',
        ...(o.subject !== undefined && { subject: o.subject }),
        data,
      });
      return { ...(o.key ?? LAMPS), receivedAt: t.clock.now(), kind: 'event', type, payload };
    },
    lightingReport(
      zone: string,
      seq: number,
      night?: Record<string, unknown>,
      o: { key?: Key; at?: number } = {},
    ): IngestedOf<'telemetry'> {
      const payload = TelemetryPayload.parse({
        seq,
        at: new Date(o.at ?? t.clock.now()).toISOString(),
        historical: false,
        source: zone,
        values: { level: 60, lit: 1, expected_power_w: 1080 },
        ...(night !== undefined && { night }),
      });
      const key = o.key ?? LAMPS;
      return { ...key, receivedAt: t.clock.now(), kind: 'telemetry', stream: 'lighting', payload };
    },
    close: () => t.close(),
  };
  return app;
}

/** Two zones, a program and the calendar that uses it, as a technician writes them. */
export const TOWN = {
  zones: [
    {
      id: 'connetable',
      name: 'Rue du Connétable',
      class: 'M4',
      lamps: [{ count: 30, ratedW: 60 }],
    },
    { id: 'lane', name: 'Chemin des Aigles', class: 'P5' },
  ],
  programs: [
    {
      id: 'standard',
      steps: [{ level: 100, until: '23:00' }, { level: 60, until: '05:30' }, { level: 80 }],
    },
  ],
  defaultProgram: 'standard',
  calendar: [{ name: 'weekend', program: 'standard', when: { weekdays: ['fri', 'sat'] } }],
};
