import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LampNodeGroup } from '@hameau/firmware-sim';
import { systemClock } from '@hameau/protocol';
import {
  CABINET_DEVICE as DEVICE,
  CABINET_SITE as SITE,
  CABINET_ZONE_NODES as ZONE_NODES,
  cabinetNodeGroup,
  cabinetSite,
  startCabinetCloud,
  type CabinetCloud,
} from '../../bench/src/lighting/cabinet-town.js';
import { main } from '../src/main.js';
import { clockFrom } from './helpers/clock-from.js';

/** Generous: every wait is for an outcome, on real time, on a loaded machine. */
const WAIT = { timeout: 15_000, interval: 50 };
const logLevel = process.env.HAMEAU_TEST_LOG ?? 'silent';
/** A night in January, 01:30 in Senlis, far from any switch-on, switch-off or step. */
const AGENT_START = Date.parse('2026-01-15T01:30:00+01:00');
/** The cabinet's program: one step all night, low enough for the fog to raise it. */
const NIGHT_LEVEL = 50;
const FOG_RAISE = 20;
const QUARTER_HOUR_MS = 900_000;

/** A zone's level as the API reports it. */
interface ZoneLevelView {
  zone: string;
  level: number;
  mode: string;
  reasons: string[];
}

/**
 * Weather end to end, on the cabinet town of the lighting end-to-end test: the API's weather
 * relay fetches Open-Meteo's `current` block from a local fixture server reporting fog (WMO 45,
 * 150 m), relays it retained through our broker, the cabinet's agent (run through the CLI, its
 * clock on a night) reads it and raises every lit zone by the fog's points; the API shows the
 * new level with the weather in its reason trace, and the nodes have it.
 */
describe('street lighting end to end: fog at the weather service → brighter zones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-lighting-weather-e2e-'));
  const log = pino({ level: logLevel });
  const agentClock = clockFrom(AGENT_START);
  const nodes = new LampNodeGroup(cabinetNodeGroup(3), { clock: systemClock, log });
  let fixture: Server | null = null;
  let fixtureHits = 0;
  /** What the weather service reports: clear until the test brings the fog. */
  let foggy = false;
  let cloud: CabinetCloud | null = null;
  let stopAgent: (() => Promise<number>) | null = null;
  const agentErr: string[] = [];

  const http = (method: string, path: string, body?: unknown): Promise<Response> => {
    if (cloud === null) throw new Error('the API is not running');
    return fetch(`${cloud.api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${cloud.adminToken}`,
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
  const commanded = (node: string): number => nodes.node(node).snapshot().commandedLevel;

  beforeAll(async () => {
    // Open-Meteo's answer shape (`current`, UTC), observed at the quarter hour the agent
    // believes it is, so the report is neither stale nor ahead of the agent's clock.
    const server = createServer((_req, res) => {
      fixtureHits += 1;
      const observed = Math.floor(agentClock.now() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          latitude: 49.2,
          longitude: 2.58,
          utc_offset_seconds: 0,
          timezone: 'GMT',
          current: {
            time: new Date(observed).toISOString().slice(0, 16),
            interval: 900,
            weather_code: foggy ? 45 : 1,
            precipitation: 0,
            visibility: foggy ? 150 : 24_000,
            cloud_cover: 100,
            snow_depth: 0,
          },
        }),
      );
    });
    fixture = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const fixturePort = typeof address === 'object' && address !== null ? address.port : 0;

    const { endpoints } = await nodes.start();
    const gatewayPort = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
    const started = await startCabinetCloud({
      dir,
      log,
      batchMaxDelayMs: 20,
      weatherUrl: `http://127.0.0.1:${fixturePort}/v1/forecast?current=weather_code,visibility`,
    });
    cloud = started;
    writeFileSync(join(dir, 'agent-password'), `${started.agentPassword}\n`, { mode: 0o600 });
    const site = cabinetSite({
      mqttUrl: started.mqttUrl,
      password: { file: 'agent-password' },
      gatewayPort,
      dataDir: join(dir, 'agent'),
      logLevel,
      lighting: {
        programs: [{ id: 'night', steps: [{ level: NIGHT_LEVEL }] }],
        defaultProgram: 'night',
        weather: { fogRaise: FOG_RAISE },
      },
    });
    const configFile = join(dir, 'site.yaml');
    writeFileSync(configFile, JSON.stringify(site, null, 2));
    let signal: (name: string) => void = () => undefined;
    const stopSignal = new Promise<string>((resolve) => (signal = resolve));
    const done = main(['agent', '--config', configFile], {
      env: {},
      out: () => undefined,
      err: (line) => agentErr.push(line),
      stopSignal,
      clock: agentClock,
    });
    stopAgent = () => {
      signal('SIGTERM');
      return done;
    };
  }, 60_000);

  afterAll(async () => {
    const exit = await stopAgent?.();
    await cloud?.close();
    await nodes.stop();
    await new Promise((resolve) => fixture?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
    expect(exit).toBe(0);
    expect(agentErr).toEqual([]);
  }, 30_000);

  it('runs the zones on their program in clear weather', async () => {
    await vi.waitFor(async () => {
      const zones = await levels();
      expect([...zones.values()].map((z) => [z.zone, z.level]).sort()).toEqual([
        ['place', NIGHT_LEVEL],
        ['rue', NIGHT_LEVEL],
      ]);
    }, WAIT);
    for (const id of Object.values(ZONE_NODES).flat()) expect(commanded(id)).toBe(NIGHT_LEVEL);
  });

  it('relays the fog: every zone raised by the fog’s points, the trace says why', async () => {
    foggy = true;
    const hits = fixtureHits;
    // The relay fetches every 15 minutes; a technician's refresh fetches and relays now.
    const res = await http('POST', '/api/v1/weather/refresh');
    expect(res.status).toBe(200);
    const status = (await res.json()) as { lastError: unknown; deliveredTo: number };
    expect(status).toMatchObject({ lastError: null, deliveredTo: 1 });
    expect(fixtureHits).toBe(hits + 1);

    const raised = NIGHT_LEVEL + FOG_RAISE;
    await vi.waitFor(() => {
      for (const id of Object.values(ZONE_NODES).flat()) expect(commanded(id)).toBe(raised);
    }, WAIT);
    await vi.waitFor(async () => {
      const zones = await levels();
      for (const zone of Object.keys(ZONE_NODES)) {
        expect(zones.get(zone)?.level).toBe(raised);
      }
    }, WAIT);
    const trace = (await levels()).get('rue')?.reasons ?? [];
    const weather = trace.find((line) => line.startsWith('weather:'));
    expect(weather).toMatch(/^weather: fog \(visibility 150 m\) \[WMO 45\] → \+20 %/);
  });
});
