import type { EnergyService } from '@hameau/cloud-api';
import { errorMessage } from '../bench-run.js';
import { summarize, type Summary } from '../percentiles.js';
import { processCpuSeconds } from '../process-cpu.js';
import { compareAnswers, type Answer, type QueryShape } from './query-shapes.js';

/** One store's figures for one shape. */
export interface StoreTiming {
  /** What the first call answered (resolution and sizes). */
  readonly answer: string;
  /** Wall time per call, ms. */
  readonly wallMs: Summary;
  /** This process's CPU per call, ms: all of it for the embedded store, which runs in it. */
  readonly clientCpuMs: Summary;
  /** The database server's CPU per call, ms (mean); null for the embedded store. */
  readonly serverCpuMs: number | null;
}

/** One shape on both stores. */
export interface ShapeTiming {
  readonly id: string;
  readonly label: string;
  readonly route: string;
  readonly embedded: StoreTiming;
  /** Null when InfluxDB was left out of the run. */
  readonly influxdb: StoreTiming | null;
  /** Why InfluxDB's calls failed, when they did. */
  readonly influxError: string | null;
  /** Where the two stores' answers differ; null when they agree (or one is missing). */
  readonly disagreement: string | null;
}

/** A store under test: its energy service, and the server process doing the work, if any. */
export interface TimedStore {
  readonly service: EnergyService;
  readonly serverPid: number | null;
}

/** Untimed calls first on each store: JIT, prepared statements, the OS page cache. */
const WARM_UP_CALLS = 2;

interface Sampler {
  readonly wall: number[];
  readonly clientCpu: number[];
  serverCpuS: number;
  answer: Answer | null;
}

async function timedCall(
  shape: QueryShape,
  store: TimedStore,
  into: Sampler,
  record: boolean,
): Promise<void> {
  const server0 = store.serverPid === null ? null : processCpuSeconds(store.serverPid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const answer = await shape.run(store.service);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const server1 = store.serverPid === null ? null : processCpuSeconds(store.serverPid);
  into.answer ??= answer;
  if (!record) return;
  into.wall.push(wall);
  into.clientCpu.push((cpu.user + cpu.system) / 1000);
  if (server0 !== null && server1 !== null) into.serverCpuS += server1 - server0;
}

function figures(s: Sampler, runs: number, server: boolean): StoreTiming {
  return {
    answer: s.answer?.shape ?? 'none',
    wallMs: summarize(s.wall),
    clientCpuMs: summarize(s.clientCpu),
    serverCpuMs: server ? (s.serverCpuS * 1000) / runs : null,
  };
}

/**
 * Times one shape on the embedded store and on InfluxDB, `runs` calls each after a warm-up,
 * one store then the other in turn, so that whatever else the machine does weighs on both
 * alike; calls are sequential, as one dashboard makes them. Then checks that both answered the
 * same. A failing InfluxDB call ends its side of the shape (recorded), not the run.
 */
export async function timeShape(
  shape: QueryShape,
  stores: { readonly embedded: TimedStore; readonly influxdb: TimedStore | null },
  runs: number,
): Promise<ShapeTiming> {
  const emb: Sampler = { wall: [], clientCpu: [], serverCpuS: 0, answer: null };
  const inf: Sampler = { wall: [], clientCpu: [], serverCpuS: 0, answer: null };
  // An object: the compiler would otherwise not see the closure below change them.
  const influx: { store: TimedStore | null; error: string | null } = {
    store: stores.influxdb,
    error: null,
  };
  const onInflux = async (record: boolean) => {
    if (influx.store === null) return;
    try {
      await timedCall(shape, influx.store, inf, record);
    } catch (err) {
      influx.error = errorMessage(err);
      influx.store = null;
    }
  };
  for (let i = 0; i < WARM_UP_CALLS; i++) {
    await timedCall(shape, stores.embedded, emb, false);
    await onInflux(false);
  }
  for (let i = 0; i < runs; i++) {
    await timedCall(shape, stores.embedded, emb, true);
    await onInflux(true);
  }
  const influxFigures =
    stores.influxdb === null || influx.error !== null ? null : figures(inf, runs, true);
  return {
    id: shape.id,
    label: shape.label,
    route: shape.route,
    embedded: figures(emb, runs, false),
    influxdb: influxFigures,
    influxError: influx.error,
    disagreement:
      emb.answer === null || inf.answer === null ? null : compareAnswers(emb.answer, inf.answer),
  };
}
