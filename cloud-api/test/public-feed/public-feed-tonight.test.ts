import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import type { IngestedMessage } from '../../src/ingestion/ingested-message.js';
import { IngestionHub } from '../../src/ingestion/ingestion-hub.js';
import { triggersLighting } from '../../src/public-feed/lighting-feed-section.js';
import {
  FEED_READS_AFTER,
  publicFeedPlugin,
  requireListenersBefore,
} from '../../src/public-feed/public-feed-plugin.js';
import { DIALECTS } from '../helpers/test-database.js';
import { createPublicFeedApp, LAMPS, NOW, type PublicFeedApp } from './public-feed-app.js';
import { SseClient } from './sse-client.js';

// The lighting section's savings: tonight's so far while a controller reports a night in
// progress (its `lighting` telemetry), the last summarised night's otherwise; and the feed
// reading through the app context's domain services, after the lighting domain's listener.

interface LightingSection {
  tonight: {
    night: string;
    since: string | null;
    at: string;
    savingsPct: number | null;
    energyWh: number;
    baselineWh: number;
    zones: number;
  } | null;
  lastNight: { night: string; savingsPct: number | null } | null;
}

interface Payload {
  sections: { lighting?: LightingSection | null; energy?: unknown };
}

const HOUR = 3_600_000;
const iso = (t: number) => new Date(t).toISOString();

/** A zone's night so far; the app's clock (13:00 in Paris) stands in for the evening. */
const soFar = (energyWh: number, baselineWh: number) => ({
  night: '2026-11-25',
  since: iso(NOW - 3 * HOUR),
  until: iso(NOW + 12 * HOUR),
  energyWh,
  baselineWh,
  savingsPct: Math.round((1000 * (baselineWh - energyWh)) / baselineWh) / 10,
  litHours: 3,
  minLevel: 60,
  coveredHours: 3,
});

describe.each(DIALECTS)('the public feed’s lighting savings (%s)', (dialect) => {
  let f: PublicFeedApp;
  const clients: SseClient[] = [];
  const open = async () => {
    const client = await SseClient.open(`${f.url}/api/v1/public/live`);
    clients.push(client);
    await client.waitForEvents(1);
    return client;
  };
  /** The next update's payload, after the feed's short batching delay. */
  const nextUpdate = async (client: SseClient, count: number): Promise<Payload> => {
    await f.clock.advance(250);
    const events = await client.waitForEvents(count);
    const last = events.at(-1);
    expect(last?.event).toBe('update');
    return JSON.parse(last?.data ?? '{}') as Payload;
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await f.close();
  });

  it('shows tonight’s savings as the reports come, then the night summed up', async () => {
    f = await createPublicFeedApp(dialect);
    const client = await open();

    await f.ingest([f.lightingReport(1, 'connetable', soFar(2_700, 3_600))]);
    const first = await nextUpdate(client, 2);
    // Only lighting: a night report leaves the energy section alone.
    expect(Object.keys(first.sections)).toEqual(['lighting']);
    expect(first.sections.lighting).toMatchObject({
      tonight: {
        night: '2026-11-25',
        since: iso(NOW - 3 * HOUR),
        at: iso(NOW),
        savingsPct: 25,
        energyWh: 2_700,
        baselineWh: 3_600,
        zones: 1,
      },
      lastNight: null,
    });

    // Five minutes later, both zones: the figure grows.
    await f.clock.advance(5 * 60_000 - 250);
    await f.ingest([
      f.lightingReport(2, 'connetable', soFar(2_900, 3_900)),
      f.lightingReport(3, 'lane', soFar(100, 400)),
    ]);
    const events = client.events.length;
    const grown = await nextUpdate(client, events + 1);
    expect(grown.sections.lighting?.tonight).toMatchObject({
      energyWh: 3_000,
      baselineWh: 4_300,
      savingsPct: 30.2,
      zones: 2,
    });

    // Switch-off: the last reports and the summaries; the page now shows the night summed up.
    const summary = (seq: number, zone: string, energyWh: number, baselineWh: number) =>
      f.lightingEvent(seq, 'night-summary', {
        zone,
        night: '2026-11-25',
        energyWh,
        baselineWh,
        savingsPct: Math.round((1000 * (baselineWh - energyWh)) / baselineWh) / 10,
        litHours: 15,
        minLevel: 60,
      });
    await f.ingest([summary(5, 'connetable', 12_000, 18_000), summary(6, 'lane', 1_000, 2_000)]);
    const ended = await nextUpdate(client, events + 2);
    expect(ended.sections.lighting).toMatchObject({
      tonight: null,
      lastNight: { night: '2026-11-25', savingsPct: 35 },
    });
  });

  it('is triggered by a lighting report with the night so far, not by one without it', async () => {
    f = await createPublicFeedApp(dialect);
    const report = (night?: Record<string, unknown>): IngestedMessage => {
      const { topic, payload } = f.lightingReport(9, 'lane', night);
      const stream = TOPICS.telemetry.match(topic)?.stream ?? '';
      const parsed = TOPICS.telemetry.decode(JSON.stringify(payload));
      return { ...LAMPS, receivedAt: NOW, kind: 'telemetry', stream, payload: parsed };
    };
    expect(triggersLighting(report(soFar(1, 2)))).toBe(true);
    // An older agent's report, or a day's: levels come by events, so nothing changes.
    expect(triggersLighting(report())).toBe(false);
    const meter = { ...report(soFar(1, 2)), stream: 'energy' };
    expect(triggersLighting(meter)).toBe(false);
  });

  it('reads through the app context’s services, after the lighting listener', async () => {
    f = await createPublicFeedApp(dialect);
    const ctx = f.t.app.hameau;
    const names = ctx.ingestion.listenerNames;
    expect(names.indexOf('lighting')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('lighting')).toBeLessThan(names.indexOf('public-feed'));
    const tonight = vi.spyOn(ctx.lightingReports, 'tonight');
    const power = vi.spyOn(ctx.energy, 'now');
    const res = await fetch(`${f.url}/api/v1/public/snapshot`);
    expect(res.status).toBe(200);
    // Both feeds of the test app (the capped one too) compute on the same instances.
    expect(tonight).toHaveBeenCalled();
    expect(power).toHaveBeenCalled();
    // The energy routes answer from the same service.
    power.mockClear();
    expect((await fetch(`${f.url}/api/v1/energy/now`)).status).toBe(200);
    expect(power).toHaveBeenCalledTimes(1);
  });

  it('refuses to be registered before the domains it reads after', async () => {
    f = await createPublicFeedApp(dialect);
    const hub = new IngestionHub();
    expect(() => {
      requireListenersBefore(hub, FEED_READS_AFTER);
    }).toThrow(/missing: lighting/);
    const bare = Fastify();
    void bare.register(publicFeedPlugin, { ctx: { ...f.t.app.hameau, ingestion: hub } });
    await expect(bare.ready()).rejects.toThrow(/after the domains .*missing: lighting/);
    await bare.close();
  });
});
