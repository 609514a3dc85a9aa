import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { parseApiConfig, startApiServer, type RunningApi } from '@hameau/cloud-api';
import { CounterDevice } from '@hameau/firmware-sim';
import { systemClock } from '@hameau/protocol';
import {
  freePort,
  startPrivateRedis,
  type PrivateRedis,
} from '../../../broker/test/private-redis.js';

const RUN_CLI = fileURLToPath(new URL('./run-cli.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const SITE = 'gare';
const DEVICE = 'agent';

/** Children still running; killed if this process exits first (a timed-out test run). */
const LIVE_CHILDREN = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of LIVE_CHILDREN) child.kill('SIGKILL');
});
function track(child: ChildProcess): ChildProcess {
  LIVE_CHILDREN.add(child);
  child.once('exit', () => LIVE_CHILDREN.delete(child));
  return child;
}

/** A child process running `hameau <args>`, with its output kept for failure messages. */
class CliProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcess;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.#child = track(
      spawn(process.execPath, ['--conditions=source', '--import', 'tsx', RUN_CLI, ...args], {
        cwd: REPO,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      stream?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    }
    this.exited = new Promise((resolve) =>
      this.#child.once('exit', (code) => {
        resolve(code);
      }),
    );
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    this.#child.kill(signal);
    return this.exited;
  }
}

/**
 * One site end to end, each part a real program: a simulated counter device, the agent (child
 * process), our broker (child process, sessions in Redis) and the API ingesting into its
 * embedded store (in this process, so the test reads the store). Each part can be stopped,
 * killed and started again.
 */
export class FaultTown {
  readonly dir = mkdtempSync(join(tmpdir(), 'hameau-faults-'));
  api: RunningApi | null = null;
  /** The API's log lines (it runs in this process), shown when an assertion fails. */
  readonly apiLog: string[] = [];
  broker: CliProcess | null = null;
  agent: CliProcess | null = null;
  readonly #device = new CounterDevice({ id: 'c1' }, { clock: systemClock });
  #devicePort = 0;
  #brokerPort = 0;
  #password = '';
  #redis: PrivateRedis | null = null;

  /** Starts a private Redis, the device, the API, the broker and the agent. */
  async start(): Promise<void> {
    // Private: Redis pub/sub ignores database numbers, so brokers of other test files sharing the
    // machine's Redis would hear this town, and aedes closes a client another broker announces.
    this.#redis = await startPrivateRedis();
    const { endpoints } = await this.#device.start();
    this.#devicePort = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
    this.#brokerPort = await freePort();
    await this.startApi();
    const api = this.#api();
    const created = await api.app.hameau.devices.create(
      { site: SITE, device: DEVICE, kind: 'meters' },
      'fault-test',
    );
    this.#password = created.mqtt.password;
    this.startBroker();
    // Devices' messages reach the cloud only once its session subscribes: the very first
    // time, that must happen before the agent publishes (later, the session queues them).
    await this.cloudSubscribed();
    this.startAgent();
  }

  /** Resolves at the API's next (re)subscription, or at once if it is connected already. */
  cloudSubscribed(): Promise<void> {
    const ingestion = this.#api().ingestion;
    if (!ingestion) throw new Error('the API runs without MQTT');
    if (ingestion.connected) return Promise.resolve();
    return new Promise((resolve) => {
      const off = ingestion.onConnect(() => {
        off();
        resolve();
      });
    });
  }

  async startApi(): Promise<void> {
    this.api = await startApiServer(
      parseApiConfig({
        host: '127.0.0.1',
        port: 0,
        dataDir: this.dir,
        mqtt: { url: `mqtt://127.0.0.1:${this.#brokerPort}`, batchMaxDelayMs: 20 },
      }),
      {
        log: pino(
          { level: process.env.HAMEAU_TEST_LOG ?? 'info' },
          { write: (line: string) => this.apiLog.push(line) },
        ),
      },
    );
  }

  async stopApi(): Promise<void> {
    await this.api?.close();
    this.api = null;
  }

