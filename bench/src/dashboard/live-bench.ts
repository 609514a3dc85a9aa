import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireOpenFiles } from '../fd-limit.js';
import { summarize, type Summary } from '../percentiles.js';
import { CpuMeter } from '../process-cpu.js';
import type { ApiMethods, ApiSettings, BenchDevice } from '../ingest/api-child.js';
import type { BrokerInfo, BrokerSettings } from '../ingest/broker-child.js';
import { ServiceProcess } from '../ingest/service-process.js';
import { LIVE_SITE, liveDeviceId } from './live-readings.js';
import { LivePublisher } from './live-publisher.js';
import type { LiveBenchOptions } from './options.js';
import { primeRecentHistory } from './prime-store.js';
import type { ViewerMethods, ViewerResults, ViewerSettings } from './viewer-child.js';

/** The route under test. */
export const LIVE_PATH = '/api/v1/public/live';

/** Meters and days of recent history the API's store starts with (see `primeRecentHistory`). */
export const PRIMED = { meters: 50, days: 2 } as const;

/** Untimed publishing before each case's window: viewers settled, caches warm. */
const WARM_UP_SECONDS = 3;
/** How long after the last publish the viewers still count events (the target is 1 s). */
const GRACE_MS = 3_000;

/** One case: some viewers watching while the agents publish. */
export interface LiveCase {
  readonly viewers: number;
  /** Marker readings in the window, each seen by every viewer. */
  readonly markerReadings: number;
  /** All agents' readings in the window. */
  readonly readings: number;
  readonly offeredPerSecond: number;
  /** Publish → arrival at a viewer, per viewer and marker reading, ms. */
  readonly latencyMs: Summary;
  /** The feed's computation start (payload `at`) → arrival, per viewer and update, ms. */
  readonly fanOutMs: Summary;
  /** Updates per viewer per second in the window. */
  readonly updatesPerViewerPerSecond: number;
  readonly missed: number;
  readonly impossible: number;
  readonly endedEarly: number;
  readonly unreadable: number;
  /** Share of a core each process used over the window and the grace after it. */
  readonly cores: {
    readonly api: number | null;
    readonly broker: number | null;
    readonly viewers: number | null;
    readonly agents: number;
  };
}

export interface LiveResults {
  readonly devices: number;
  readonly ratePerSecond: number;
  readonly seconds: number;
  readonly primedPoints: number;
  /** In run order: the one-viewer baseline, then the many. */
  readonly cases: readonly LiveCase[];
}

type Api = ServiceProcess<{ url: string }>;

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Part B: the broker and the API as production runs them (each its own process, ingestion
 * from the broker into the embedded store, devices from the registry), meters agents publishing
 * through MQTT at a steady rate, and the viewers in a process of their own. One case with a
 * single viewer (the baseline), then one with `options.viewers`, on the same API.
 */
