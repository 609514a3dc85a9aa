import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ServiceProcess } from '../ingest/service-process.js';
import { CpuMeter } from '../process-cpu.js';
import { BareMaster } from './bare-master.js';
import { layoutMeters, type SimEndpoints, type SimLayout } from './bench-layout.js';
import { MeteringAgent } from './metering-agent.js';
import type { SimWindow } from './sim-window.js';
import type { ReadShape } from './wire-tap.js';

/** Who polls the meters: the edge agent, or bare `modbus-serial` with a given plan. */
export type Master =
  { readonly kind: 'agent' } | { readonly kind: 'bare'; readonly plan: readonly ReadShape[] };

/** One measured configuration. */
export interface CaseSpec {
  /** Stable key, e.g. `rtu-9600-dead`. */
  readonly key: string;
  readonly layout: SimLayout;
  readonly master: Master;
  /** How often the agent reports meter health (where the bench reads the agent's counters). */
  readonly healthIntervalMs: number;
  /** Untimed start: links open, first polls, JIT. */
  readonly warmupMs: number;
  /** The timed window. */
  readonly durationMs: number;
}

/** A meter's counters over the window, from the agent's health reports. */
export interface AgentCounts {
  readonly pollsOk: number;
  readonly pollsFailed: number;
  readonly pollsSkipped: number;
  /** Failed requests of every kind (timeouts, exceptions, CRC…). */
  readonly errors: number;
  /** Between the two health reports the counts are taken from, ms. */
  readonly spanMs: number;
}

/** What one case measured. */
export interface CaseResult {
  readonly spec: CaseSpec;
  /** The simulator's view of the window: requests per meter, RTU line timing, the plan. */
  readonly sim: SimWindow;
  /** The agent's own counters per meter over (about) the same window; empty for a bare master. */
  readonly agent: Readonly<Record<string, AgentCounts>>;
  /** Failed requests of a bare master over the whole run (null for the agent). */
  readonly bareFailures: number | null;
  /** Share of one core the master's process (the bench process) used in the window. */
  readonly masterCores: number | null;
  /** Share of one core the simulator's process used in the window. */
  readonly simCores: number | null;
  /** Dead meters: when the agent opened their breaker, in ms after it started; null if never. */
  readonly breakerOpenedAfterMs: Readonly<Record<string, number | null>>;
}

/** The agent side of each meter: an SDM630 read as often as the module allows. */
export const AGENT_MODEL = 'eastron-sdm630';
/** The shortest `pollMs` the metering config accepts. */
export const MIN_POLL_MS = 10;

/** `modules.metering.buses` for the simulator's `endpoints`; every other setting is a default. */
export function agentBuses(layout: SimLayout, endpoints: SimEndpoints): unknown[] {
  const meter = (m: { id: string; unitId: number }) => ({
    id: m.id,
    model: AGENT_MODEL,
    unitId: m.unitId,
    pollMs: MIN_POLL_MS,
  });
  if (layout.transport === 'rtu' && endpoints.transport === 'rtu') {
    return [
      {
        id: 'rtu',
        transport: 'rtu',
        path: endpoints.path,
        baud: layout.baud,
        meters: layout.meters.map(meter),
      },
    ];
  }
  if (layout.transport === 'tcp' && endpoints.transport === 'tcp') {
    return layout.ports.map((meters, i) => ({
      id: `tcp-${i + 1}`,
      transport: 'tcp',
      host: '127.0.0.1',
      port: endpoints.ports[i],
      meters: meters.map(meter),
    }));
  }
  throw new Error('the simulator answered with endpoints of another transport');
}

/** The change of a meter's health counters between the reports current at `from` and `to`. */
function counts(agent: MeteringAgent, meter: string, from: number, to: number): AgentCounts {
  const first = agent.healthAt(meter, from);
  const last = agent.healthAt(meter, to);
  const a = first?.values ?? {};
  const b = last?.values ?? {};
  const delta = (key: string) => (b[key] ?? 0) - (a[key] ?? 0);
  return {
    spanMs: first === undefined || last === undefined ? 0 : last.at - first.at,
    pollsOk: delta('polls_ok'),
    pollsFailed: delta('polls_failed'),
    pollsSkipped: delta('polls_skipped'),
    errors: Object.keys(b)
      .filter((k) => k.startsWith('errors_'))
      .reduce((n, k) => n + delta(k), 0),
  };
}

/** How long a dead meter may take to trip its breaker before the case stops waiting. */
const BREAKER_WAIT_MS = 60_000;

/** The master of a case, started against the simulator's endpoints. */
interface RunningMaster {
  readonly agent: MeteringAgent | null;
  readonly bare: BareMaster | null;
  stop(): Promise<void>;
}

async function startMaster(spec: CaseSpec, endpoints: SimEndpoints, log: Logger) {
  const { master, layout } = spec;
  if (master.kind === 'bare') {
    if (layout.transport !== 'rtu' || endpoints.transport !== 'rtu') {
      throw new Error('the bare master runs on an RTU line only');
    }
    const bare = await BareMaster.start(endpoints.path, layout.baud, master.plan);
    return { agent: null, bare, stop: () => bare.stop() } satisfies RunningMaster;
  }
  const agent = await MeteringAgent.start({
    buses: agentBuses(layout, endpoints),
    healthIntervalMs: spec.healthIntervalMs,
    log: log.child({ case: spec.key }),
  });
  return { agent, bare: null, stop: () => agent.stop() } satisfies RunningMaster;
}

/**
 * Runs one case: the simulator in a child process, a fresh master polling it flat out, a
 * warm-up, then the timed window. With a dead meter the window starts only once the agent has
 * opened its breaker (and the warm-up has passed), so it measures the steady state; when the
 * breaker opened is reported with it.
 */
export async function runCase(spec: CaseSpec, log: Logger): Promise<CaseResult> {
  const sim = await ServiceProcess.start<SimEndpoints>(
    // ServiceProcess resolves its entry beside itself, in ../ingest.
    '../modbus/meter-sim-child',
    spec.layout,
    { name: `meters ${spec.key}`, profileDir: null },
  );
  let master: RunningMaster | null = null;
  try {
    const startedAt = performance.now();
    master = await startMaster(spec, sim.info, log);
    const { agent, bare } = master;
    await delay(spec.warmupMs);
    const dead = agent === null ? [] : layoutMeters(spec.layout).filter((m) => m.dead);
    const giveUpAt = performance.now() + BREAKER_WAIT_MS;
    while (
      dead.some((m) => agent?.unreachableAt(m.id) === undefined) &&
      performance.now() < giveUpAt
    ) {
      await delay(100);
    }
    const masterCpu = new CpuMeter(process.pid);
    const simCpu = new CpuMeter(sim.pid);
    await sim.call('mark');
    const from = performance.now();
    masterCpu.start();
    simCpu.start();
    await delay(spec.durationMs);
    const window = await sim.call<SimWindow>('window');
    const to = performance.now();
    const masterCores = masterCpu.stop();
    const simCores = simCpu.stop();
    const meters = layoutMeters(spec.layout);
    return {
      spec,
      sim: window,
      agent:
        agent === null
          ? {}
          : Object.fromEntries(meters.map((m) => [m.id, counts(agent, m.id, from, to)])),
      bareFailures: bare?.failures ?? null,
      masterCores,
      simCores,
      breakerOpenedAfterMs: Object.fromEntries(
        dead.map((m) => {
          const at = agent?.unreachableAt(m.id);
          return [m.id, at === undefined ? null : at - startedAt];
        }),
      ),
    };
  } finally {
    await master?.stop();
    await sim.stop();
  }
}
