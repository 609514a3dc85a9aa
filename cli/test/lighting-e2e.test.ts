import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import type { CommandView } from './lockers-e2e-town.js';

/** Generous: every wait is for an outcome, on real time, on a loaded machine. */
const WAIT = { timeout: 15_000, interval: 50 };
const logLevel = process.env.HAMEAU_TEST_LOG ?? 'silent';
const OVERRIDE_LEVEL = 37;
/** The nodes' level before the agent runs. */
const STALE_LEVEL = 3;
/**
 * The agent's wall clock starts here, a Thursday night in January at 01:30 in Senlis: hours
 * from sunset and sunrise and from any step of the program, so no switch-on, switch-off or
 * step can fall inside the test, whatever the hour it runs. It is in the past, so the API's
 * commands (their expiry on the API's real clock) are never expired for the agent.
 */
const AGENT_START = Date.parse('2026-01-15T01:30:00+01:00');

/** A zone's level as the API reports it. */
interface ZoneLevelView {
  zone: string;
  level: number;
  mode: string;
  reasons: string[];
  at: string;
}

/**
 * A street-lighting cabinet of a town (`bench/src/lighting/cabinet-town.ts`, the same one
 * `bench:lighting` times overrides on), all real programs in this process and on real time: the
 * API (SQLite, MQTT ingestion), our broker authenticating from its registry, three simulated
 * lamp nodes behind a Modbus TCP gateway, and the cabinet's agent run through the CLI, its
 * clock set to a night. A technician overrides a zone through the API, the node follows, the
 * trace says why; clearing it gives the zone back to its program.
 */
describe('street lighting end to end: API override → broker → agent → lamp nodes, and back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-lighting-e2e-'));
  const log = pino({ level: logLevel });
  // At a level no decision gives (under every class minimum, not off): only a write by the
  // agent moves it.
  const nodes = new LampNodeGroup(cabinetNodeGroup(STALE_LEVEL), { clock: systemClock, log });
  let cloud: CabinetCloud | null = null;
  let stopAgent: (() => Promise<number>) | null = null;
  const agentErr: string[] = [];
  /** What the program says for each zone, as the agent first announced it. */
  const programLevel = new Map<string, number>();
  let overrideCommand = '';
  let overrideId = '';

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
  const command = async (id: string): Promise<CommandView> => {
    const res = await http('GET', `/api/v1/commands/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as CommandView;
  };
  const commanded = (node: string): number => nodes.node(node).snapshot().commandedLevel;

  beforeAll(async () => {
    const { endpoints } = await nodes.start();
    const gatewayPort = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
    const started = await startCabinetCloud({ dir, log, batchMaxDelayMs: 20 });
    cloud = started;

    writeFileSync(join(dir, 'agent-password'), `${started.agentPassword}\n`, { mode: 0o600 });
    const site = cabinetSite({
      mqttUrl: started.mqttUrl,
      password: { file: 'agent-password' },
      gatewayPort,
      dataDir: join(dir, 'agent'),
      logLevel,
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
      clock: clockFrom(AGENT_START),
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
      // The agent's night, on the default all-night program (the site gives none).
      expect(view?.mode).toBe('program');
      expect(view?.level).toBe(100);
      // Decided on the agent's clock, not the machine's.
      const at = Date.parse(view?.at ?? '');
      expect(at).toBeGreaterThanOrEqual(AGENT_START);
      expect(at).toBeLessThan(AGENT_START + 60_000);
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
