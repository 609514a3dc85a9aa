/**
 * Measures what the public feed costs: computing the sections (once per update, for every
 * viewer) and the history chart's ranges for a town of 50 meters, then one update fanned out to
 * N event streams over loopback (ingested batch → every viewer has the event). Not a test (it
 * asserts nothing); run it by hand, the benchmark (issue 7) does it properly:
 *
 *   node --conditions=source --import tsx cloud-api/test/public-feed/measure-public-feed.ts \
 *     [--meters 50] [--days 31] [--runs 20] [--viewers 1000]
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ManualClock, TOPICS } from '@hameau/protocol';
import { IngestPipeline } from '../../src/ingestion/ingest-pipeline.js';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import type { Point } from '../../src/timeseries/point.js';
import { createTestApp, silent } from '../helpers/test-app.js';
import { SseClient } from './sse-client.js';

const { values: args } = parseArgs({
  options: {
    meters: { type: 'string', default: '50' },
    days: { type: 'string', default: '31' },
    runs: { type: 'string', default: '20' },
    viewers: { type: 'string', default: '1000' },
  },
});
const METERS = Number(args.meters);
const DAYS = Number(args.days);
const RUNS = Number(args.runs);
const VIEWERS = Number(args.viewers);
const NOW = Date.UTC(2026, 10, 25, 12);
const STEP = 15 * 60_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function time(label: string, fn: () => Promise<unknown>): Promise<void> {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  console.log(`| ${label} | ${percentile(ms, 50).toFixed(1)} | ${percentile(ms, 95).toFixed(1)} |`);
}

async function main(): Promise<void> {
  const store = new EmbeddedStore({
    path: ':memory:',
    clock: new ManualClock(NOW),
    retentionIntervalMs: null,
  });
  const points: Point[] = [];
  for (let m = 0; m < METERS; m++) {
    const tags = { site: `site-${m % 10}`, device: `meters-${m % 10}`, source: `m${m}` };
    for (let t = NOW - DAYS * 86_400_000, kwh = 0; t <= NOW; t += STEP, kwh += 0.5) {
      points.push({
        measurement: 'energy',
        tags,
        fields: { energy_import_kwh: kwh, power_w: 2000 },
        time: t,
      });
    }
  }
  for (let i = 0; i < points.length; i += 10_000) await store.write(points.slice(i, i + 10_000));
  const t = await createTestApp({ options: { timeSeries: store } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1/public`;
  console.log(
    `${METERS} meters, ${DAYS} days every 15 min; ${RUNS} runs; load ${loadavg()[0]?.toFixed(1)}`,
  );
  console.log('| what | p50 ms | p95 ms |\n| --- | ---: | ---: |');
  // Each snapshot request without viewers recomputes the stale sections: one full computation.
  const pipeline = new IngestPipeline({
    db: t.database.db,
    store,
    hub: t.app.hameau.ingestion,
    clock: t.clock,
    log: silent,
  });
  let seq = 0;
  const ingest = (receivedAt: number) =>
    pipeline.process([
      {
        id: ++seq,
        topic: TOPICS.telemetry.build({ site: 'site-0', device: 'meters-0', stream: 'energy' }),
        payload: Buffer.from(
          JSON.stringify({
            seq,
            at: new Date(receivedAt).toISOString(),
            historical: false,
            source: 'm0',
            values: { power_w: 2000 + seq },
          }),
        ),
        receivedAt,
      },
    ]);
  await time('all sections, one update (snapshot after a reading)', async () => {
    await ingest(t.clock.now());
    await t.clock.advance(300);
    await (await fetch(`${url}/snapshot`)).text();
  });
  for (const range of ['day', 'week', 'month']) {
    await time(`history ${range} (uncached)`, async () => {
      await t.clock.advance(61_000);
      await (await fetch(`${url}/history?range=${range}`)).text();
    });
  }

  const clients: SseClient[] = [];
  for (let i = 0; i < VIEWERS; i++) clients.push(await SseClient.open(`${url}/live`));
  await Promise.all(clients.map((c) => c.waitForEvents(1)));
  const latencies: number[] = [];
  for (let run = 1; run <= 10; run++) {
    const start = performance.now();
    await ingest(t.clock.now());
    // The throttle's slot: the feed computes at once when the last update is older.
    await t.clock.advance(300);
    await Promise.all(clients.map((c) => c.waitForEvents(1 + run)));
    latencies.push(performance.now() - start);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `| ${VIEWERS} viewers: batch ingested → every viewer has the update (ManualClock, no 250 ms wait) | ` +
      `${percentile(latencies, 50).toFixed(1)} | ${percentile(latencies, 95).toFixed(1)} |`,
  );
  for (const c of clients) await c.close();
  await t.close();
  await store.close();
}

await main();
