import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { expect, vi } from 'vitest';
import { parseBrokerConfig, startBroker, type RunningBroker } from '@hameau/broker';
import { parseApiConfig, startApiServer, type RunningApi } from '@hameau/cloud-api';
import { LockBoardBank } from '@hameau/firmware-sim';
import { systemClock } from '@hameau/protocol';
import { main } from '../src/main.js';
import { freePort } from '../../broker/test/private-redis.js';

export const SITE = 'gare';
export const DEVICE = 'consigne';
export const BANK = 'gare-nord';
/** Generous: every wait is for an outcome, on real time, on a loaded machine. */
export const WAIT = { timeout: 15_000, interval: 50 };
const logLevel = process.env.HAMEAU_TEST_LOG ?? 'silent';

/** The boxes of the bank: number, size and where its lock hangs (two boards on one bus). */
export const BOXES = [
  { number: 1, size: 'S', board: 0, lock: 0 },
  { number: 2, size: 'M', board: 0, lock: 1 },
  { number: 3, size: 'M', board: 1, lock: 0 },
  { number: 4, size: 'L', board: 1, lock: 1 },
] as const;

/** Where box `number`'s lock hangs. */
export function lockOf(number: number): { board: number; lock: number } {
  const box = BOXES.find((b) => b.number === number);
  if (box === undefined) throw new Error(`no box ${number}`);
  return { board: box.board, lock: box.lock };
}

/** What the kiosk answers to `POST /api/code`. */
export type KioskAnswer =
  | { status: 'opened'; box: number; kind: string }
  | { status: 'rejected'; reason: string; retryAfterSeconds?: number };

/** The API's view of a reservation, as far as these tests read it. */
export interface ReservationView {
  id: string;
  box: number;
  state: string;
  depositedAt: string | null;
  readyAt: string | null;
  pickedUpAt: string | null;
}

export interface ReservationDetail {
  reservation: ReservationView;
  history: { at: string; event: string; actor: string; details: Record<string, unknown> }[];
}

/** The API's view of a command, as far as these tests read it. */
export interface CommandView {
  id: string;
  state: string;
  args: Record<string, unknown>;
  issuedBy: string;
  issuedAt: string;
  expiresAt: string;
  result: { status: string; data?: Record<string, unknown> } | null;
}

/** `hameau agent --config <file>` run in-process; `stop` is its SIGTERM and resolves its exit. */
function runAgent(configFile: string) {
  let signal: (name: string) => void = () => undefined;
  const stopSignal = new Promise<string>((resolve) => (signal = resolve));
  const err: string[] = [];
  const done = main(['agent', '--config', configFile], {
    env: {},
    out: () => undefined,
    err: (line) => err.push(line),
    stopSignal,
  });
  return {
    err,
    stop: () => {
      signal('SIGTERM');
      return done;
    },
  };
}

/**
 * A town's parcel locker, all real programs in this process: the API (SQLite, MQTT ingestion,
 * the log-file notifier), our broker authenticating from its registry, a simulated bank of two
 * Kerong lock boards behind a TCP gateway at 19,200 baud with wire timing, and the bank's agent
 * run through the CLI with its kiosk on a loopback port. A second `cloud` account (`tester`)
 * watches and re-publishes commands, as a cloud re-sending one would.
 */
export class LockerTown {
  readonly dir = mkdtempSync(join(tmpdir(), 'hameau-lockers-e2e-'));
  readonly bank = new LockBoardBank(
    {
      id: 'bank',
      tcp: { port: 0 },
      baud: 19_200,
      timing: true,
      boards: [{ address: 0 }, { address: 1 }],
    },
    { clock: systemClock },
  );
  api: RunningApi | null = null;
  broker: RunningBroker | null = null;
  agent: ReturnType<typeof runAgent> | null = null;
  tester: MqttClient | null = null;
  brokerPort = 0;
  kioskPort = 0;
  adminToken = '';
  merchantToken = '';
  #testerPassword = '';
  readonly #log = pino({ level: logLevel });

  /** `doorOpenAlarmMinutes`: the agent's `door-left-open` delay (its default, 5, when unset). */
  constructor(readonly options: { readonly doorOpenAlarmMinutes?: number } = {}) {}