export async function runLiveBench(
  options: LiveBenchOptions,
  log: (line: string) => void,
): Promise<LiveResults> {
  // The viewers' process holds one socket per viewer, the API as many again.
  requireOpenFiles(options.viewers + 200, `${options.viewers} viewers`);
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'hameau-bench-live-'));
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });
    const seriesPath = join(dataDir, 'series.sqlite');
    const primedPoints = await primeRecentHistory(seriesPath, { ...PRIMED, now: Date.now() });
    log(
      `live: the store starts with ${primedPoints} points (${PRIMED.meters} meters × ${PRIMED.days} days)`,
    );

    const brokerSettings: BrokerSettings = { dataDir, databaseUrl: null };
    const broker = await ServiceProcess.start<BrokerInfo>('broker-child', brokerSettings, {
      name: 'broker',
      profileDir: null,
    });
    cleanups.push(() => broker.stop());
    const apiSettings: ApiSettings = {
      dataDir,
      databaseUrl: null,
      mqttUrl: `mqtt://127.0.0.1:${broker.info.port}`,
      timeSeries: { kind: 'embedded', path: seriesPath },
    };
    const api: Api = await ServiceProcess.start('api-child', apiSettings, {
      name: 'api',
      profileDir: null,
    });
    cleanups.push(() => api.stop());

    const ids = Array.from({ length: options.devices }, (_, i) => liveDeviceId(i));
    const params: Parameters<ApiMethods['createDevices']>[0] = { site: LIVE_SITE, devices: ids };
    const devices = await api.call<BenchDevice[]>('createDevices', params);
    const publisher = await LivePublisher.connect(
      { host: '127.0.0.1', port: broker.info.port },
      devices,
    );
    cleanups.push(() => publisher.close());
    log(`live: ${devices.length} agents connected; API at ${api.info.url}`);

    const cases: LiveCase[] = [];
    for (const viewers of [1, options.viewers]) {
      const c = await runCase(viewers, { api, broker, publisher, options, log });
      cases.push(c);
      log(
        `live: ${viewers} viewer(s): p50 ${c.latencyMs.p50.toFixed(0)} ms, p95 ` +
          `${c.latencyMs.p95.toFixed(0)} ms, max ${c.latencyMs.max.toFixed(0)} ms; API ` +
          `${c.cores.api === null ? 'n/a' : `${Math.round(c.cores.api * 100)} %`} of a core`,
      );
    }
    return {
      devices: devices.length,
      ratePerSecond: options.ratePerSecond,
      seconds: options.seconds,
      primedPoints,
      cases,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log(`live: cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

async function runCase(
  viewers: number,
  ctx: {
    readonly api: Api;
    readonly broker: ServiceProcess<BrokerInfo>;
    readonly publisher: LivePublisher;
    readonly options: LiveBenchOptions;
    readonly log: (line: string) => void;
  },
): Promise<LiveCase> {
  const { api, broker, publisher, options, log } = ctx;
  const settings: ViewerSettings = {
    url: `${api.info.url}${LIVE_PATH}`,
    viewers,
    connectBatch: options.connectBatch,
  };
  log(`live: opening ${viewers} viewer(s)`);
  const child = await ServiceProcess.start<{ opened: number }>(
    '../dashboard/viewer-child',
    settings,
    {
      name: 'viewers',
      profileDir: null,
    },
  );
  try {
    log(
      `live: ${child.info.opened} viewer(s) have their snapshot; warming up ${WARM_UP_SECONDS} s`,
    );
    await publisher.run(options.ratePerSecond, WARM_UP_SECONDS);
    const meters = [new CpuMeter(api.pid), new CpuMeter(broker.pid), new CpuMeter(child.pid)];
    for (const m of meters) m.start();
    const agents0 = process.cpuUsage();
    const t0 = performance.now();
    const window = await publisher.run(options.ratePerSecond, options.seconds);
    await delay(GRACE_MS);
    const agentsCpu = process.cpuUsage(agents0);
    const [apiCores, brokerCores, viewerCores] = meters.map((m) => m.stop());
    const elapsed = (performance.now() - t0) / 1000;
    const params: Parameters<ViewerMethods['results']>[0] = {
      publishes: window.publishes,
      fromMs: window.fromMs,
    };
    const results = await child.call<ViewerResults>('results', params);
    return {
      viewers,
      markerReadings: window.publishes.length,
      readings: window.readings,
      offeredPerSecond: window.offeredPerSecond,
      latencyMs: summarize(results.latenciesMs),
      fanOutMs: summarize(results.fanOutMs),
      updatesPerViewerPerSecond:
        results.updates / viewers / ((window.untilMs - window.fromMs) / 1000 + GRACE_MS / 1000),
      missed: results.missed,
      impossible: results.impossible,
      endedEarly: results.endedEarly,
      unreadable: results.unreadable,
      cores: {
        api: apiCores ?? null,
        broker: brokerCores ?? null,
        viewers: viewerCores ?? null,
        agents: (agentsCpu.user + agentsCpu.system) / 1e6 / elapsed,
      },
    };
  } finally {
    await child.stop();
  }
}
