import { pino } from 'pino';
import { ManualClock, TOPICS } from '@hameau/protocol';
import { createMeteringModule } from '../../../../src/modules/metering/metering-module.js';
import { MeteringConfig } from '../../../../src/modules/metering/metering-config.js';
import type { ClientFactory } from '../../../../src/modules/metering/metering-runtime.js';
import { Outbox } from '../../../../src/outbox/outbox.js';
import type { AgentEvents } from '../../../../src/runtime/agent-events.js';
import type { ModuleInstance } from '../../../../src/runtime/agent-module.js';
import { EventBus } from '../../../../src/runtime/event-bus.js';
import { createModuleContext } from '../../../../src/runtime/module-context.js';
import { OutboxWriter } from '../../../../src/runtime/outbox-writer.js';
import { openAgentDb } from '../../../../src/store/agent-db.js';
import { AgentState } from '../../../../src/store/agent-state.js';

export const agent = { site: 'mairie', device: 'meters-1', kind: 'meters' as const };

/** What a test sees of the metering module it runs. */
export interface MeteringHarness {
  readonly clock: ManualClock;
  readonly instance: ModuleInstance;
  readonly bus: EventBus<AgentEvents>;
  /** Readings on `stream` (default `energy`), optionally of one source, oldest first. */
  readings(stream?: string, source?: string): ReturnType<typeof TOPICS.telemetry.decode>[];
  /** Events of `type`, oldest first. */
  events(type: string): ReturnType<typeof TOPICS.event.decode>[];
  readonly db: ReturnType<typeof openAgentDb>;
  stop(): Promise<void>;
}

/**
 * Runs the metering module as the agent would (its own context, an in-memory outbox, durable
 * state) with `config` and the given clients. The database may be shared to test a restart.
 */
export async function startMetering(
  config: unknown,
  createClient?: ClientFactory,
  options: { clock?: ManualClock; db?: ReturnType<typeof openAgentDb> } = {},
): Promise<MeteringHarness> {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 2, 1, 8));
  const db = options.db ?? openAgentDb(':memory:');
  const log = pino({ level: 'silent' });
  const outbox = new Outbox(db, { clock, maxRecords: 1_000_000, maxAgeMs: 365 * 86_400_000 });
  const bus = new EventBus<AgentEvents>(log);
  const ctx = createModuleContext(
    {
      agent,
      clock: clock,
      log,
      outbox,
      writer: new OutboxWriter(outbox, agent),
      bus,
      state: new AgentState(db),
    },
    'metering',
    MeteringConfig.parse(config),
  );
  const module = createMeteringModule(createClient === undefined ? {} : { createClient });
  const instance = module.create(ctx);
  const entries = () => outbox.oldest(10_000_000);
  await instance.start();
  // Let the polls made at start reach their buses before the test moves time.
  await clock.advance(0);
  return {
    clock,
    instance,
    bus,
    db,
    readings(stream = 'energy', source) {
      const topic = TOPICS.telemetry.build({ ...agent, stream });
      return entries()
        .filter((e) => e.topic === topic)
        .map((e) => TOPICS.telemetry.decode(e.payload))
        .filter((r) => source === undefined || r.source === source);
    },
    events(type) {
      const topic = TOPICS.event.build({ ...agent, type });
      return entries()
        .filter((e) => e.topic === topic)
        .map((e) => TOPICS.event.decode(e.payload));
    },
    stop: () => instance.stop(),
  };
}
