import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseBrokerConfig, startBroker, type RunningBroker } from '@hameau/broker';
import { parseApiConfig, startApiServer, type RunningApi } from '@hameau/cloud-api';
import { LampNodeGroup } from '@hameau/firmware-sim';
import { systemClock } from '@hameau/protocol';
import { main } from '../src/main.js';
import { freePort } from '../../broker/test/private-redis.js';
import type { CommandView } from './lockers-e2e-town.js';

const SITE = 'senlis';
const DEVICE = 'lamps-centre';
/** Generous: every wait is for an outcome, on real time, on a loaded machine. */
const WAIT = { timeout: 15_000, interval: 50 };
const logLevel = process.env.HAMEAU_TEST_LOG ?? 'silent';
/** Two zones: the override targets `rue` only, `place` must not move. */
const ZONE_NODES = { rue: ['rue-01', 'rue-02'], place: ['place-01'] } as const;
const OVERRIDE_LEVEL = 37;
/** The nodes' level before the agent runs. */
const STALE_LEVEL = 3;

/** A zone's level as the API reports it. */
interface ZoneLevelView {
  zone: string;
  level: number;
  mode: string;
  reasons: string[];
  at: string;
}

/**
 * A street-lighting cabinet of a town, all real programs in this process and on real time: the
 * API (SQLite, MQTT ingestion), our broker authenticating from its registry, three simulated
 * lamp nodes behind a Modbus TCP gateway, and the cabinet's agent run through the CLI. A
 * technician overrides a zone through the API, the node follows, the trace says why; clearing
 * it gives the zone back to its program.
 */
