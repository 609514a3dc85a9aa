import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseBrokerConfig, startBroker, type RunningBroker } from '@hameau/broker';
import { parseApiConfig, startApiServer, type RunningApi } from '@hameau/cloud-api';
import { CounterDevice } from '@hameau/firmware-sim';
import { systemClock } from '@hameau/protocol';
import { main } from '../src/main.js';
import { freePort } from '../../broker/test/private-redis.js';

const SITE = 'gare';
const DEVICE = 'agent';
/**
 * Generous: every wait is for an outcome, on real time, on a loaded machine. The town's own
 * waits use `vi.waitFor`, which also works in `beforeAll` (`expect.poll` does not).
 */
const WAIT = { timeout: 10_000, interval: 50 };
const logLevel = process.env.HAMEAU_TEST_LOG ?? 'silent';

/** The API's view of a command (`GET /api/v1/commands/:id`), as far as these tests read it. */
interface CommandView {
  id: string;
  state: string;
  sentAt: string | null;
  deliveredAt: string | null;
  finishedAt: string | null;
  result:
    | { status: 'ok'; data: Record<string, unknown> }
    | { status: 'error'; error: { code: string; message: string } }
    | null;
  lateResult: Record<string, unknown> | null;
}

/** The API's view of a device's last known status. */
interface DeviceView {
  status: { online: boolean; session: number } | null;
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
 * One site with real programs, all in this process: the API (SQLite registry, MQTT ingestion and
 * command publishing), our broker authenticating from that registry, a simulated counter device
 * and the site agent run through the CLI. The agent polls only once an hour, so every READ the
 * device sees during a test comes from a `read` command.
 */
class CommandTown {
  readonly dir = mkdtempSync(join(tmpdir(), 'hameau-commands-e2e-'));
  readonly device = new CounterDevice({ id: 'c1' }, { clock: systemClock });
  api: RunningApi | null = null;
  broker: RunningBroker | null = null;
  agent: ReturnType<typeof runAgent> | null = null;
  #token = '';

  async start(): Promise<void> {
    const { endpoints } = await this.device.start();
    const devicePort = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
    // The API must know the broker's address before the broker starts.
    const brokerPort = await freePort();
    const log = pino({ level: logLevel });
    // The API first: it creates the registry the broker authenticates from, and its cloud account.
    this.api = await startApiServer(
      parseApiConfig({
        host: '127.0.0.1',
        port: 0,
        dataDir: this.dir,
        mqtt: { url: `mqtt://127.0.0.1:${brokerPort}`, batchMaxDelayMs: 20 },
      }),
      { log },
    );
    this.#token = readFileSync(join(this.dir, 'admin-token'), 'utf8').trim();
    const created = await this.api.app.hameau.devices.create(
      { site: SITE, device: DEVICE, kind: 'meters' },
      'test',
    );
    this.broker = await startBroker(
      parseBrokerConfig({
        host: '127.0.0.1',
        mqttPort: brokerPort,
        wsPort: null,
        httpPort: null,
        dataDir: this.dir,
        credentials: 'registry',
      }),
      { log },
    );
    // The agent's first messages reach the cloud only if the cloud's session is subscribed.
    await vi.waitFor(() => {
      expect(this.api?.ingestion?.connected).toBe(true);
    }, WAIT);

    writeFileSync(join(this.dir, 'agent-password'), `${created.mqtt.password}\n`, { mode: 0o600 });
    writeFileSync(
      this.configFile,
      [
        `site: ${SITE}`,
        `device: ${DEVICE}`,
        'kind: meters',
        'mqtt:',
        `  url: mqtt://127.0.0.1:${brokerPort}`,
        '  passwordFile: agent-password',
        '  reconnect: { minMs: 100, maxMs: 1000 }',
        'outbox: { replayPerSecond: 5000 }',
        `dataDir: ${join(this.dir, 'agent')}`,
        `log: { level: ${logLevel} }`,
        'modules:',
        '  counter:',
        `    port: ${devicePort}`,
        '    intervalMs: 3600000',
        '    timeoutMs: 2000',
      ].join('\n'),
    );
    await this.startAgent();
  }

  get configFile(): string {
    return join(this.dir, 'site.yaml');
  }

  /** Starts the agent and waits until the API has seen its birth (a new session). */
  async startAgent(): Promise<void> {
    const before = (await this.deviceStatus())?.session ?? 0;
    this.agent = runAgent(this.configFile);
    await vi.waitFor(async () => {
      const status = await this.deviceStatus();
      expect(status?.online).toBe(true);
      expect(status?.session).toBeGreaterThan(before);
    }, WAIT);
  }

  /** Stops the agent cleanly (SIGTERM) and waits until the API has seen it go offline. */
  async stopAgent(): Promise<void> {
    const agent = this.agent;
    this.agent = null;
    expect(await agent?.stop()).toBe(0);
    expect(agent?.err).toEqual([]);
    await vi.waitFor(async () => {
      expect((await this.deviceStatus())?.online).toBe(false);
    }, WAIT);
  }

