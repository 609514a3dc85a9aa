import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CABINET_ZONE_NODES as ZONE_NODES } from '../../bench/src/lighting/cabinet-town.js';
import { AGENT_START, CabinetAgentRun, WAIT } from './helpers/cabinet-agent-run.js';
import { clockFrom } from './helpers/clock-from.js';

/** The cabinet's program: one step all night, low enough for the fog to raise it. */
const NIGHT_LEVEL = 50;
const FOG_RAISE = 20;
const QUARTER_HOUR_MS = 900_000;

/**
 * Weather end to end, on the cabinet town of the lighting end-to-end test: the API's weather
 * relay fetches Open-Meteo's `current` block from a local fixture server reporting fog (WMO 45,
 * 150 m), relays it retained through our broker, the cabinet's agent (run through the CLI, its
 * clock on a night) reads it and raises every lit zone by the fog's points; the API shows the
 * new level with the weather in its reason trace, and the nodes have it.
 */
describe('street lighting end to end: fog at the weather service → brighter zones', () => {
  const agentClock = clockFrom(AGENT_START);
  const run = new CabinetAgentRun({ name: 'lighting-weather-e2e', agentClock, nodeLevel: 3 });
  let fixture: Server | null = null;
  let fixtureHits = 0;
  /** What the weather service reports: clear until the test brings the fog. */
  let foggy = false;

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

    await run.start({
      weatherUrl: `http://127.0.0.1:${fixturePort}/v1/forecast?current=weather_code,visibility`,
      lighting: {
        programs: [{ id: 'night', steps: [{ level: NIGHT_LEVEL }] }],
        defaultProgram: 'night',
        weather: { fogRaise: FOG_RAISE },
      },
    });
  }, 60_000);

  afterAll(async () => {
    const exit = await run.close();
    await new Promise((resolve) => fixture?.close(resolve));
    expect(exit).toBe(0);
    expect(run.agentErr).toEqual([]);
  }, 30_000);

  it('runs the zones on their program in clear weather', async () => {
    await vi.waitFor(async () => {
      const zones = await run.levels();
      expect([...zones.values()].map((z) => [z.zone, z.level]).sort()).toEqual([
        ['place', NIGHT_LEVEL],
        ['rue', NIGHT_LEVEL],
      ]);
    }, WAIT);
    for (const id of Object.values(ZONE_NODES).flat()) expect(run.commanded(id)).toBe(NIGHT_LEVEL);
  });

  it('relays the fog: every zone raised by the fog’s points, the trace says why', async () => {
    foggy = true;
    const hits = fixtureHits;
    // The relay fetches every 15 minutes; a technician's refresh fetches and relays now.
    const res = await run.http('POST', '/api/v1/weather/refresh');
    expect(res.status).toBe(200);
    const status = (await res.json()) as { lastError: unknown; deliveredTo: number };
    expect(status).toMatchObject({ lastError: null, deliveredTo: 1 });
    expect(fixtureHits).toBe(hits + 1);

    const raised = NIGHT_LEVEL + FOG_RAISE;
    await vi.waitFor(() => {
      for (const id of Object.values(ZONE_NODES).flat()) expect(run.commanded(id)).toBe(raised);
    }, WAIT);
    await vi.waitFor(async () => {
      const zones = await run.levels();
      for (const zone of Object.keys(ZONE_NODES)) {
        expect(zones.get(zone)?.level).toBe(raised);
      }
    }, WAIT);
    const trace = (await run.levels()).get('rue')?.reasons ?? [];
    const weather = trace.find((line) => line.startsWith('weather:'));
    expect(weather).toMatch(/^weather: fog \(visibility 150 m\) \[WMO 45\] → \+20 %/);
  });
});
