import type { Logger } from 'pino';
import type { Clock } from '@hameau/protocol';
import type { Outbox } from '../outbox/outbox.js';
import type { AgentState } from '../store/agent-state.js';
import type { AgentEvents } from './agent-events.js';
import type { AgentIdentity, ModuleContext } from './agent-module.js';
import type { EventBus } from './event-bus.js';
import type { OutboxWriter } from './outbox-writer.js';

/** What the host shares with every module; `createModuleContext` adds the module's own part. */
export interface SharedContext {
  readonly agent: AgentIdentity;
  readonly clock: Clock;
  /** The agent's root logger; each module gets a child. */
  readonly log: Logger;
  readonly outbox: Outbox;
  readonly writer: OutboxWriter;
  readonly bus: EventBus<AgentEvents>;
  readonly state: AgentState;
}

/** Builds the one context object a module receives. */
export function createModuleContext<C>(
  shared: SharedContext,
  name: string,
  config: C,
): ModuleContext<C> {
  const { agent, clock, outbox, writer, bus, state } = shared;
  const log = shared.log.child({ module: name, site: agent.site, device: agent.device });
  return Object.freeze({
    name,
    config,
    agent,
    clock,
    log,
    outbox,
    bus,
    state,
    report(stream, source, values, missing, extra) {
      writer.telemetry(stream, source, values, missing, extra);
    },
    emit(type, severity, subject, data, options) {
      writer.event(type, severity, subject, data, options?.critical ?? severity === 'alarm');
    },
    onConfigChanged(listener) {
      // Compared as JSON: both sides are outputs of the same schema, so equal configs serialise
      // identically, and a module is not restarted for another module's change.
      let last = JSON.stringify(config);
      return bus.on('configChanged', (event) => {
        if (!(name in event.modules)) return;
        // Validated by this module's own schema before the event was sent.
        const next = event.modules[name] as C;
        const json = JSON.stringify(next);
        if (json === last) return;
        last = json;
        listener(next, event.version);
      });
    },
  } satisfies ModuleContext<C>);
}
