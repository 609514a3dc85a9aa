import type { AddressInfo } from 'node:net';
import { ManualClock, TOPICS } from '@hameau/protocol';
import type { DomainPlugin } from '../../src/app.js';
import { IngestPipeline } from '../../src/ingestion/ingest-pipeline.js';
import { publicFeedPlugin } from '../../src/public-feed/public-feed-plugin.js';
import type { PublicFeedSettingsInput } from '../../src/public-feed/public-feed-settings.js';
import type { Dialect } from '../../src/storage/dialect.js';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import { HALL, MINUTE, reading, SCHOOL, SOLAR, steady } from '../energy/energy-kit.js';
import { createTestApp, silent, type TestApp } from '../helpers/test-app.js';

/** The app's clock reads 2026-11-25T12:00Z (13:00 in Paris). */
export const NOW = Date.UTC(2026, 10, 25, 12);
export const LAMPS = { site: 'ville', device: 'lamps-1' } as const;

/** The zones technicians gave the controller, as the lighting API takes them. */
const LIGHTING = {
  zones: [
    {
      id: 'connetable',
      name: 'Rue du Connétable',
      class: 'M4',
      lamps: [{ count: 30, ratedW: 60 }],
    },
    { id: 'lane', name: 'Chemin des Aigles', class: 'P5' },
  ],
};

/**
 * The API listening on port 0 with a town's energy readings since the day before yesterday
 * (town hall 1.5 kW, school 0.75 kW, school roof solar 0.375 kW, read every 5 minutes), a
 * lighting controller with named zones, the real ingestion pipeline in front of its hub, and a
 * second feed mounted at `/capped/public/…` with `capped` settings.
 */
export interface PublicFeedApp {
  readonly t: TestApp;
  readonly clock: ManualClock;
  readonly url: string;
  /** Runs journal entries through the ingestion pipeline (store, dedupe, domains). */
  ingest(entries: { topic: string; payload: unknown }[]): Promise<void>;
  /** An energy reading of a meter, as the metering module publishes it. */
  energy(
    seq: number,
    meter: { site: string; device: string; meter: string },
    values: Record<string, number>,
  ): {
    topic: string;
    payload: unknown;
  };
  /** A zone's `lighting` telemetry, with the night so far when given, as the agent sends it. */
  lightingReport(
    seq: number,
    zone: string,
    night?: Record<string, unknown>,
  ): { topic: string; payload: unknown };
  /** A lighting controller's event. */
  lightingEvent(
    seq: number,
    type: string,
    data: Record<string, unknown>,
  ): { topic: string; payload: unknown };
  close(): Promise<void>;
}

export async function createPublicFeedApp(
  dialect: Dialect,
  capped: PublicFeedSettingsInput = { maxStreams: 1 },
): Promise<PublicFeedApp> {
  const store = new EmbeddedStore({
    path: ':memory:',
    clock: new ManualClock(NOW),
    retentionIntervalMs: null,
  });
  const cappedFeed: DomainPlugin = {
    name: 'public-feed-capped',
    prefix: '/capped',
    plugin: (app, opts) => publicFeedPlugin(app, { ...opts, settings: capped }),
  };
  const t = await createTestApp({ dialect, options: { timeSeries: store, plugins: [cappedFeed] } });
  const every = { from: Date.UTC(2026, 10, 23, 22, 1), to: NOW, stepMs: 5 * MINUTE };
  await store.write([
    ...steady(HALL, { ...every, kw: 1.5, start: 1000 }),
    ...steady(SCHOOL, { ...every, kw: 0.75, start: 10 }),
    ...steady(SOLAR, { ...every, kw: 0.375, start: 5, field: 'energy_export_kwh' }),
    reading(HALL, NOW - MINUTE, { power_w: 1500 }),
    reading(SCHOOL, NOW - MINUTE, { power_w: 750 }),
    reading(SOLAR, NOW - MINUTE, { power_w: -375 }),
  ]);
  const devices = t.app.hameau.devices;
  for (const m of [HALL, SCHOOL])
    await devices.create({ site: m.site, device: m.device, kind: 'meters' }, 'test');
  await devices.create({ ...LAMPS, kind: 'lighting' }, 'test');
  const put = async (url: string, payload: Record<string, unknown>) => {
    const res = await t.app.inject({ method: 'PUT', url, headers: t.as('technician'), payload });
    if (res.statusCode !== 200) throw new Error(`PUT ${url}: ${res.statusCode} ${res.body}`);
  };
  await put(`/api/v1/energy/meters/${SOLAR.site}/${SOLAR.device}/${SOLAR.meter}`, {
    role: 'production',
  });
  await put(`/api/v1/devices/${LAMPS.site}/${LAMPS.device}/lighting`, LIGHTING);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;

  const pipeline = new IngestPipeline({
    db: t.database.db,
    store,
    hub: t.app.hameau.ingestion,
    clock: t.clock,
    log: silent,
  });
  let journalId = 0;
  return {
    t,
    clock: t.clock,
    url: `http://127.0.0.1:${port}`,
    async ingest(entries) {
      await pipeline.process(
        entries.map((e) => ({
          id: ++journalId,
          topic: e.topic,
          payload: Buffer.from(JSON.stringify(e.payload)),
          receivedAt: t.clock.now(),
        })),
      );
    },
    energy: (seq, meter, values) => ({
      topic: TOPICS.telemetry.build({ site: meter.site, device: meter.device, stream: 'energy' }),
      payload: {
        seq,
        at: new Date(t.clock.now()).toISOString(),
        historical: false,
        source: meter.meter,
        values,
      },
    }),
    lightingReport: (seq, zone, night) => ({
      topic: TOPICS.telemetry.build({ ...LAMPS, stream: 'lighting' }),
      payload: {
        seq,
        at: new Date(t.clock.now()).toISOString(),
        historical: false,
        source: zone,
        values: { level: 60, lit: 1, expected_power_w: 1080 },
        ...(night !== undefined && { night }),
      },
    }),
    lightingEvent: (seq, type, data) => ({
      topic: TOPICS.event.build({ ...LAMPS, type }),
      payload: {
        seq,
        at: new Date(t.clock.now()).toISOString(),
        historical: false,
        severity: 'info',
        data,
      },
    }),
    async close() {
      await t.close();
      await store.close();
    },
  };
}
