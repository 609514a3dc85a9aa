import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTimeSeriesStore,
  type IngestCounters,
  type TimeSeriesConfigInput,
} from '@hameau/cloud-api';
import { systemClock } from '@hameau/protocol';
import type { Summary } from '../percentiles.js';
import { CpuMeter } from '../process-cpu.js';
import { AgentFleet, type PublishResult } from './agent-fleet.js';
import type { ApiMethods, ApiProgress, ApiSettings } from './api-child.js';
import type { BrokerInfo, BrokerSettings } from './broker-child.js';
import { checkDelivery, type DeliveryTotals } from './delivery-check.js';
import type { Influxd } from './influxd-process.js';
import { meterDeviceId, METER_STREAM, SDM630_QUANTITIES } from './meter-readings.js';
import type { IngestBenchOptions } from './options.js';
import { createThrowAwayDatabase, type ThrowAwayDatabase } from './postgres-database.js';
import { STATE_OF, STORE_OF, type E2eScenario } from './scenarios.js';
import { ServiceProcess } from './service-process.js';

/** The site every simulated agent belongs to. */
export const BENCH_SITE = 'bench';
/** Values per reading: the ten quantities (the `seq` every point also stores is not counted). */
export const VALUES_PER_READING = SDM630_QUANTITIES.length;

/**
 * The timed runs of a scenario, in order: as fast as the agents can publish (the throughput);
 * paced at the offered rate the budget names (the lag there); paced at half the throughput
 * just measured (the lag of a pipeline that keeps up).
 */
