import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { LampNodeGroup } from '@hameau/firmware-sim';
import type { RunningAgent } from '@hameau/edge-agent';
import { systemClock, TOPICS } from '@hameau/protocol';
import type { PathOptions } from '../locker/driver-baseline.js';
import { sampleLatency, type LatencyResult } from '../locker/latency-sampler.js';
import { measureMqtt } from '../locker/mqtt-baseline.js';
import { summarize, type Summary } from '../percentiles.js';
import { startCabinetAgent } from './cabinet-agent.js';
import { CABINET_NODES, CABINET_ZONE_NODES, cabinetNodeGroup } from './cabinet-town.js';
import { LightingCloud } from './lighting-cloud.js';
import { measureModbusWrite } from './modbus-baseline.js';
import { expectLevel } from './register-watch.js';

/** The override latency and its two floors, measured in one run. */
export interface OverrideLatencyResult {
  /**
   * Cloud API `POST …/lighting/overrides` → every node of the zone has the level written; its
   * `decided` is t0 → the agent's `override-issued` event (the override stored, a cycle asked
   * for), its `afterDecision` the rest (the cycle and the Modbus writes).
   */
  readonly override: LatencyResult;
  /** t0 → the API's answer to the POST (the command stored and published). */
  readonly apiAnswered: Summary;
  /** A bare MQTT publish → delivery through the same broker (the transport floor). */
  readonly mqtt: LatencyResult;
  /** `modbus-serial` writing the register straight through the same gateway (the bus floor). */
  readonly modbus: LatencyResult;
}

/** Levels the overrides alternate between: no program of the town gives either. */
export const OVERRIDE_LEVELS = [37, 63] as const;
/** The overridden zone; the other one must not move. */
const ZONE = 'rue';
/** Before the agent runs, each node is at a level no decision gives. */
const STALE_LEVEL = 3;
/** Longest a sample may take before it counts as failed. */
const SAMPLE_TIMEOUT_MS = 10_000;
/**
 * Each sample starts after a random pause of up to this: overrides land anywhere in the
 * agent's work (a cycle, a node's read, a telemetry flush), not in lock-step with it.
 */
const JITTER_MS = 500;

/**
 * The override path, with everything real: the cabinet town's API and broker in a child
 * process (`cloud-child.ts`), and in this process the cabinet's agent (`startAgent`, lighting
 * module, MQTT link) and its three lamp nodes (firmware-sim, Modbus TCP). Each sample posts an
 * override of `rue` at the other of `OVERRIDE_LEVELS` as a technician's console does: t0 just
 * before the POST, t1 when the last of the zone's two nodes has the level written into its
 * register (`register-watch.ts`). Between samples, untimed, the override is cleared through the
 * API and the zone is back on its program, so the overrides in force never pile up (the agent
 * keeps 100 at most) and every sample starts from the same state.
 */
export async function measureOverrideLatency(
  options: PathOptions,
  log: Logger,
): Promise<OverrideLatencyResult> {
  const group = new LampNodeGroup(cabinetNodeGroup(STALE_LEVEL), { clock: systemClock, log });
  let cloud: LightingCloud | null = null;
  let agent: Awaited<ReturnType<typeof startCabinetAgent>> | null = null;
  try {
    const { endpoints } = await group.start();
    const gatewayPort = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
    const first = CABINET_NODES[0];
    options.log('Modbus write baseline (before the agent runs)');
    const modbus = await measureModbusWrite(group, gatewayPort, first, OVERRIDE_LEVELS, options);

    options.log('starting the cloud (API and broker) in its own process');
    const started = await LightingCloud.start();
    cloud = started;
    const paths: PathOptions = { ...options, cloudPid: started.pid };
    const mqtt = await measureMqtt(started, paths, 0);

    agent = await startCabinetAgent({
      mqttUrl: started.mqttUrl,
      password: started.agentPassword,
      gatewayPort,
      log,
    });
    await started.untilAgentOnline();
    const { override, apiAnswered } = await sampleOverrides(started, group, agent.agent, paths);
    return { override, apiAnswered, mqtt, modbus };
  } finally {
    await agent?.stop();
    await cloud?.close();
    await group.stop();
  }
}

