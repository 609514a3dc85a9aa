import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { expect } from 'vitest';
import { LampNodeGroup } from '@hameau/firmware-sim';
import { systemClock, type Clock } from '@hameau/protocol';
import {
  CABINET_DEVICE,
  CABINET_SITE,
  cabinetNodeGroup,
  cabinetSite,
  startCabinetCloud,
  type CabinetCloud,
} from '../../../bench/src/lighting/cabinet-town.js';
import { main } from '../../src/main.js';
import { stopper } from './run-cli.js';

// The street-lighting end-to-end tests share one rig: the cabinet town of
// `bench/src/lighting/cabinet-town.ts` (the one `bench:lighting` times overrides on), all real
// programs in this process and on real time (the API on SQLite with MQTT ingestion, our broker
// authenticating from its registry, three simulated lamp nodes behind a Modbus TCP gateway),
// and the cabinet's agent run through the CLI as `hameau agent --config site.yaml`, its clock
// set to a night. Each test file says what it changes (the weather relay, the programs).

/** Generous: every wait is for an outcome, on real time, on a loaded machine. */
export const WAIT = { timeout: 15_000, interval: 50 };

/**
 * Where the agent's wall clock starts: a Thursday night in January at 01:30 in Senlis, hours
 * from sunset and sunrise and from any step of the programs, so no switch-on, switch-off or
 * step can fall inside a test, whatever the hour it runs. It is in the past, so the API's
 * commands (their expiry on the API's real clock) are never expired for the agent.
 */
export const AGENT_START = Date.parse('2026-01-15T01:30:00+01:00');

/** A zone's level as the API reports it. */
export interface ZoneLevelView {
  readonly zone: string;
  readonly level: number;
  readonly mode: string;
  readonly reasons: readonly string[];
  readonly at: string;
}

/** What a test changes of the cabinet town. */
export interface CabinetAgentRunOptions {
  /** Names the temp folder (`hameau-<name>-…`). */
  readonly name: string;
  /** The agent's clock (a night: see `AGENT_START`). */
  readonly agentClock: Clock;
  /** The nodes' level before the agent runs. */
  readonly nodeLevel: number;
}

/** What the town needs that only the test file knows at start. */
export interface CabinetStartOptions {
  /** An Open-Meteo URL for the API's weather relay (none: no relay). */
  readonly weatherUrl?: string;
  /** More keys of the agent's `modules.lighting` (programs, weather…). */
  readonly lighting?: Readonly<Record<string, unknown>>;
}

/** The cabinet town with its agent; `start` in `beforeAll`, `close` in `afterAll`. */
export class CabinetAgentRun {
  readonly dir: string;
  readonly log: Logger;
  readonly nodes: LampNodeGroup;
  /** What the agent wrote to standard error: a test ends with it empty. */
  readonly agentErr: string[] = [];
  readonly #agentClock: Clock;
  readonly #logLevel = process.env.HAMEAU_TEST_LOG ?? 'silent';
  #cloud: CabinetCloud | null = null;
  #stopAgent: (() => Promise<number>) | null = null;

  constructor(options: CabinetAgentRunOptions) {
    this.dir = mkdtempSync(join(tmpdir(), `hameau-${options.name}-`));
    this.log = pino({ level: this.#logLevel });
    this.#agentClock = options.agentClock;
    // Real time: the nodes' watchdogs and the gateway run as on a street.
    this.nodes = new LampNodeGroup(cabinetNodeGroup(options.nodeLevel), {
      clock: systemClock,
      log: this.log,
    });
  }

  /** Starts the nodes, the cloud (broker and API), then the agent through the CLI. */
  async start(options: CabinetStartOptions = {}): Promise<void> {
    const { endpoints } = await this.nodes.start();
    const gatewayPort = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
    const cloud = await startCabinetCloud({
      dir: this.dir,
      log: this.log,
      batchMaxDelayMs: 20,
      ...(options.weatherUrl !== undefined && { weatherUrl: options.weatherUrl }),
    });
    this.#cloud = cloud;

    // The password in a 0600 file beside site.yaml, as an operator installs it.
    writeFileSync(join(this.dir, 'agent-password'), `${cloud.agentPassword}\n`, { mode: 0o600 });
    const site = cabinetSite({
      mqttUrl: cloud.mqttUrl,
      password: { file: 'agent-password' },
      gatewayPort,
      dataDir: join(this.dir, 'agent'),
      logLevel: this.#logLevel,
      ...(options.lighting !== undefined && { lighting: options.lighting }),
    });
    const configFile = join(this.dir, 'site.yaml');
    writeFileSync(configFile, JSON.stringify(site, null, 2));

    const { signal, stop } = stopper();
    const done = main(['agent', '--config', configFile], {
      env: {},
      out: () => undefined,
      err: (line) => this.agentErr.push(line),
      stopSignal: signal,
      clock: this.#agentClock,
    });
    this.#stopAgent = () => {
      stop('SIGTERM');
      return done;
    };
  }

  /** The running cloud. */
  get cloud(): CabinetCloud {
    if (this.#cloud === null) throw new Error('the API is not running');
    return this.#cloud;
  }

  /** A call to the API as its admin. */
  http(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.cloud.api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.cloud.adminToken}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  }

  /** Each zone's level as the API reports it, by zone id. */
  async levels(): Promise<Map<string, ZoneLevelView>> {
    const res = await this.http(
      'GET',
      `/api/v1/devices/${CABINET_SITE}/${CABINET_DEVICE}/lighting/levels`,
    );
    expect(res.status).toBe(200);
    const { zones } = (await res.json()) as { zones: ZoneLevelView[] };
    return new Map(zones.map((z) => [z.zone, z]));
  }

  /** The level the agent last wrote to a node. */
  commanded(node: string): number {
    return this.nodes.node(node).snapshot().commandedLevel;
  }

  /**
   * Stops the agent (as SIGTERM does), the cloud and the nodes, and removes the folder, whatever
   * part started; resolves with the agent's exit code (undefined if it never started).
   */
  async close(): Promise<number | undefined> {
    const exit = await this.#stopAgent?.();
    await this.#cloud?.close();
    await this.nodes.stop();
    rmSync(this.dir, { recursive: true, force: true });
    return exit;
  }
}
