import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Clock, ReportedStatePayload } from '@hameau/protocol';
import type { AgentConfig } from '../config/agent-config.js';
import { desiredConfigSchema } from '../config/desired-config.js';
import type { Outbox } from '../outbox/outbox.js';
import { AgentState } from '../store/agent-state.js';
import { ExecutedCommands } from '../store/executed-commands.js';
import type { AgentEvents } from './agent-events.js';
import { CommandDispatcher } from './command-dispatcher.js';
import { ConfigApplier } from './config-applier.js';
import { EventBus } from './event-bus.js';
import { ModuleHost } from './module-host.js';
import type { ModuleRegistry } from './module-registry.js';
import { OutboxWriter } from './outbox-writer.js';
import { withTimeout } from './with-timeout.js';

/** What the runtime is built from; the link is wired through `publishState` and the handlers. */
export interface AgentRuntimeOptions {
  readonly config: AgentConfig;
  readonly registry: ModuleRegistry;
  /** The agent database (`openAgentDb`), holding the outbox, state and executed commands. */
  readonly db: Database;
  readonly outbox: Outbox;
  readonly clock: Clock;
  /** The agent's root logger. */
  readonly log: Logger;
  /** Sends the reported state (retained); `MqttLink.publishState`. */
  readonly publishState: (state: ReportedStatePayload) => void;
  readonly startTimeoutMs?: number;
  readonly stopTimeoutMs?: number;
  readonly runTimeoutMs?: number;
}

/**
 * The agent minus its link: modules, bus, command dispatch and desired config, wired together.
 * Its `onCommand`, `onDesiredConfig` and `onConnectionChange` fit the link's handlers.
 */
export class AgentRuntime {
  readonly bus: EventBus<AgentEvents>;
  readonly state: AgentState;
  readonly host: ModuleHost;
  readonly dispatcher: CommandDispatcher;
  readonly applier: ConfigApplier;
  readonly #o: AgentRuntimeOptions;

  constructor(options: AgentRuntimeOptions) {
    const { config, registry, db, outbox, clock, log } = options;
    this.#o = options;
    const agent = { site: config.site, device: config.device, kind: config.kind };
    this.bus = new EventBus<AgentEvents>(log.child({ component: 'bus' }));
    this.state = new AgentState(db);
    const writer = new OutboxWriter(outbox, agent);
    const enabled = registry.pick(Object.keys(config.modules));
    this.applier = new ConfigApplier({
      state: this.state,
      clock,
      log,
      bus: this.bus,
      schema: desiredConfigSchema(enabled),
      base: config.modules,
      local: Object.fromEntries(
        enabled.map((m) => [
          m.name,
          { written: config.writtenModules[m.name], keys: m.localKeys ?? [] },
        ]),
      ),
      publishState: options.publishState,
      modulesState: () =>
        Object.fromEntries(Object.entries(this.host.status()).map(([name, s]) => [name, { ...s }])),
    });
    this.host = new ModuleHost({
      agent,
      clock,
      log,
      outbox,
      writer,
      bus: this.bus,
      state: this.state,
      registry,
      modules: this.applier.effectiveModules(),
      ...(options.startTimeoutMs !== undefined && { startTimeoutMs: options.startTimeoutMs }),
      ...(options.stopTimeoutMs !== undefined && { stopTimeoutMs: options.stopTimeoutMs }),
    });
    this.dispatcher = new CommandDispatcher({
      db,
      executed: new ExecutedCommands(db, clock),
      writer,
      commands: this.host,
      clock,
      log,
      ...(options.runTimeoutMs !== undefined && { runTimeoutMs: options.runTimeoutMs }),
    });
  }

  /** Answers interrupted commands, starts the modules, then reports the state. */
  async start(): Promise<void> {
    this.dispatcher.start();
    await this.host.start();
    this.applier.publishCurrent();
  }

  /** Refuses new commands, lets running ones finish (bounded), then stops the modules. */
  async stop(): Promise<void> {
    this.dispatcher.stop();
    await withTimeout(this.dispatcher.settled(), this.#o.clock, this.#o.stopTimeoutMs ?? 10_000);
    await this.host.stop();
  }

  /** Link handler: a command arrived on `…/cmd/{name}`. */
  onCommand(name: string, payload: Buffer): void {
    void this.dispatcher.handle(name, payload);
  }

  /** Link handler: a desired configuration arrived on `…/config`. */
  onDesiredConfig(payload: Buffer): void {
    this.applier.apply(payload);
  }

  /** Link handler: a locker credential set arrived; the locker module decodes and stores it. */
  onCredentials(payload: Buffer): void {
    this.bus.emit('credentialsReceived', { payload });
  }

  /** Link handler: a relayed weather report arrived; the lighting module reads it. */
  onWeather(payload: Buffer): void {
    this.bus.emit('weatherReceived', { payload });
  }

  /** Link handler: the MQTT connection came up or went down. */
  onConnectionChange(connected: boolean): void {
    this.bus.emit('linkChanged', { connected });
  }
}
