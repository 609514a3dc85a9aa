import { LockBoardBank, memoryLinkPair, type MemoryLink } from '@hameau/firmware-sim';
import { pino } from 'pino';
import type { Database } from 'better-sqlite3';
import {
  ManualClock,
  TOPICS,
  type CommandResultPayload,
  type CredentialSetPayload,
  type ReportedStatePayload,
  type TelemetryPayload,
  type LockerEventType,
  type Severity,
} from '@hameau/protocol';
import { parseAgentConfig } from '../../../../src/config/load-agent-config.js';
import { KerongBus } from '../../../../src/modules/locker/board/kerong-bus.js';
import type { LockBoardBus } from '../../../../src/modules/locker/board/lock-board-bus.js';
import { createLockerModule } from '../../../../src/modules/locker/locker-module.js';
import type { PickupDesk } from '../../../../src/modules/locker/pickup-desk.js';
import { Outbox } from '../../../../src/outbox/outbox.js';
import { AgentRuntime } from '../../../../src/runtime/agent-runtime.js';
import type { ModuleStatus } from '../../../../src/runtime/module-host.js';
import { ModuleRegistry } from '../../../../src/runtime/module-registry.js';
import { openAgentDb } from '../../../../src/store/agent-db.js';
import { captureLog } from '../../../runtime/harness.js';
import { MemoryTransport } from './memory-transport.js';
import { ProcessClock } from './process-clock.js';

/** A minute before 21:00 UTC, when the tests' pickup codes become valid. */
export const T0 = Date.UTC(2026, 10, 25, 20, 59);
export const NINE_PM = Date.UTC(2026, 10, 25, 21);
export const HOUR = 3_600_000;

/** Boxes 1-8 are locks 0-7 of board 0, boxes 9-12 locks 0-3 of board 1. */
export function addressOf(box: number): { board: number; lock: number } {
  return box <= 8 ? { board: 0, lock: box - 1 } : { board: 1, lock: box - 9 };
}

const BOXES = Array.from({ length: 12 }, (_, i) => ({
  number: i + 1,
  bus: 'main',
  ...addressOf(i + 1),
  size: 'M',
}));

/** The simulated bank: two Kerong boards on an in-memory line, and the manual clock. */
export interface Sim {
  readonly clock: ManualClock;
  readonly bank: LockBoardBank;
  /** The agent's end of the line. */
  readonly line: MemoryLink;
  /** The boxes unlocked so far, in order, from the simulator's unlock log. */
  unlockedBoxes(): number[];
  /** Someone shuts the door of `box`. */
  close(box: number): void;
  place(box: number): void;
  remove(box: number): void;
  forceOpen(box: number): void;
  isLocked(box: number): boolean;
  stop(): Promise<void>;
}

/** Starts the simulator with items in `items` (box numbers); every door shut and locked. */
export async function startSim(items: readonly number[] = [], clock = new ManualClock(T0)) {
  const [simEnd, agentEnd] = memoryLinkPair();
  const onBoard = (board: number) =>
    items
      .map(addressOf)
      .filter((a) => a.board === board)
      .map((a) => a.lock);
  const bank = new LockBoardBank(
    {
      id: 'lockers',
      pty: '/unused',
      timing: false,
      springMs: 50,
      boards: [
        { address: 0, items: onBoard(0) },
        { address: 1, items: onBoard(1) },
      ],
    },
    { clock, log: pino({ level: 'silent' }) },
    { link: simEnd },
  );
  await bank.start();
  const at = (box: number) => {
    const a = addressOf(box);
    return [a.board, a.lock] as const;
  };
  const sim: Sim = {
    clock,
    bank,
    line: agentEnd,
    unlockedBoxes: () => bank.unlocks.map((u) => (u.board === 0 ? u.lock + 1 : u.lock + 9)),
    close: (box) => {
      bank.closeDoor(...at(box));
    },
    place: (box) => {
      bank.placeItem(...at(box));
    },
    remove: (box) => {
      bank.removeItem(...at(box));
    },
    forceOpen: (box) => {
      bank.forceOpen(...at(box));
    },
    isLocked: (box) => bank.isLocked(...at(box)),
    stop: () => bank.stop(),
  };
  return sim;
}

/** Command ids, fresh across agents (a restarted agent remembers the ids it ran). */
let next = 1;

/** An event the agent put in its outbox. */
export interface SentEvent {
  readonly type: LockerEventType;
  readonly severity: Severity;
  readonly subject: string | undefined;
  readonly data: Record<string, unknown>;
}