  async start(): Promise<void> {
    const { endpoints } = await this.bank.start();
    const gatewayPort = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
    this.brokerPort = await freePort();
    this.kioskPort = await freePort();
    this.api = await startApiServer(
      parseApiConfig({
        host: '127.0.0.1',
        port: 0,
        dataDir: this.dir,
        mqtt: { url: `mqtt://127.0.0.1:${this.brokerPort}`, batchMaxDelayMs: 20 },
      }),
      { log: this.#log },
    );
    this.adminToken = readFileSync(join(this.dir, 'admin-token'), 'utf8').trim();
    const created = await this.api.app.hameau.devices.create(
      { site: SITE, device: DEVICE, kind: 'locker' },
      'test',
    );
    const tester = await this.api.app.hameau.accounts.create(
      { role: 'cloud', name: 'tester' },
      'test',
    );
    this.#testerPassword = tester.password;
    await this.startBroker();

    // The bank and its boxes, as a technician creates them; a merchant's token.
    const bank = await this.http('POST', '/api/v1/lockers/banks', this.adminToken, {
      id: BANK,
      site: SITE,
      device: DEVICE,
      name: 'Consigne de la gare',
      boxes: BOXES.map(({ number, size }) => ({ number, size })),
    });
    expect(bank.status).toBe(201);
    const token = await this.http('POST', '/api/v1/tokens', this.adminToken, {
      name: 'boulangerie',
      role: 'merchant',
    });
    expect(token.status).toBe(201);
    this.merchantToken = ((await token.json()) as { token: string }).token;

    writeFileSync(join(this.dir, 'agent-password'), `${created.mqtt.password}\n`, { mode: 0o600 });
    // JSON is YAML: the file goes through the same loader and checks as a town's site.yaml.
    const site = {
      site: SITE,
      device: DEVICE,
      kind: 'locker',
      mqtt: {
        url: `mqtt://127.0.0.1:${this.brokerPort}`,
        passwordFile: 'agent-password',
        reconnect: { minMs: 100, maxMs: 1000 },
      },
      outbox: { replayPerSecond: 5000, resendAfterSeconds: 2 },
      dataDir: join(this.dir, 'agent'),
      log: { level: logLevel },
      modules: {
        locker: {
          name: 'Consigne de la gare',
          buses: [
            {
              id: 'main',
              transport: { type: 'tcp', host: '127.0.0.1', port: gatewayPort },
              boards: [0, 1],
            },
          ],
          boxes: BOXES.map((b) => ({ ...b, bus: 'main' })),
          kiosk: { host: '127.0.0.1', port: this.kioskPort, terminal: 'kiosk' },
          ...(this.options.doorOpenAlarmMinutes !== undefined && {
            doorOpenAlarmMinutes: this.options.doorOpenAlarmMinutes,
          }),
        },
      },
    };
    writeFileSync(this.configFile, JSON.stringify(site, null, 2));
    await this.startAgent();
  }

  get configFile(): string {
    return join(this.dir, 'site.yaml');
  }

  /** Starts our broker on the town's port, and waits until the API's session is back. */
  async startBroker(): Promise<void> {
    this.broker = await startBroker(
      parseBrokerConfig({
        host: '127.0.0.1',
        mqttPort: this.brokerPort,
        wsPort: null,
        httpPort: null,
        dataDir: this.dir,
        credentials: 'registry',
      }),
      { log: this.#log },
    );
    await vi.waitFor(() => {
      expect(this.api?.ingestion?.connected).toBe(true);
    }, WAIT);
  }

  /** Closes the broker: every client loses its connection. */
  async stopBroker(): Promise<void> {
    const broker = this.broker;
    this.broker = null;
    await this.tester?.endAsync(true);
    this.tester = null;
    await broker?.close();
  }

  /** The `tester` cloud session, connected now if it is not. */
  async testerClient(): Promise<MqttClient> {
    this.tester ??= await connectAsync(`mqtt://127.0.0.1:${this.brokerPort}`, {
      clientId: 'tester:e2e',
      username: 'tester',
      password: this.#testerPassword,
      reconnectPeriod: 0,
    });
    return this.tester;
  }

  /** Starts the agent, waits for its birth at the API and for its bank to be in service. */
  async startAgent(): Promise<void> {
    const before = (await this.deviceStatus())?.session ?? 0;
    this.agent = runAgent(this.configFile);
    await vi.waitFor(async () => {
      const status = await this.deviceStatus();
      expect(status?.online).toBe(true);
      expect(status?.session).toBeGreaterThan(before);
    }, WAIT);
    await vi.waitFor(async () => {
      const res = await fetch(`${this.kioskUrl}/api/status`);
      expect(((await res.json()) as { inService: boolean }).inService).toBe(true);
    }, WAIT);
  }

  /** Stops the agent (its SIGTERM): exit 0, nothing on stderr, offline at the API. */
  async stopAgent(): Promise<void> {
    const agent = this.agent;
    this.agent = null;
    expect(await agent?.stop()).toBe(0);
    expect(agent?.err).toEqual([]);
    await vi.waitFor(async () => {
      expect((await this.deviceStatus())?.online).toBe(false);
    }, WAIT);
  }

  get kioskUrl(): string {
    return `http://127.0.0.1:${this.kioskPort}`;
  }

  /** Types `code` at the kiosk page's API. */
  async submitCode(code: string): Promise<KioskAnswer> {
    const res = await fetch(`${this.kioskUrl}/api/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as KioskAnswer;
  }

  /**
   * The credential-set version the agent holds, from its own database (`locker.credentials`,
   * written before the set is used).
   */
  agentCredentialVersion(): number {
    const value = this.#readAgentDb<{ value: string }>(
      'SELECT value FROM agent_state WHERE key = ?',
      'locker.credentials',
    )[0]?.value;
    return value === undefined ? 0 : (JSON.parse(value) as { version: number }).version;
  }

  /** The events of `type` waiting in the agent's outbox (not acknowledged by the cloud yet). */
  agentOutboxEvents(type: string): number {
    return this.#readAgentDb(
      'SELECT id FROM outbox WHERE topic = ?',
      `hameau/v1/${SITE}/${DEVICE}/event/${type}`,
    ).length;
  }

  /** Rows from the agent's own database, on a separate read-only connection. */
  #readAgentDb<T>(sql: string, param: string): T[] {
    const db = new Database(join(this.dir, 'agent', 'agent.sqlite'), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      return db.prepare<[string], T>(sql).all(param);
    } finally {
      db.close();
    }
  }

  /** The bank's credential-set version at the API. */
  async cloudCredentialVersion(): Promise<number> {
    const res = await this.http('GET', `/api/v1/lockers/banks/${BANK}/boxes`, this.adminToken);
    expect(res.status).toBe(200);
    return ((await res.json()) as { credentials: { version: number } }).credentials.version;
  }

  /** Waits until the agent holds the API's newest credential set. */
  async untilAgentHoldsCredentials(): Promise<void> {
    const version = await this.cloudCredentialVersion();
    await vi.waitFor(() => {
      expect(this.agentCredentialVersion()).toBeGreaterThanOrEqual(version);
    }, WAIT);
  }

  async reservation(id: string): Promise<ReservationDetail> {
    const res = await this.http('GET', `/api/v1/lockers/reservations/${id}`, this.merchantToken);
    expect(res.status).toBe(200);
    return (await res.json()) as ReservationDetail;
  }

  async command(id: string): Promise<CommandView> {
    const res = await this.http('GET', `/api/v1/commands/${id}`, this.adminToken);
    expect(res.status).toBe(200);
    return (await res.json()) as CommandView;
  }

  async deviceStatus(): Promise<{ online: boolean; session: number } | null> {
    const res = await this.http('GET', `/api/v1/devices/${SITE}/${DEVICE}`, this.adminToken);
    expect(res.status).toBe(200);
    return ((await res.json()) as { status: { online: boolean; session: number } | null }).status;
  }

  /** Unlock frames the simulator obeyed for box `number`'s lock. */
  unlocksOf(number: number): number {
    const { board, lock } = lockOf(number);
    return this.bank.unlocks.filter((u) => u.board === board && u.lock === lock).length;
  }

  async close(): Promise<void> {
    await this.agent?.stop();
    await this.tester?.endAsync(true);
    await this.api?.close();
    await this.broker?.close();
    await this.bank.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  http(method: string, path: string, token: string, body?: unknown): Promise<Response> {
    if (this.api === null) throw new Error('the API is not running');
    return fetch(`${this.api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  }
}
