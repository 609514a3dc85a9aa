import type { Logger } from 'pino';
import { CommandName } from '@hameau/protocol';
import type { CommandHandler, ModuleInstance } from './agent-module.js';
import type { CommandLookup, CommandSource } from './command-source.js';
import { createModuleContext, type SharedContext } from './module-context.js';
import type { ModuleRegistry } from './module-registry.js';
import { truncate } from './outbox-writer.js';
import { withTimeout } from './with-timeout.js';

/** Where a module is in its life. */
export type ModuleState = 'created' | 'starting' | 'running' | 'failed' | 'stopping' | 'stopped';

/** A module's state as reported to the cloud, with the reason of a failure. */
export interface ModuleStatus {
  readonly state: ModuleState;
  readonly reason?: string;
}

/** What the host needs: the shared context, the registry and the modules to run. */
export interface ModuleHostOptions extends SharedContext {
  readonly registry: ModuleRegistry;
  /** Module name → validated config, in start order (the order of `modules:` in site.yaml). */
  readonly modules: Readonly<Record<string, unknown>>;
  /** A module whose `start` has not settled by then is failed; default 30 s. */
  readonly startTimeoutMs?: number;
  /** A module whose `stop` has not settled by then is abandoned; default 10 s. */
  readonly stopTimeoutMs?: number;
}

interface Slot {
  readonly name: string;
  instance: ModuleInstance | null;
  state: ModuleState;
  reason?: string;
}

/**
 * Runs the enabled modules: creates and starts them in config order, stops them in reverse.
 * A module that fails to be created or started is logged, reported as a `module-failed` alarm
 * event and marked failed; the others keep running, because a broken lock board must not put
 * the street lights out. It is also the command catalogue the dispatcher looks commands up in.
 */
export class ModuleHost implements CommandSource {
  readonly #o: ModuleHostOptions;
  readonly #log: Logger;
  readonly #slots: Slot[];
  readonly #commands = new Map<string, { module: string; handler: CommandHandler }>();
  #started: Promise<void> | null = null;
  #stopped: Promise<void> | null = null;

  constructor(options: ModuleHostOptions) {
    this.#o = options;
    this.#log = options.log.child({
      component: 'module-host',
      site: options.agent.site,
      device: options.agent.device,
    });
    this.#slots = Object.keys(options.modules).map((name) => ({
      name,
      instance: null,
      state: 'created',
    }));
  }

  /** Starts every module in order; resolves when each has started or failed. Never rejects. */
  start(): Promise<void> {
    this.#started ??= this.#startAll();
    return this.#started;
  }

  /** Stops every module in reverse order, each within the stop timeout. Never rejects. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stopAll();
    return this.#stopped;
  }

  /** Each module's state, for the reported state. */
  status(): Record<string, ModuleStatus> {
    const out: Record<string, ModuleStatus> = {};
    for (const s of this.#slots) {
      out[s.name] =
        s.reason === undefined ? { state: s.state } : { state: s.state, reason: s.reason };
    }
    return out;
  }

  lookup(name: string): CommandLookup {
    const found = this.#commands.get(name);
    if (found === undefined) return { kind: 'unknown' };
    const slot = this.#slots.find((s) => s.name === found.module);
    if (slot?.state !== 'running') {
      return { kind: 'unavailable', module: found.module, state: slot?.state ?? 'stopped' };
    }
    return { kind: 'found', module: found.module, handler: found.handler };
  }

  async #startAll(): Promise<void> {
    const startMs = this.#o.startTimeoutMs ?? 30_000;
    for (const slot of this.#slots) {
      // stop() may have been called while an earlier module was starting.
      if (this.#stopped !== null) return;
      const instance = this.#create(slot);
      if (instance === null) continue;
      slot.state = 'starting';
      try {
        const timed = await withTimeout(instance.start(), this.#o.clock, startMs);
        if (!timed.done) {
          this.#fail(slot, `start did not finish within ${startMs / 1000} s`);
          continue;
        }
        slot.state = 'running';
        this.#log.info({ module: slot.name }, 'module started');
      } catch (err) {
        this.#fail(slot, `start failed: ${messageOf(err)}`, err);
      }
    }
  }

  #create(slot: Slot): ModuleInstance | null {
    const module = this.#o.registry.get(slot.name);
    if (module === undefined) {
      this.#fail(slot, 'this agent build has no such module');
      return null;
    }
    let instance: ModuleInstance;
    try {
      const ctx = createModuleContext(this.#o, slot.name, this.#o.modules[slot.name]);
      instance = module.create(ctx);
    } catch (err) {
      this.#fail(slot, `create failed: ${messageOf(err)}`, err);
      return null;
    }
    slot.instance = instance;
    const problem = this.#addCommands(slot.name, instance.commands ?? {});
    if (problem !== null) {
      this.#fail(slot, problem);
      return null;
    }
    return instance;
  }

  /** Registers a module's commands, all or none; returns why they could not be, or null. */
  #addCommands(module: string, commands: Readonly<Record<string, CommandHandler>>): string | null {
    for (const name of Object.keys(commands)) {
      if (!CommandName.safeParse(name).success)
        return `invalid command name ${JSON.stringify(name)}`;
      const owner = this.#commands.get(name);
      if (owner !== undefined)
        return `command ${name} is already provided by module ${owner.module}`;
    }
    for (const [name, handler] of Object.entries(commands)) {
      this.#commands.set(name, { module, handler });
    }
    return null;
  }

  #fail(slot: Slot, reason: string, err?: unknown): void {
    slot.state = 'failed';
    slot.reason = truncate(reason, 200);
    this.#log.error(
      { module: slot.name, reason: slot.reason, err },
      'module failed; others keep running',
    );
    try {
      this.#o.writer.event(
        'module-failed',
        'alarm',
        slot.name,
        { module: slot.name, reason: slot.reason },
        true,
      );
    } catch (appendErr) {
      this.#log.error({ err: appendErr }, 'could not record the module-failed event');
    }
    this.#o.bus.emit('moduleFailed', { module: slot.name, reason: slot.reason });
  }

  async #stopAll(): Promise<void> {
    // Let an ongoing start finish first, so no module starts after it was meant to be stopped.
    if (this.#started !== null) await this.#started;
    const stopMs = this.#o.stopTimeoutMs ?? 10_000;
    for (const slot of [...this.#slots].reverse()) {
      // A failed module may hold part of what it acquired; its stop releases it.
      if (slot.instance === null) continue;
      const failed = slot.state === 'failed';
      if (!failed) slot.state = 'stopping';
      try {
        const timed = await withTimeout(slot.instance.stop(), this.#o.clock, stopMs);
        if (timed.done) {
          if (!failed) slot.state = 'stopped';
          this.#log.info({ module: slot.name }, 'module stopped');
        } else {
          if (!failed) slot.state = 'stopped';
          this.#log.warn(
            { module: slot.name, timeoutMs: stopMs },
            'module stop timed out; abandoned',
          );
        }
      } catch (err) {
        if (!failed) slot.state = 'stopped';
        this.#log.error({ module: slot.name, err }, 'module stop failed');
      }
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