  startBroker(): void {
    this.broker = new CliProcess(['broker'], {
      HAMEAU_MQTT_HOST: '127.0.0.1',
      HAMEAU_MQTT_PORT: String(this.#brokerPort),
      HAMEAU_MQTT_WS_PORT: '0',
      HAMEAU_BROKER_HTTP_PORT: '0',
      HAMEAU_DATA_DIR: this.dir,
      HAMEAU_BROKER_CREDENTIALS: 'registry',
      REDIS_URL: this.#redis?.url ?? '',
      HAMEAU_LOG_LEVEL: process.env.HAMEAU_TEST_LOG ?? 'warn',
    });
  }

  /**
   * Starts the agent. With `reading: false` it runs no module and never reports its outbox, so
   * it writes nothing new: it only replays its outbox until the cloud has confirmed every record.
   */
  startAgent(options: { reading?: boolean } = {}): void {
    const reading = options.reading ?? true;
    const agentDir = join(this.dir, 'agent');
    writeFileSync(join(this.dir, 'agent-password'), `${this.#password}\n`, { mode: 0o600 });
    writeFileSync(
      join(this.dir, 'site.yaml'),
      [
        `site: ${SITE}`,
        `device: ${DEVICE}`,
        'kind: meters',
        'mqtt:',
        `  url: mqtt://127.0.0.1:${this.#brokerPort}`,
        '  passwordFile: agent-password',
        // Reconnect quickly: the test waits for it.
        '  reconnect: { minMs: 100, maxMs: 1000 }',
        // Replay a backlog fast: the test waits for it to drain.
        `outbox: { replayPerSecond: 5000, statsIntervalSeconds: ${reading ? '1' : '86400'} }`,
        `dataDir: ${agentDir}`,
        'log: { level: warn }',
        ...(reading
          ? ['modules:', '  counter:', `    port: ${this.#devicePort}`, '    intervalMs: 10']
          : ['modules: {}']),
      ].join('\n'),
    );
    this.agent = new CliProcess(['agent', '--config', join(this.dir, 'site.yaml')], {});
  }

  /**
   * The seqs the agent has handed out but the cloud's saved ledger does not hold and the outbox
   * no longer keeps: readings lost. The outbox is read first, so a record deleted in between
   * (only ever after the cloud saved its seq) is in the ledger read next.
   */
  async lostSeqs(): Promise<number[]> {
    const db = new BetterSqlite3(join(this.dir, 'agent', 'agent.sqlite'), { readonly: true });
    let lastSeq: number;
    let kept: Set<number>;
    try {
      db.exec('BEGIN');
      lastSeq = (
        db.prepare("SELECT value FROM outbox_counter WHERE name = 'seq'").get() as { value: number }
      ).value;
      kept = new Set(
        (db.prepare('SELECT seq FROM outbox').all() as { seq: number }[]).map((r) => r.seq),
      );
      db.exec('COMMIT');
    } finally {
      db.close();
    }
    const ingested = await this.ingestedRanges();
    const lost: number[] = [];
    for (let seq = 1; seq <= lastSeq; seq++) {
      if (kept.has(seq) || ingested.some(([from, to]) => seq >= from && seq <= to)) continue;
      lost.push(seq);
    }
    return lost;
  }

  /** The seqs the agent has handed out so far, and what its outbox still holds. */
  agentOutbox(): { lastSeq: number; depth: number } {
    const db = new BetterSqlite3(join(this.dir, 'agent', 'agent.sqlite'), { readonly: true });
    try {
      const lastSeq = (
        db.prepare("SELECT value FROM outbox_counter WHERE name = 'seq'").get() as { value: number }
      ).value;
      const depth = (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
      return { lastSeq, depth };
    } finally {
      db.close();
    }
  }

  /**
   * Every seq stored as a reading (the `counter` and `outbox` streams share the device's seq),
   * in time order per stream; a reading stored twice would show twice.
   */
  async storedSeqs(): Promise<number[]> {
    const seqs: number[] = [];
    for (const measurement of ['counter', 'outbox']) {
      const result = await this.#api().timeSeries.query({
        measurement,
        field: 'seq',
        // Redis pub/sub ignores the database number: other tests' brokers may be heard.
        tags: { site: SITE, device: DEVICE },
        from: 0,
        to: Date.now() + 3_600_000,
        resolution: 'raw',
        aggregate: 'sum',
      });
      for (const series of result.series) seqs.push(...series.points.map(([, v]) => v));
    }
    return seqs;
  }

  /** The seqs ingestion has recorded for the device, as ranges (`[[1, n]]` when none is missing). */
  async ingestedRanges(): Promise<[number, number][]> {
    const row = await this.#api()
      .database.db.selectFrom('ingest_cursors')
      .select('seen')
      .where('site_id', '=', SITE)
      .where('device_id', '=', DEVICE)
      .executeTakeFirst();
    return row ? (JSON.parse(row.seen) as [number, number][]) : [];
  }

  /** How many messages ingestion received again after having stored them. */
  duplicatesSeen(): number {
    return this.#api().ingestion?.stats().counters.duplicates ?? 0;
  }

  /**
   * What ingestion counted and what the broker still queues for the API's session, for a failing
   * assertion's message: tells "never reached the API" from "reached it and was dropped".
   */
  async diagnostics(): Promise<string> {
    const stats = this.api?.ingestion?.stats();
    let queued = 'unknown';
    if (this.#redis) {
      const redis = new Redis(this.#redis.url, { lazyConnect: true, retryStrategy: () => null });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        queued = String(await redis.llen(`outgoing:${encodeURIComponent('cloud:api')}`));
      } catch (err) {
        queued = `unreadable (${(err as Error).message})`;
      } finally {
        redis.disconnect();
      }
    }
    return [
      `ingestion: ${JSON.stringify(stats)}`,
      `broker queue for cloud:api: ${queued}`,
      `API log (last lines):\n${this.apiLog.slice(-25).join('')}`,
    ].join('\n');
  }

  /** What each process printed, for a failing assertion's message. */
  logs(): string {
    return [
      `broker:\n${this.broker?.output.join('') ?? ''}`,
      `agent:\n${this.agent?.output.join('') ?? ''}`,
    ].join('\n');
  }

  async close(): Promise<void> {
    await this.agent?.kill('SIGTERM');
    await this.broker?.kill('SIGTERM');
    await this.stopApi();
    await this.#redis?.kill();
    await this.#device.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  #api(): RunningApi {
    if (!this.api) throw new Error('the API is not running');
    return this.api;
  }
}
