import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { systemClock, type Clock } from '@hameau/protocol';
import { builtinModules } from './builtin-modules.js';
import type { AgentConfig } from './config/agent-config.js';
import { reportOutboxStats } from './link/outbox-reporter.js';
import { MqttLink } from './link/mqtt-link.js';
import { outboxOptions } from './outbox/outbox-config.js';
import { Outbox } from './outbox/outbox.js';
import { AgentRuntime } from './runtime/agent-runtime.js';
import type { ModuleRegistry } from './runtime/module-registry.js';
import { openAgentDb } from './store/agent-db.js';
import { startSystemdWatchdog } from './watchdog/systemd-watchdog.js';

/** The agent's version, announced in its birth message. */
export const AGENT_VERSION = '0.1.0';

export interface AgentDeps {
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly registry?: ModuleRegistry;
  readonly env?: NodeJS.ProcessEnv;
}

/** A running agent. */
export interface RunningAgent {
  readonly link: MqttLink;
  readonly runtime: AgentRuntime;
  readonly outbox: Outbox;
  stop(): Promise<void>;
}

/**
 * Starts a site's agent: its database, outbox, modules, link and watchdog. Modules start before
 * the link, so readings taken while the broker is unreachable go to the outbox from the first
 * second.
 */
export async function startAgent(config: AgentConfig, deps: AgentDeps = {}): Promise<RunningAgent> {
  const clock = deps.clock ?? systemClock;
  const log =
    deps.log ??
    pino({
      name: 'agent',
      level: config.log.level,
      base: { site: config.site, device: config.device },
    });
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const db = openAgentDb(join(config.dataDir, 'agent.sqlite'), { clock });
  const outbox = new Outbox(
    db,
    outboxOptions(config.outbox, clock, log.child({ component: 'outbox' })),
  );
  outbox.enforceCaps();
  let link: MqttLink | null = null;
  const runtime = new AgentRuntime({
    config,
    registry: deps.registry ?? builtinModules(),
    db,
    outbox,
    clock,
    log,
    publishState: (state) => link?.publishState(state),
  });
  link = new MqttLink(
    {
      url: config.mqtt.url,
      username: config.mqtt.username,
      password: config.mqtt.password.reveal(),
      ...(config.mqtt.ca && { ca: Buffer.from(config.mqtt.ca.pem) }),
      keepaliveSeconds: config.mqtt.keepaliveSeconds,
      reconnect: config.mqtt.reconnect,
      identity: { site: config.site, device: config.device, kind: config.kind },
      version: AGENT_VERSION,
      replayPerSecond: config.outbox.replayPerSecond,
      resendAfterMs: config.outbox.resendAfterSeconds * 1_000,
      clock,
      log: log.child({ component: 'link' }),
      outbox,
      state: runtime.state,
    },
    {
      onCommand: (name, payload) => {
        runtime.onCommand(name, payload);
      },
      onDesiredConfig: (payload) => {
        runtime.onDesiredConfig(payload);
      },
      onCredentials: (payload) => {
        runtime.onCredentials(payload);
      },
      onWeather: (payload) => {
        runtime.onWeather(payload);
      },
      onConnectionChange: (connected) => {
        runtime.onConnectionChange(connected);
      },
    },
  );
  await runtime.start();
  link.start();
  const stopStats = reportOutboxStats(
    outbox,
    config,
    clock,
    config.outbox.statsIntervalSeconds * 1_000,
  );
  const watchdog = startSystemdWatchdog(deps.env ?? process.env, log);
  log.info({ modules: Object.keys(config.modules) }, 'agent started');

  const running = link;
  let stopping: Promise<void> | null = null;
  return {
    link: running,
    runtime,
    outbox,
    stop: () =>
      (stopping ??= (async () => {
        watchdog.stop();
        stopStats();
        await runtime.stop();
        await running.stop();
        db.close();
      })()),
  };
}
