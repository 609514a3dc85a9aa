import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock, DeviceKind, Severity } from '@hameau/protocol';
import type { Outbox } from '../outbox/outbox.js';
import type { AgentState } from '../store/agent-state.js';
import type { AgentEvents } from './agent-events.js';
import type { EventBus } from './event-bus.js';
import type { TelemetryExtra } from './outbox-writer.js';

/** Who this agent is. */
export interface AgentIdentity {
  readonly site: string;
  readonly device: string;
  readonly kind: DeviceKind;
}

/** What a handler knows about the command besides its arguments. */
export interface CommandMeta {
  readonly id: string;
  /** Who asked (a technician's login, `cloud`…), for the module's own audit events. */
  readonly issuedBy: string;
}

/**
 * One command a module answers. `args` validates the command's arguments (a failure is answered
 * `INVALID_ARGS` without running); `run` returns the result data or throws a `CommandError`.
 * `critical` (default true) keeps the result in the outbox even past its cap; the outbox now
 * treats every command result as critical, so `false` is only a hint for a future policy.
 */
export interface CommandHandler<A = unknown> {
  readonly args: z.ZodType<A>;
  readonly critical?: boolean;
  run(args: A, meta: CommandMeta): Promise<Record<string, unknown>>;
}

/** A running module. `stop` releases whatever `start` acquired, even after a partial start. */
export interface ModuleInstance {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Commands by name (a topic level: lower-case letters, digits, dashes). */
  readonly commands?: Readonly<Record<string, CommandHandler>>;
}

/** Options of `ModuleContext.emit`. */
export interface EmitOptions {
  /** Kept in the outbox even past its cap; defaults to true for alarms, false otherwise. */
  readonly critical?: boolean;
}

/** Everything a module gets from the agent, in one object. */
export interface ModuleContext<C> {
  /** The module's name, as in `modules.<name>`. */
  readonly name: string;
  /** This module's configuration at start (validated by its schema, frozen). */
  readonly config: C;
  readonly agent: AgentIdentity;
  readonly clock: Clock;
  /** A pino child logger carrying `module`, `site` and `device`. */
  readonly log: Logger;
  readonly outbox: Outbox;
  readonly bus: EventBus<AgentEvents>;
  /** Durable key-value state; prefix keys with the module's name. */
  readonly state: AgentState;
  /**
   * Appends telemetry: readings taken now from `source`; `null` values say why in `missing`;
   * `extra` holds a stream's own optional fields (the lighting night so far).
   */
  report(
    stream: string,
    source: string,
    values: Readonly<Record<string, number | null>>,
    missing?: Readonly<Record<string, string>>,
    extra?: TelemetryExtra,
  ): void;
  /** Appends an event of `type` about `subject` (a box, a meter, a zone). */
  emit(
    type: string,
    severity: Severity,
    subject: string | undefined,
    data: Readonly<Record<string, unknown>>,
    options?: EmitOptions,
  ): void;
  /**
   * Calls `listener` when a desired configuration changes this module's configuration (not
   * when another module's part changed). Returns the function that unsubscribes.
   */
  onConfigChanged(listener: (config: C, version: number) => void): () => void;
}

/**
 * A module of the agent (locker, metering, lighting…): its name, the schema of its
 * `modules.<name>` section and a factory. `create` only builds; hardware is opened in `start`.
 */
export interface AgentModule<C = unknown> {
  readonly name: string;
  readonly configSchema: z.ZodType<C>;
  /**
   * Top-level keys of `modules.<name>` that only site.yaml sets (the box's wiring, its safety
   * caps): a desired config from the cloud runs with site.yaml's values for them.
   */
  readonly localKeys?: readonly string[];
  create(ctx: ModuleContext<C>): ModuleInstance;
}

/** Declares a module with its config type inferred from its schema. */
export function defineModule<C>(module: AgentModule<C>): AgentModule<C> {
  return module;
}

/** Declares a command handler with its argument type inferred from its schema. */
export function defineCommand<A>(handler: CommandHandler<A>): CommandHandler<A> {
  return handler;
}