/** Notes when the agent appends each `override-issued` event (by override id). */
function watchIssued(agent: RunningAgent): {
  readonly issued: Map<string, number>;
  readonly stop: () => void;
} {
  const issued = new Map<string, number>();
  // The listener runs inside the agent's append: it only notes the time and the entry.
  const stop = agent.outbox.onAppend((entry) => {
    const at = performance.now();
    if (TOPICS.event.match(entry.topic)?.type !== 'override-issued') return;
    const subject = TOPICS.event.decode(entry.payload).subject;
    if (subject !== undefined) issued.set(subject, at);
  });
  return { issued, stop };
}

async function sampleOverrides(
  cloud: LightingCloud,
  group: LampNodeGroup,
  agent: RunningAgent,
  options: PathOptions,
): Promise<{ override: LatencyResult; apiAnswered: Summary }> {
  const ids = CABINET_ZONE_NODES[ZONE];
  const { issued, stop } = watchIssued(agent);
  const answeredMs: number[] = [];
  /** The override in force (its id, the level it set), cleared before the next sample. */
  let previous: { readonly id: string; readonly level: number } | null = null;
  const clearPrevious = async () => {
    if (previous === null) return;
    const { id, level } = previous;
    previous = null;
    const view = await cloud.untilFinal(await cloud.clearOverride(id), SAMPLE_TIMEOUT_MS);
    if (view.state !== 'succeeded') throw new Error(`clear-override ${id}: ${view.state}`);
    await untilAway(group, ids, level);
  };
  try {
    const override = await sampleLatency({
      label: 'API override',
      samples: options.samples,
      warmup: options.warmup,
      jitterMs: JITTER_MS,
      log: options.log,
      cloudPid: options.cloudPid,
      prepare: clearPrevious,
      measure: async (i) => {
        const level = OVERRIDE_LEVELS[i % 2] ?? 0;
        const write = expectLevel(group, ids, level, SAMPLE_TIMEOUT_MS);
        let t0: number;
        let t1: number;
        let answered: number;
        let command: string;
        try {
          t0 = performance.now();
          command = await cloud.override([ZONE], level, 'bench: override latency');
          answered = performance.now() - t0;
          t1 = (await write.at) - t0;
        } finally {
          write.cancel();
        }
        // Untimed: the agent's answer, for the id to clear before the next sample.
        const view = await cloud.untilFinal(command, SAMPLE_TIMEOUT_MS);
        const id = view.result?.status === 'ok' ? view.result.data['id'] : undefined;
        if (view.state !== 'succeeded' || typeof id !== 'string') {
          throw new Error(`override ${command}: ${view.state} ${JSON.stringify(view.result)}`);
        }
        previous = { id, level };
        const issuedAt = issued.get(id);
        issued.delete(id);
        if (issuedAt === undefined) throw new Error(`override ${id}: no override-issued event`);
        if (i >= options.warmup) answeredMs.push(answered);
        return { totalMs: t1, decidedMs: issuedAt - t0 };
      },
    });
    return { override, apiAnswered: summarize(answeredMs) };
  } finally {
    stop();
    await clearPrevious().catch(() => undefined);
  }
}

/** Waits until none of the nodes holds `level` any more (the zone went back to its program). */
async function untilAway(group: LampNodeGroup, ids: readonly string[], level: number) {
  const giveUpAt = performance.now() + SAMPLE_TIMEOUT_MS;
  while (ids.some((id) => group.node(id).holdingRegisters()[0] === level)) {
    if (performance.now() > giveUpAt) throw new Error(`zone still at ${level} after its clear`);
    await delay(5);
  }
}
