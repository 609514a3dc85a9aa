import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RunningAgent } from '@hameau/edge-agent';
import { TOPICS } from '@hameau/protocol';
import { freePort } from '../free-port.js';
import { startSiteAgent, stopSiteAgent } from '../site-agent.js';

/** One `meter-health` report of one meter, as the agent wrote it to its outbox. */
export interface HealthSample {
  /** When it reached the outbox, on this process's monotonic clock (ms). */
  readonly at: number;
  readonly values: Readonly<Record<string, number | null>>;
}

/** How the bench runs the agent. */
export interface MeteringAgentOptions {
  /** `modules.metering.buses` of the site config. */
  readonly buses: readonly unknown[];
  /** How often each meter's health (its poll and error counters) is reported. */
  readonly healthIntervalMs: number;
  readonly log: Logger;
}

const HEALTH_STREAM = 'meter-health';
const UNREACHABLE_EVENT = 'meter-unreachable';

/**
 * A whole edge agent (`startAgent`, as `hameau agent` runs it) with only the metering module,
 * its outbox in a throw-away folder. Its MQTT broker is a port nobody listens on: the agent runs
 * as when the cloud is out of reach (readings stay in the outbox), so the bench needs no broker
 * and the agent's CPU is its own. The bench reads the agent's own counters from what it writes
 * to the outbox: each meter's health reports and `meter-unreachable` events.
 */
export class MeteringAgent {
  readonly #agent: RunningAgent;
  readonly #dir: string;
  readonly #health = new Map<string, HealthSample[]>();
  readonly #unreachable = new Map<string, number>();
  readonly #unsubscribe: () => void;

  private constructor(agent: RunningAgent, dir: string) {
    this.#agent = agent;
    this.#dir = dir;
    this.#unsubscribe = agent.outbox.onAppend((entry) => {
      const at = performance.now();
      const telemetry = TOPICS.telemetry.match(entry.topic);
      if (telemetry?.stream === HEALTH_STREAM) {
        const { source, values } = TOPICS.telemetry.decode(entry.payload);
        const samples = this.#health.get(source) ?? [];
        samples.push({ at, values });
        this.#health.set(source, samples);
        return;
      }
      if (TOPICS.event.match(entry.topic)?.type === UNREACHABLE_EVENT) {
        const { subject } = TOPICS.event.decode(entry.payload);
        if (subject !== undefined && !this.#unreachable.has(subject)) {
          this.#unreachable.set(subject, at);
        }
      }
    });
  }

  /** Starts the agent with the given buses, every other setting at its default. */
  static async start(options: MeteringAgentOptions): Promise<MeteringAgent> {
    const dir = await mkdtemp(join(tmpdir(), 'hameau-bench-agent-'));
    try {
      const site = {
        site: 'bench',
        device: 'meters-1',
        kind: 'meters',
        mqtt: { url: `mqtt://127.0.0.1:${await freePort()}`, password: 'unused' },
        dataDir: join(dir, 'data'),
        log: { level: 'warn' },
        modules: {
          metering: { healthIntervalMs: options.healthIntervalMs, buses: options.buses },
        },
      };
      return new MeteringAgent(await startSiteAgent(site, dir, options.log), dir);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** The last health report of `meter` that reached the outbox at or before `at`. */
  healthAt(meter: string, at: number): HealthSample | undefined {
    return this.#health.get(meter)?.findLast((s) => s.at <= at);
  }

  /** When the agent declared `meter` unreachable (its breaker opened), or undefined. */
  unreachableAt(meter: string): number | undefined {
    return this.#unreachable.get(meter);
  }

  /** Stops the agent and deletes its folder. */
  async stop(): Promise<void> {
    this.#unsubscribe();
    await stopSiteAgent(this.#agent, this.#dir);
  }
}