describe('street lighting end to end: API override → broker → agent → lamp nodes, and back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-lighting-e2e-'));
  const log = pino({ level: logLevel });
  const nodes = new LampNodeGroup(
    {
      id: 'cabinet',
      tcp: { port: 0 },
      nodes: [
        // A level no decision gives (under every class minimum, not off): only a write by the
        // agent moves it, whatever the program says at the hour the test runs.
        { id: 'rue-01', unit: 1, ratedW: 60, level: STALE_LEVEL },
        { id: 'rue-02', unit: 2, ratedW: 60, level: STALE_LEVEL },
        { id: 'place-01', unit: 11, ratedW: 90, level: STALE_LEVEL },
      ],
    },
    { clock: systemClock, log },
  );
  let api: RunningApi | null = null;
  let broker: RunningBroker | null = null;
  let stopAgent: (() => Promise<number>) | null = null;
  const agentErr: string[] = [];
  let adminToken = '';
  /** What the program says for each zone, as the agent first announced it. */
  const programLevel = new Map<string, number>();
  let overrideCommand = '';
  let overrideId = '';

  const http = (method: string, path: string, body?: unknown): Promise<Response> => {
    if (api === null) throw new Error('the API is not running');
    return fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  };
  const levels = async (): Promise<Map<string, ZoneLevelView>> => {
    const res = await http('GET', `/api/v1/devices/${SITE}/${DEVICE}/lighting/levels`);
    expect(res.status).toBe(200);
    const { zones } = (await res.json()) as { zones: ZoneLevelView[] };
    return new Map(zones.map((z) => [z.zone, z]));
  };
  const command = async (id: string): Promise<CommandView> => {
    const res = await http('GET', `/api/v1/commands/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as CommandView;
  };
  const commanded = (node: string): number => nodes.node(node).snapshot().commandedLevel;

  beforeAll(async () => {
    const { endpoints } = await nodes.start();
    const gatewayPort = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
    const brokerPort = await freePort();
    api = await startApiServer(
      parseApiConfig({
        host: '127.0.0.1',
        port: 0,
        dataDir: dir,
        mqtt: { url: `mqtt://127.0.0.1:${brokerPort}`, batchMaxDelayMs: 20 },
      }),
      { log },
    );
    adminToken = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    const created = await api.app.hameau.devices.create(
      { site: SITE, device: DEVICE, kind: 'lighting' },
      'test',
    );
    broker = await startBroker(
      parseBrokerConfig({
        host: '127.0.0.1',
        mqttPort: brokerPort,
        wsPort: null,
        httpPort: null,
        dataDir: dir,
        credentials: 'registry',
      }),
      { log },
    );
    await vi.waitFor(() => {
      expect(api?.ingestion?.connected).toBe(true);
    }, WAIT);

    writeFileSync(join(dir, 'agent-password'), `${created.mqtt.password}\n`, { mode: 0o600 });
    // JSON is YAML: the file goes through the same loader and checks as a town's site.yaml.
    const site = {
      site: SITE,
      device: DEVICE,
      kind: 'lighting',
      mqtt: {
        url: `mqtt://127.0.0.1:${brokerPort}`,
        passwordFile: 'agent-password',
        reconnect: { minMs: 100, maxMs: 1000 },
      },
      outbox: { replayPerSecond: 5000, resendAfterSeconds: 2 },
      dataDir: join(dir, 'agent'),
      log: { level: logLevel },
      modules: {
        lighting: {
          site: { latitude: 49.2069, longitude: 2.5865, timeZone: 'Europe/Paris' },
          zones: [
            { id: 'rue', name: 'Rue de la République', class: 'M4' },
            { id: 'place', name: 'Place du Parvis', class: 'P3' },
          ],
          buses: [
            {
              type: 'modbus',
              id: 'cabinet',
              transport: 'tcp',
              host: '127.0.0.1',
              port: gatewayPort,
              timeoutMs: 1000,
              reconnect: { minMs: 100, maxMs: 1000 },
              nodes: [
                { id: 'rue-01', unitId: 1 },
                { id: 'rue-02', unitId: 2 },
                { id: 'place-01', unitId: 11 },
              ],
            },
          ],
          zoneNodes: ZONE_NODES,
          clock: { source: 'assume-synced' },
        },
      },
    };
    const configFile = join(dir, 'site.yaml');
    writeFileSync(configFile, JSON.stringify(site, null, 2));

    let signal: (name: string) => void = () => undefined;
    const stopSignal = new Promise<string>((resolve) => (signal = resolve));
    const done = main(['agent', '--config', configFile], {
      env: {},
      out: () => undefined,
      err: (line) => agentErr.push(line),
      stopSignal,
    });
    stopAgent = () => {
      signal('SIGTERM');
      return done;
    };
  }, 60_000);

  afterAll(async () => {
    const exit = await stopAgent?.();
    await api?.close();
    await broker?.close();
    await nodes.stop();
    rmSync(dir, { recursive: true, force: true });
    // After the cleanup, so a failure here leaves nothing running.
    expect(exit).toBe(0);
    expect(agentErr).toEqual([]);
  }, 30_000);

  it('starts and drives every node at its program level, reported to the API', async () => {
    await vi.waitFor(async () => {
      const zones = await levels();
      expect([...zones.keys()].sort()).toEqual(['place', 'rue']);
    }, WAIT);
    const zones = await levels();
    for (const [zone, ids] of Object.entries(ZONE_NODES)) {
      const view = zones.get(zone);
      expect(view?.mode).toMatch(/^(off|program)$/);
      const level = view?.level ?? -1;
      programLevel.set(zone, level);
      // The level the API shows is what each node was told.
      await vi.waitFor(() => {
        for (const id of ids) expect(commanded(id)).toBe(level);
      }, WAIT);
      expect(view?.reasons.join('\n')).toMatch(/^astro: /);
    }
    expect(programLevel.get('rue')).not.toBe(OVERRIDE_LEVEL);
    expect(programLevel.get('rue')).not.toBe(STALE_LEVEL);
  });

  it('runs a technician’s override: the command succeeds and the zone’s nodes follow', async () => {
    const res = await http('POST', `/api/v1/devices/${SITE}/${DEVICE}/lighting/overrides`, {
      zones: ['rue'],
      level: OVERRIDE_LEVEL,
      minutes: 30,
      reason: 'e2e: lamp test',
    });
    expect(res.status).toBe(201);
    const sent = (await res.json()) as CommandView;
    expect(sent.args).toMatchObject({ zones: ['rue'], level: OVERRIDE_LEVEL, minutes: 30 });
    overrideCommand = sent.id;
    await vi.waitFor(async () => {
      expect((await command(sent.id)).state).toBe('succeeded');
    }, WAIT);
    const { result } = await command(sent.id);
    expect(result).toMatchObject({
      status: 'ok',
      data: { zones: ['rue'], level: OVERRIDE_LEVEL },
    });
    const id = result?.data?.['id'];
    expect(typeof id).toBe('string');
    overrideId = typeof id === 'string' ? id : '';

    await vi.waitFor(() => {
      for (const id of ZONE_NODES.rue) expect(commanded(id)).toBe(OVERRIDE_LEVEL);
    }, WAIT);
    // The other zone keeps its program level.
    expect(commanded('place-01')).toBe(programLevel.get('place'));
  });

  it('shows the override level at the API, with a trace naming the override', async () => {
    await vi.waitFor(async () => {
      const rue = (await levels()).get('rue');
      expect(rue).toMatchObject({ level: OVERRIDE_LEVEL, mode: 'override' });
    }, WAIT);
    const zones = await levels();
    const trace = zones.get('rue')?.reasons ?? [];
    expect(trace.some((line) => line.startsWith('override') && line.includes(overrideId))).toBe(
      true,
    );
    expect(trace.join('\n')).toContain(`${OVERRIDE_LEVEL} %`);
    expect(zones.get('place')?.level).toBe(programLevel.get('place'));
    expect(zones.get('place')?.mode).not.toBe('override');
  });

  it('clears the override: the zone goes back to its program', async () => {
    const res = await http(
      'POST',
      `/api/v1/devices/${SITE}/${DEVICE}/lighting/overrides/${overrideId}/clear`,
      {},
    );
    expect(res.status).toBe(201);
    const sent = (await res.json()) as CommandView;
    expect(sent.id).not.toBe(overrideCommand);
    await vi.waitFor(async () => {
      expect((await command(sent.id)).state).toBe('succeeded');
    }, WAIT);

    const level = programLevel.get('rue');
    await vi.waitFor(() => {
      for (const id of ZONE_NODES.rue) expect(commanded(id)).toBe(level);
    }, WAIT);
    await vi.waitFor(async () => {
      const rue = (await levels()).get('rue');
      expect(rue?.level).toBe(level);
      expect(rue?.mode).not.toBe('override');
    }, WAIT);
    const trace = (await levels()).get('rue')?.reasons ?? [];
    expect(trace.some((line) => line.startsWith('override'))).toBe(false);
  });
});