/** One agent process of the rig, running. */
export interface RigAgent {
  readonly runtime: AgentRuntime;
  readonly db: Database;
  readonly outbox: Outbox;
  /** Its log lines, parsed. */
  readonly lines: Record<string, unknown>[];
  /** The reported states the runtime published (what the link would send), oldest first. */
  readonly states: ReportedStatePayload[];
  /** The module's desk, where terminals hand codes. */
  readonly desk: PickupDesk;
  status(): ModuleStatus | undefined;
  /** The locker events in the outbox, oldest first. */
  events(): SentEvent[];
  /** The types of the locker events so far, oldest first. */
  types(): LockerEventType[];
  /** The `locker` telemetry so far. */
  telemetry(): TelemetryPayload[];
  /** Hands a credential set to the runtime, as the link does when it arrives. */
  credentials(set: CredentialSetPayload | string): void;
  /** Hands a command to the runtime as the link would; returns its id (fresh by default). */
  command(name: string, args: Record<string, unknown>, id?: string): string;
  /** Every result of command `id`, as the cloud would receive them. */
  results(id: string): CommandResultPayload[];
  /** A clean stop: modules stopped, database closed. */
  stop(): Promise<void>;
  /** The power cut: timers and line die at once; nothing is stopped or flushed. */
  crash(): void;
}

/** What an agent of the rig is started with. */
export interface AgentOptions {
  /** The agent database file; in memory by default. */
  readonly dbPath?: string;
  /** Overrides of `modules.locker`. */
  readonly locker?: Record<string, unknown>;
  /** The driver's poll period; 100 ms by default. */
  readonly pollMs?: number;
  /** Wraps the real driver (to cut the power in the middle of an unlock, say). */
  readonly wrapBus?: (bus: LockBoardBus) => LockBoardBus;
}

/**
 * One agent process on the simulated bank: the real runtime (module host, command dispatcher,
 * outbox, durable state), the real locker module and the real Kerong driver. There is no MQTT
 * link: what the agent sends stays in its outbox, as when the network is down.
 */
export async function startAgent(sim: Sim, options: AgentOptions = {}): Promise<RigAgent> {
  const clock = new ProcessClock(sim.clock);
  const transport = new MemoryTransport(sim.line);
  const seam: { desk?: PickupDesk } = {};
  const module = createLockerModule({
    createBus: (bus, deps) => {
      const real = new KerongBus({ config: bus, clock: deps.clock, log: deps.log, transport });
      return options.wrapBus?.(real) ?? real;
    },
    onDesk: (desk) => {
      seam.desk = desk;
    },
  });
  const registry = new ModuleRegistry([module]);
  const locker = {
    buses: [
      {
        id: 'main',
        transport: { type: 'tcp', host: 'gateway.invalid', port: 4001 },
        boards: [0, 1],
        pollMs: options.pollMs ?? 100,
        replyTimeoutMs: 50,
        retries: 1,
      },
    ],
    boxes: BOXES,
    ...options.locker,
  };
  const config = parseAgentConfig(
    JSON.stringify({
      site: 'gare',
      device: 'lockers',
      kind: 'locker',
      mqtt: { url: 'mqtt://127.0.0.1:1', password: 'x' },
      modules: { locker },
    }),
    '/etc/hameau/site.yaml',
    { modules: registry.list() },
  );
  const db = openAgentDb(options.dbPath ?? ':memory:');
  const { log, lines } = captureLog();
  const outbox = new Outbox(db, { clock, maxRecords: 100_000, maxAgeMs: 30 * 86_400_000, log });
  const states: ReportedStatePayload[] = [];
  const runtime = new AgentRuntime({
    config,
    registry,
    db,
    outbox,
    clock,
    log,
    publishState: (state) => states.push(state),
  });
  await runtime.start();
  const { desk } = seam;
  if (desk === undefined) throw new Error('the locker module gave no desk');

  const entries = () => outbox.oldest(100_000);
  const agent: RigAgent = {
    runtime,
    db,
    outbox,
    lines,
    states,
    desk,
    status: () => runtime.host.status()['locker'],
    events(): SentEvent[] {
      return entries()
        .filter((e) => e.kind === 'event')
        .map((e) => {
          const type = TOPICS.event.match(e.topic)?.type as LockerEventType;
          const payload = TOPICS.event.decode(e.payload);
          return { type, severity: payload.severity, subject: payload.subject, data: payload.data };
        });
    },
    types(): LockerEventType[] {
      return agent.events().map((e) => e.type);
    },
    telemetry() {
      const topic = TOPICS.telemetry.build({ site: 'gare', device: 'lockers', stream: 'locker' });
      return entries()
        .filter((e) => e.topic === topic)
        .map((e) => TOPICS.telemetry.decode(e.payload));
    },
    credentials(set: CredentialSetPayload | string) {
      runtime.onCredentials(Buffer.from(typeof set === 'string' ? set : JSON.stringify(set)));
    },
    command(
      name: string,
      args: Record<string, unknown>,
      id = `cmd-${String(next++).padStart(8, '0')}`,
    ) {
      const now = sim.clock.now();
      const payload = {
        id,
        issuedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 10 * 60_000).toISOString(),
        issuedBy: 'tech-anna',
        args,
      };
      runtime.onCommand(name, Buffer.from(JSON.stringify(payload)));
      return id;
    },
    results(id: string) {
      return entries()
        .filter((e) => e.kind === 'command-result')
        .map((e) => TOPICS.commandResult.decode(e.payload))
        .filter((r) => r.id === id);
    },
    async stop() {
      await runtime.stop();
      db.close();
    },
    crash() {
      clock.kill();
      transport.kill();
      db.close();
    },
  };
  return agent;
}
