import type { Database } from 'better-sqlite3';
import { pino } from 'pino';
import { LampNodeGroup, type MeterOptionsInput, type SimLampNode } from '@hameau/firmware-sim';
import {
  ManualClock,
  TOPICS,
  type Clock,
  type CommandResultPayload,
  type ReportedStatePayload,
  type Severity,
  type TelemetryPayload,
  type TimerHandle,
} from '@hameau/protocol';
import { parseAgentConfig } from '../../../../src/config/load-agent-config.js';
import {
  LightingController,
  type NightPlan,
} from '../../../../src/modules/lighting/control/index.js';
import { LightingConfigSchema } from '../../../../src/modules/lighting/lighting-config.js';
import { createLightingModule } from '../../../../src/modules/lighting/lighting-module.js';
import { createMeteringModule } from '../../../../src/modules/metering/metering-module.js';
import type { LightingRuntime } from '../../../../src/modules/lighting/lighting-runtime.js';
import { ModbusLampNodeBus } from '../../../../src/modules/lighting/nodes/modbus-lamp-node-bus.js';
import { ModbusLampNodeBusConfig } from '../../../../src/modules/lighting/nodes/modbus-lamp-node-config.js';
import { Outbox } from '../../../../src/outbox/outbox.js';
import { AgentRuntime } from '../../../../src/runtime/agent-runtime.js';
import type { ModuleStatus } from '../../../../src/runtime/module-host.js';
import { ModuleRegistry } from '../../../../src/runtime/module-registry.js';
import { openAgentDb } from '../../../../src/store/agent-db.js';
import { captureLog } from '../../../runtime/harness.js';
import { ProcessClock } from '../../locker/helpers/process-clock.js';
import { SimUnitsClient } from './sim-units-client.js';

/** An instant from an ISO date-time with an offset. */
export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/** A Thursday in January in Chantilly, 16:00: day, an hour before sunset. */
export const AFTERNOON = at('2026-01-15T16:00:00+01:00');

const NODES = [
  { id: 'rh-01', unit: 1, ratedW: 60 },
  { id: 'rh-02', unit: 2, ratedW: 60 },
  { id: 'rh-03', unit: 3, ratedW: 60 },
  { id: 'pe-01', unit: 4, ratedW: 40 },
  { id: 'pe-02', unit: 5, ratedW: 40 },
];

/**
 * The lighting config of the tests: Rue Haute (an M4 road, three 60 W lamps declared) and the
 * church square (P3, its lamps known from its two 40 W nodes) on one bus, on the standard
 * program. `port` is the simulator's TCP port (used by the TCP tests only).
 */
export function lightingConfig(port: number, extra: Record<string, unknown> = {}) {
  return {
    programs: [
      {
        id: 'standard',
        steps: [{ level: 100, until: '23:00' }, { level: 60, until: '05:30' }, { level: 80 }],
      },
      { id: 'dim', steps: [{ level: 50 }] },
    ],
    defaultProgram: 'standard',
    zones: [
      { id: 'rue-haute', name: 'Rue Haute', class: 'M4', lamps: [{ count: 3, ratedW: 60 }] },
      { id: 'place', name: "Place de l'Eglise", class: 'P3' },
    ],
    buses: [
      {
        type: 'modbus',
        id: 'cabinet-1',
        transport: 'tcp',
        host: '127.0.0.1',
        port,
        timeoutMs: 1000,
        nodes: NODES.map((n) => ({ id: n.id, unitId: n.unit })),
      },
    ],
    zoneNodes: { 'rue-haute': ['rh-01', 'rh-02', 'rh-03'], place: ['pe-01', 'pe-02'] },
    clock: { source: 'assume-synced' },
    ...extra,
  };
}

/** The test zones' compiled night (for switch-on and switch-off times), as the core plans it. */
export function planOf(zone: string, isoDay: string, config = lightingConfig(502)): NightPlan {
  const controller = new LightingController(LightingConfigSchema.parse(config).control);
  return controller.plan(zone, controller.nightOf(at(`${isoDay}T18:00:00+01:00`)));
}