  /** `POST /api/v1/devices/gare/agent/commands` as the admin; the answer must be a 201. */
  async send(body: Record<string, unknown>): Promise<CommandView> {
    const res = await this.#http('POST', `/api/v1/devices/${SITE}/${DEVICE}/commands`, body);
    expect(res.status).toBe(201);
    return (await res.json()) as CommandView;
  }

  /** `GET /api/v1/commands/:id`. */
  async command(id: string): Promise<CommandView> {
    const res = await this.#http('GET', `/api/v1/commands/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as CommandView;
  }

  async deviceStatus(): Promise<DeviceView['status']> {
    const res = await this.#http('GET', `/api/v1/devices/${SITE}/${DEVICE}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as DeviceView).status;
  }

  async close(): Promise<void> {
    await this.agent?.stop();
    await this.api?.close();
    await this.broker?.close();
    await this.device.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  #http(method: string, path: string, body?: unknown): Promise<Response> {
    if (this.api === null) throw new Error('the API is not running');
    return fetch(`${this.api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.#token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  }
}

describe('commands end to end: HTTP API → broker → agent → device, and back', () => {
  const town = new CommandTown();
  beforeAll(() => town.start());
  afterAll(() => town.close());

  /** Polls the command until its state is `state`, then returns it. */
  async function until(id: string, state: string): Promise<CommandView> {
    await expect.poll(async () => (await town.command(id)).state, WAIT).toBe(state);
    return town.command(id);
  }

  it('runs `read` on an online device: delivered, then succeeded with the reading', async () => {
    const reads = town.device.requests;
    const sent = await town.send({ name: 'read' });
    expect(['queued', 'sent']).toContain(sent.state);

    const done = await until(sent.id, 'succeeded');
    // `delivered` was reached on the way: the device's `accepted` is what sets deliveredAt.
    expect(done.deliveredAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
    expect(Date.parse(done.deliveredAt ?? '')).toBeLessThanOrEqual(
      Date.parse(done.finishedAt ?? ''),
    );
    expect(done.result?.status).toBe('ok');
    const data = done.result?.status === 'ok' ? done.result.data : {};
    expect(data['n']).toBeGreaterThan(0);
    // The reading is the device's latest, taken for this command and for nothing else.
    expect(data).toEqual({ n: town.device.lastSeq, value: town.device.lastSeq * 0.5 });
    expect(town.device.requests).toBe(reads + 1);
  });

  it('answers an unknown command name UNKNOWN_COMMAND: failed', async () => {
    const reads = town.device.requests;
    const sent = await town.send({ name: 'explode' });
    const done = await until(sent.id, 'failed');
    expect(done.result).toMatchObject({ status: 'error', error: { code: 'UNKNOWN_COMMAND' } });
    expect(town.device.requests).toBe(reads);
  });

  it('delivers a command sent while the device was offline when it reconnects, once', async () => {
    await town.stopAgent();
    const reads = town.device.requests;
    const sent = await town.send({ name: 'read', ttlSeconds: 60 });
    expect(['queued', 'sent']).toContain(sent.state);
    const waiting = await town.command(sent.id);
    expect(['queued', 'sent']).toContain(waiting.state);
    expect(waiting.deliveredAt).toBeNull();

    await town.startAgent();
    const done = await until(sent.id, 'succeeded');
    expect(done.deliveredAt).not.toBeNull();
    expect(done.result).toMatchObject({ status: 'ok', data: { n: town.device.lastSeq } });
    // Delivered by the broker's session and maybe again by the API at the birth: run once.
    expect(town.device.requests).toBe(reads + 1);
  });

  it('never runs a command after its expiry, even when the broker delivers it late', async () => {
    await town.stopAgent();
    const reads = town.device.requests;
    // 1 s is the smallest ttlSeconds the API accepts.
    const sent = await town.send({ name: 'read', ttlSeconds: 1 });
    // The sweeper (every 5 s) expires it while the device is away.
    const expired = await until(sent.id, 'expired');
    expect(expired.result).toBeNull();
    expect(expired.deliveredAt).toBeNull();

    await town.startAgent();
    // The broker kept the message in the agent's session and hands it over now; the agent
    // refuses it by its own clock, and the API records that confirmation.
    await expect
      .poll(async () => (await town.command(sent.id)).result, WAIT)
      .toMatchObject({ status: 'error', error: { code: 'EXPIRED' } });
    const after = await town.command(sent.id);
    expect(after.state).toBe('expired');
    // Nothing says it ran: no `accepted`, no `ok` with a reading, late or not.
    expect(after.lateResult).toBeNull();
    expect(town.device.requests).toBe(reads);

    // The agent is up and answering: a fresh read still works, and is the only READ.
    const fresh = await town.send({ name: 'read' });
    await until(fresh.id, 'succeeded');
    expect(town.device.requests).toBe(reads + 1);
    expect((await town.command(sent.id)).state).toBe('expired');
  });
});
