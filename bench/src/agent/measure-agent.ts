import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../free-port.js';
import { AgentProcess, type AgentExit, type AgentLogLine } from './agent-process.js';
import { agentSite, BENCH_SITE, DEVICE_OF, type AgentVariant } from './agent-site.js';
import { summarizeIdle, type IdleSummary } from './idle-summary.js';
import { clockTicksPerSecond, sampleProcess } from './idle-sampler.js';
import type { DeviceTraffic, IdleTown } from './idle-town.js';

/** What one agent did and cost. */
export interface AgentRun {
  readonly variant: AgentVariant;
  readonly modules: readonly string[];
  /** Null when the agent did not last through its samples. */
  readonly summary: IdleSummary | null;
  /** Seconds from spawn until the cloud saw it online. */
  readonly startSeconds: number;
  /** Requests the simulated devices answered while it was sampled, per minute. */
  readonly trafficPerMinute: DeviceTraffic;
  /** Requests they answered from its start to its stop. */
  readonly trafficTotal: DeviceTraffic;
  /** Its kiosk's `GET /api/status` every 15 s, as the page on the screen asks (full only). */
  readonly kiosk: { readonly polls: number; readonly inService: number } | null;
  /** The outbox depth the agent last reported to the cloud (its `outbox` stream). */
  readonly outboxDepth: number | null;
  readonly warnings: readonly AgentLogLine[];
  readonly exit: AgentExit;
}

/** How often the kiosk page asks for the bank's status (`STATUS_POLL_MS` of kiosk.js). */
const KIOSK_POLL_MS = 15_000;
/** How long an agent may take to start and come online. */
const START_TIMEOUT_MS = 60_000;

function minus(a: DeviceTraffic, b: DeviceTraffic): DeviceTraffic {
  return {
    lockBoards: a.lockBoards - b.lockBoards,
    meters: a.meters - b.meters,
    lampNodes: a.lampNodes - b.lampNodes,
  };
}

function perMinute(t: DeviceTraffic, seconds: number): DeviceTraffic {
  const f = seconds > 0 ? 60 / seconds : 0;
  return { lockBoards: t.lockBoards * f, meters: t.meters * f, lampNodes: t.lampNodes * f };
}

/**
 * Starts one agent as a process, waits until the cloud sees it online, lets it warm up, samples
 * its RSS and CPU, then stops it with SIGTERM. The simulated devices are counted meanwhile, to
 * show what the agent was doing while "idle".
 */
export async function measureAgent(
  variant: AgentVariant,
  town: IdleTown,
  opts: {
    readonly warmupSeconds: number;
    readonly seconds: number;
    readonly intervalMs: number;
    readonly nodeFlags: readonly string[];
    readonly log: (line: string) => void;
  },
): Promise<AgentRun> {
  const device = DEVICE_OF[variant];
  const password = await town.register(BENCH_SITE, device);
  const kioskPort = await freePort();
  const site = agentSite(variant, town.ports, kioskPort);
  const modules = Object.keys(site['modules'] as Record<string, unknown>);
  const atStart = town.traffic();
  const t0 = performance.now();
  const agent = await AgentProcess.start({ site, password, nodeFlags: opts.nodeFlags });
  let kiosk: { polls: number; inService: number } | null = null;
  let stopKiosk: (() => void) | null = null;
  let exit: AgentExit | null = null;
  try {
    await untilOnline(town, device, agent);
    const startSeconds = (performance.now() - t0) / 1000;
    opts.log(
      `${variant}: pid ${agent.pid}, online after ${startSeconds.toFixed(1)} s; ` +
        `warm-up ${opts.warmupSeconds} s, then ${opts.seconds} s sampled`,
    );
    if (modules.includes('locker')) {
      const polls = { polls: 0, inService: 0 };
      kiosk = polls;
      stopKiosk = pollKiosk(`http://127.0.0.1:${kioskPort}/api/status`, polls);
    }
    await delay(opts.warmupSeconds * 1000);
    const before = town.traffic();
    const samples = await sampleProcess(agent.pid, opts);
    const traffic = minus(town.traffic(), before);
    const summary = summarizeIdle(samples, clockTicksPerSecond());
    stopKiosk?.();
    const status = (await town.device(BENCH_SITE, device)).status;
    exit = await agent.stop();
    return {
      variant,
      modules,
      summary,
      startSeconds,
      trafficPerMinute: perMinute(traffic, summary?.seconds ?? 0),
      trafficTotal: minus(town.traffic(), atStart),
      kiosk,
      outboxDepth: status?.outboxDepth ?? null,
      warnings: agent.warnings,
      exit,
    };
  } finally {
    stopKiosk?.();
    if (exit === null) await agent.stop();
  }
}

/** Resolves once the agent runs and the cloud has its birth; throws if it exits first. */
async function untilOnline(town: IdleTown, device: string, agent: AgentProcess): Promise<void> {
  const giveUpAt = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    const exited = agent.exitStatus;
    if (exited !== null) {
      const { code, signal } = exited;
      const why = agent.warnings.map((w) => w.msg).join('; ');
      throw new Error(`agent ${device} exited (code ${code}, ${signal}) before online: ${why}`);
    }
    if (agent.running && (await town.device(BENCH_SITE, device)).status?.online === true) return;
    if (performance.now() > giveUpAt) throw new Error(`agent ${device} never came online`);
    await delay(100);
  }
}

/** Asks the kiosk's status on the page's schedule; returns a function that stops it. */
function pollKiosk(url: string, counts: { polls: number; inService: number }): () => void {
  const poll = async () => {
    try {
      const res = await fetch(url);
      const body = (await res.json()) as { inService?: unknown };
      counts.polls++;
      if (body.inService === true) counts.inService++;
    } catch {
      counts.polls++;
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), KIOSK_POLL_MS);
  return () => {
    clearInterval(timer);
  };
}