export const RUN_KINDS = ['flat-out', 'target-rate', 'half-capacity'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** One timed run of a scenario. */
export interface RunFigures {
  readonly kind: RunKind;
  /** The rate asked of the agents; null for flat out. */
  readonly askedPerSecond: number | null;
  readonly messages: number;
  readonly offeredPerSecond: number;
  /** Readings over first publish → last stored. */
  readonly storedPerSecond: number;
  readonly seconds: number;
  /** Reading `at` → its batch handed to the listeners after the store write, in ms. */
  readonly lagMs: Summary;
  /** Share of a core each process used while timed; null where not measurable. */
  readonly cores: {
    readonly api: number | null;
    readonly broker: number | null;
    readonly loadGen: number;
    readonly influxd: number | null;
  };
  /** Messages per pipeline batch during the run. */
  readonly meanBatch: number;
  /** The furthest a reading's `at` was pushed past the time it was taken (`MeterReadings`). */
  readonly maxAheadMs: number;
}

export interface ScenarioResult {
  readonly scenario: E2eScenario;
  readonly devices: number;
  readonly setupSeconds: number;
  readonly runs: readonly RunFigures[];
  readonly delivery: DeliveryTotals;
  /** Replays the pipeline dropped (none are sent: any is a redelivery). */
  readonly pipelineDuplicates: number;
  readonly invalid: number;
  /** The PostgreSQL server's version, when the API's state was there. */
  readonly postgresVersion: string | null;
}

export interface EndToEndContext {
  readonly options: IngestBenchOptions;
  readonly influxd: Influxd | null;
  readonly log: (line: string) => void;
}

type Api = ServiceProcess<{ url: string }>;

const call = <M extends keyof ApiMethods>(
  api: Api,
  method: M,
  ...params: Parameters<ApiMethods[M]>
): Promise<Awaited<ReturnType<ApiMethods[M]>>> => api.call(method, params[0] ?? null);

/**
 * Agents → broker → API → store, with every piece as production runs it: the broker and the
 * API in processes of their own, devices created in the API's registry and authenticated by
 * the broker against it, the API ingesting as its provisioned `cloud` account. A warm-up, the
 * `RUN_KINDS` one after the other (each waits until all its readings are stored), then every
 * stored seq is checked against what was sent.
 */
export async function runEndToEnd(
  scenario: E2eScenario,
  ctx: EndToEndContext,
): Promise<ScenarioResult> {
  const { options, log } = ctx;
  const cleanups: (() => Promise<void> | void)[] = [];
  const t0 = performance.now();
  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'hameau-bench-ingest-'));
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });
    let database: ThrowAwayDatabase | null = null;
    if (STATE_OF[scenario] === 'postgres') {
      database = await createThrowAwayDatabase(options.postgresUrl);
      const db = database;
      cleanups.push(() => db.drop());
    }
    const timeSeries = await timeSeriesFor(scenario, dataDir, ctx.influxd);
    const databaseUrl = database?.url ?? null;

    const brokerSettings: BrokerSettings = { dataDir, databaseUrl };
    const broker = await ServiceProcess.start<BrokerInfo>('broker-child', brokerSettings, {
      name: 'broker',
      profileDir: scenarioDir(options.profileDir, scenario),
    });
    cleanups.push(() => broker.stop());
    const apiSettings: ApiSettings = {
      dataDir,
      databaseUrl,
      mqttUrl: `mqtt://127.0.0.1:${broker.info.port}`,
      timeSeries,
    };
    const api: Api = await ServiceProcess.start('api-child', apiSettings, {
      name: 'api',
      profileDir: scenarioDir(options.profileDir, scenario),
    });
    cleanups.push(() => api.stop());

    const ids = Array.from({ length: options.devices }, (_, i) => meterDeviceId(i));
    log(`${scenario}: creating ${ids.length} devices in the registry`);
    const devices = await call(api, 'createDevices', { site: BENCH_SITE, devices: ids });
    log(`${scenario}: connecting ${devices.length} agents`);
    const fleet = await AgentFleet.connect(
      { host: '127.0.0.1', port: broker.info.port },
      BENCH_SITE,
      devices,
      { window: options.window, connectBatch: options.connectBatch },
    );
    cleanups.push(() => fleet.close());
    await fleet.publishBirths();
    const setupSeconds = (performance.now() - t0) / 1000;
    log(`${scenario}: set up in ${setupSeconds.toFixed(1)} s`);

    log(`${scenario}: warm-up, ${options.warmup} readings`);
    await call(api, 'arm', { expected: options.warmup });
    await fleet.run({ messages: options.warmup, ratePerSecond: options.ratePerSecond });
    await waitStored(api, options.warmup, options.stallMs);

    const pids = {
      api: api.pid,
      broker: broker.pid,
      influxd: STORE_OF[scenario] === 'influxdb' ? (ctx.influxd?.pid ?? null) : null,
    };
    const runs: RunFigures[] = [];
    for (const kind of RUN_KINDS) {
      const rate = askedRate(kind, options.ratePerSecond, runs);
      log(`${scenario}: ${kind}, ${options.messages} readings${rate ? ` at ${rate}/s` : ''}`);
      const r = await timedRun(api, fleet, pids, {
        kind,
        messages: options.messages,
        ratePerSecond: rate,
        stallMs: options.stallMs,
      });
      runs.push(r);
      log(
        `${scenario}: ${kind}: offered ${Math.round(r.offeredPerSecond)}/s, stored ` +
          `${Math.round(r.storedPerSecond)}/s, lag p99 ${Math.round(r.lagMs.p99)} ms`,
      );
    }

    const final = await call(api, 'progress');
    const sent = fleet.sentPerDevice();
    // Closed in order, so the API has stored everything it acknowledged before it is read.
    await fleet.close();
    await api.stop();
    await broker.stop();
    const delivery = await checkStored(timeSeries, sent);
    const invalid = invalidCount(final.ingestion.counters);
    log(
      `${scenario}: stored ${delivery.stored} of ${delivery.sent} sent, ${delivery.missing} ` +
        `missing, ${delivery.duplicates} duplicated; the API refused ${invalid}`,
    );
    return {
      scenario,
      devices: fleet.size,
      setupSeconds,
      runs,
      delivery,
      pipelineDuplicates: final.ingestion.counters.duplicates,
      invalid,
      postgresVersion: database?.version ?? null,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log(`${scenario}: cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

async function timeSeriesFor(
  scenario: E2eScenario,
  dataDir: string,
  influxd: Influxd | null,
): Promise<TimeSeriesConfigInput> {
  if (STORE_OF[scenario] === 'embedded') {
    return { kind: 'embedded', path: join(dataDir, 'series.sqlite') };
  }
  if (influxd === null) throw new Error(`${scenario} needs influxd`);
  const database = `e2e_${scenario.replace(/-/g, '_')}`;
  await influxd.admin(`CREATE DATABASE ${database}`);
  return { kind: 'influxdb', version: 1, url: influxd.url, database };
}

function askedRate(kind: RunKind, target: number, earlier: readonly RunFigures[]): number | null {
  switch (kind) {
    case 'flat-out':
      return null;
    case 'target-rate':
      return target;
    case 'half-capacity': {
      const flat = earlier.find((r) => r.kind === 'flat-out');
      if (flat === undefined) throw new Error('half-capacity runs after flat-out');
      return Math.max(1, Math.round(flat.storedPerSecond / 2));
    }
  }
}

function scenarioDir(profileDir: string | null, scenario: string): string | null {
  return profileDir === null ? null : join(profileDir, scenario);
}

async function timedRun(
  api: Api,
  fleet: AgentFleet,
  pids: { api: number | null; broker: number | null; influxd: number | null },
  run: { kind: RunKind; messages: number; ratePerSecond: number | null; stallMs: number },
): Promise<RunFigures> {
  const before = await call(api, 'progress');
  await call(api, 'arm', { expected: run.messages });
  const meters = {
    api: new CpuMeter(pids.api),
    broker: new CpuMeter(pids.broker),
    influxd: new CpuMeter(pids.influxd),
  };
  for (const m of Object.values(meters)) m.start();
  const loadGen0 = process.cpuUsage();
  const tCpu = performance.now();
  const published: PublishResult = await fleet.run({
    messages: run.messages,
    ratePerSecond: run.ratePerSecond,
  });
  const after = await waitStored(api, run.messages, run.stallMs);
  const cpuSeconds = (performance.now() - tCpu) / 1000;
  const loadGen = process.cpuUsage(loadGen0);
  const cores = {
    api: meters.api.stop(),
    broker: meters.broker.stop(),
    influxd: pids.influxd === null ? null : meters.influxd.stop(),
    loadGen: (loadGen.user + loadGen.system) / 1e6 / cpuSeconds,
  };
  const lagMs = await call(api, 'lagSummary');
  await call(api, 'disarm');
  const lastStoredAt = after.lag.lastStoredAt ?? Date.now();
  const seconds = Math.max(1, lastStoredAt - published.firstPublishAt) / 1000;
  const c0 = before.ingestion.counters;
  const c1 = after.ingestion.counters;
  return {
    kind: run.kind,
    askedPerSecond: run.ratePerSecond,
    messages: run.messages,
    offeredPerSecond: published.offeredPerSecond,
    storedPerSecond: run.messages / seconds,
    seconds,
    lagMs,
    cores,
    meanBatch: (c1.processed - c0.processed) / Math.max(1, c1.batches - c0.batches),
    maxAheadMs: published.maxAheadMs,
  };
}

/** Polls the API until `expected` readings were stored since `arm`; fails on a stall. */
async function waitStored(api: Api, expected: number, stallMs: number): Promise<ApiProgress> {
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    const p = await call(api, 'progress');
    if (p.lag.stored >= expected) return p;
    if (p.lag.stored !== last) {
      last = p.lag.stored;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > stallMs) {
      throw new Error(
        `stalled: ${p.lag.stored} of ${expected} readings stored, journal depth ` +
          `${p.ingestion.journalDepth}, last error ${p.ingestion.lastError ?? 'none'}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads every stored point's seq per device, straight from the store, and checks them. */
async function checkStored(
  config: TimeSeriesConfigInput,
  sent: ReadonlyMap<string, number>,
): Promise<DeliveryTotals> {
  const store = createTimeSeriesStore(config, { clock: systemClock });
  try {
    const day = 86_400_000;
    const result = await store.query({
      measurement: METER_STREAM,
      field: 'seq',
      tags: { site: BENCH_SITE },
      from: Date.now() - day,
      to: Date.now() + day,
      resolution: 'raw',
      aggregate: 'max',
      groupBy: ['device'],
    });
    const stored = new Map(
      result.series.map((s) => [s.tags['device'] ?? '', s.points.map(([, seq]) => seq)]),
    );
    return checkDelivery(sent, stored).totals;
  } finally {
    await store.close();
  }
}

function invalidCount(counters: IngestCounters): number {
  return Object.values(counters.invalid).reduce((a, n) => a + n, 0);
}