/** The simulated cabinet: five lamp nodes behind a Modbus TCP gateway, on a manual clock. */
export interface LightingSim {
  readonly clock: ManualClock;
  readonly group: LampNodeGroup;
  readonly port: number;
  node(id: string): SimLampNode;
  /** The level each node's lamp is at, by id. */
  levels(): Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Starts the nodes at 0 % (commanded before start), on their factory fail-safe; `meters` go on
 * the same line (a cabinet meter: `load: {kind: 'lighting'}` follows the nodes' power).
 */
export async function startSim(
  clock = new ManualClock(AFTERNOON),
  meters?: readonly MeterOptionsInput[],
): Promise<LightingSim> {
  const group = new LampNodeGroup(
    {
      id: 'cabinet-1',
      tcp: {},
      noise: false,
      nodes: NODES.map((n) => ({ ...n, level: 0 })),
      ...(meters !== undefined && { meters: [...meters] }),
    },
    { clock, log: pino({ level: 'silent' }) },
  );
  const { endpoints } = await group.start();
  const tcp = endpoints.find((e) => e.transport === 'tcp');
  return {
    clock,
    group,
    port: tcp?.transport === 'tcp' ? tcp.port : 0,
    node: (id) => group.node(id),
    levels: () => Object.fromEntries(group.nodes.map((n) => [n.id, n.appliedLevel])),
    stop: () => group.stop(),
  };
}

/** The agent's wall clock: the process's clock plus an offset a test sets (a clock jump). */
export class WallClock implements Clock {
  offsetMs = 0;

  constructor(readonly base: Clock) {}

  now(): number {
    return this.base.now() + this.offsetMs;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.base.setTimeout(fn, ms);
  }

  clearTimeout(handle: TimerHandle): void {
    this.base.clearTimeout(handle);
  }
}

/** An event the agent put in its outbox. */
export interface SentEvent {
  readonly type: string;
  readonly severity: Severity;
  readonly subject: string | undefined;
  readonly data: Record<string, unknown>;
}

/** One agent process of the rig, running. */
export interface LightingAgent {
  readonly runtime: AgentRuntime;
  readonly db: Database;
  readonly wall: WallClock;
  readonly lines: Record<string, unknown>[];
  /** The reported states the runtime published (what the link would send), oldest first. */
  readonly states: ReportedStatePayload[];
  lighting(): LightingRuntime;
  /** Requests the driver made on the in-memory line (`write 1 0=60`…), with their time. */
  requests(): { readonly at: number; readonly text: string }[];
  status(): ModuleStatus | undefined;
  /** Resolves when no command and no decision cycle is running or queued. */
  idle(): Promise<void>;
  /** Events so far, oldest first, optionally of one type. */
  events(type?: string): SentEvent[];
  /** Telemetry of `stream` (`lighting` by default) so far, optionally of one source (a zone). */
  telemetry(zone?: string, stream?: string): TelemetryPayload[];
  /** Hands a command to the runtime as the link would; returns its id. */
  command(name: string, args: Record<string, unknown>, id?: string): string;
  results(id: string): CommandResultPayload[];
  /** Hands a relayed weather report to the runtime. */
  weather(payload: unknown): void;
  /** Hands a desired config (its `modules.lighting`) to the runtime. */
  desired(version: number, lighting: Record<string, unknown>): void;
  stop(): Promise<void>;
  /** The crash: timers and the line die at once; nothing is stopped or flushed. */
  crash(): void;
}

/** What an agent of the rig is started with. */
export interface AgentOptions {
  readonly dbPath?: string;
  /** Replaces keys of the test config. */
  readonly lighting?: Record<string, unknown>;
  /** `memory` (default): the driver on the simulator's units directly; `tcp`: Modbus TCP. */
  readonly link?: 'memory' | 'tcp';
  /**
   * Runs the metering module too, with this `modules.metering`, its buses on the simulator's
   * meters directly (as `link: memory` does for the nodes).
   */
  readonly metering?: Record<string, unknown>;
}

let nextCommand = 1;

/**
 * One agent process on the simulated cabinet: the real runtime (module host, commands, desired
 * config, outbox, durable state), the real lighting module and the real Modbus lamp-node driver.
 * No MQTT link: what it sends stays in its outbox. Its monotonic clock is the simulator's.
 */
export async function startAgent(
  sim: LightingSim,
  options: AgentOptions = {},
): Promise<LightingAgent> {
  const processClock = new ProcessClock(sim.clock);
  const wall = new WallClock(processClock);
  const clients: SimUnitsClient[] = [];
  let runtimeSeen: LightingRuntime | undefined;
  const module = createLightingModule({
    monotonic: () => sim.clock.now(),
    onRuntime: (r) => {
      runtimeSeen = r;
    },
    ...(options.link !== 'tcp' && {
      createBus: (plan, ctx) => {
        const client = new SimUnitsClient(sim.group.nodes, ctx.clock);
        clients.push(client);
        return new ModbusLampNodeBus(ModbusLampNodeBusConfig.parse(plan.config), {
          clock: ctx.clock,
          log: ctx.log,
          client,
        });
      },
    }),
  });
  const metering = createMeteringModule({
    createClient: (_bus, clock) => new SimUnitsClient(sim.group.meters, clock),
  });
  const registry = new ModuleRegistry([module, metering]);
  const config = parseAgentConfig(
    JSON.stringify({
      site: 'senlis',
      device: 'lamps-1',
      kind: 'lighting',
      mqtt: { url: 'mqtt://127.0.0.1:1', password: 'x' },
      modules: {
        lighting: lightingConfig(sim.port, options.lighting),
        ...(options.metering !== undefined && { metering: options.metering }),
      },
    }),
    '/etc/hameau/site.yaml',
    { modules: registry.list() },
  );
  const db = openAgentDb(options.dbPath ?? ':memory:');
  const { log, lines } = captureLog();
  const outbox = new Outbox(db, {
    clock: wall,
    maxRecords: 1_000_000,
    maxAgeMs: 365 * 86_400_000,
    log,
  });
  const states: ReportedStatePayload[] = [];
  const runtime = new AgentRuntime({
    config,
    registry,
    db,
    outbox,
    clock: wall,
    log,
    publishState: (state) => states.push(state),
  });
  await runtime.start();
  const lighting = () => {
    if (runtimeSeen === undefined) throw new Error('the lighting module did not start');
    return runtimeSeen;
  };
  const entries = () => outbox.oldest(1_000_000);
  const device = { site: 'senlis', device: 'lamps-1' };
  let stopped: Promise<void> | null = null;
  const agent: LightingAgent = {
    runtime,
    db,
    wall,
    lines,
    states,
    lighting,
    requests: () => clients.flatMap((c) => c.requests),
    status: () => runtime.host.status()['lighting'],
    async idle() {
      await runtime.dispatcher.settled();
      await lighting().idle();
    },
    events(type) {
      return entries()
        .filter((e) => e.kind === 'event')
        .map((e) => {
          const payload = TOPICS.event.decode(e.payload);
          return {
            type: TOPICS.event.match(e.topic)?.type ?? '?',
            severity: payload.severity,
            subject: payload.subject,
            data: payload.data,
          };
        })
        .filter((e) => type === undefined || e.type === type);
    },
    telemetry(zone, stream = 'lighting') {
      const topic = TOPICS.telemetry.build({ ...device, stream });
      return entries()
        .filter((e) => e.topic === topic)
        .map((e) => TOPICS.telemetry.decode(e.payload))
        .filter((t) => zone === undefined || t.source === zone);
    },
    command(name, args, id = `cmd-${String(nextCommand++).padStart(8, '0')}`) {
      const now = wall.now();
      runtime.onCommand(
        name,
        Buffer.from(
          JSON.stringify({
            id,
            issuedAt: new Date(now).toISOString(),
            expiresAt: new Date(now + 10 * MINUTE).toISOString(),
            issuedBy: 'tech-luc',
            args,
          }),
        ),
      );
      return id;
    },
    results(id) {
      return entries()
        .filter((e) => e.kind === 'command-result')
        .map((e) => TOPICS.commandResult.decode(e.payload))
        .filter((r) => r.id === id);
    },
    weather(payload) {
      runtime.onWeather(
        Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
      );
    },
    desired(version, lightingModule) {
      runtime.onDesiredConfig(
        Buffer.from(
          JSON.stringify({
            version,
            issuedAt: new Date(wall.now()).toISOString(),
            config: { modules: { lighting: lightingModule } },
          }),
        ),
      );
    },
    stop() {
      stopped ??= runtime.stop().then(() => {
        db.close();
      });
      return stopped;
    },
    crash() {
      processClock.kill();
      for (const c of clients) c.kill();
    },
  };
  return agent;
}

/** Moves the shared clock to `target` one decision minute at a time, letting each cycle finish. */
export async function runUntil(sim: LightingSim, agent: LightingAgent, target: number) {
  // What was just handed over (a command) settles before time moves.
  await agent.idle();
  while (sim.clock.now() < target) {
    const next = Math.min(target, (Math.floor(sim.clock.now() / MINUTE) + 1) * MINUTE);
    await sim.clock.advanceTo(next);
    await agent.idle();
  }
  await agent.idle();
}

/** The zone's `level-changed` events as `[level, mode]`. */
export function levelChanges(agent: LightingAgent, zone: string): [unknown, unknown][] {
  return agent
    .events('level-changed')
    .filter((e) => e.subject === zone)
    .map((e) => [e.data['level'], e.data['mode']]);
}
