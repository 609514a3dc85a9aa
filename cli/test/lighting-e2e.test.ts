import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CABINET_DEVICE as DEVICE,
  CABINET_SITE as SITE,
  CABINET_ZONE_NODES as ZONE_NODES,
} from '../../bench/src/lighting/cabinet-town.js';
import { AGENT_START, CabinetAgentRun, WAIT } from './helpers/cabinet-agent-run.js';
import { clockFrom } from './helpers/clock-from.js';
import type { CommandView } from './lockers-e2e-town.js';

const OVERRIDE_LEVEL = 37;
/** The nodes' level before the agent runs. */
const STALE_LEVEL = 3;

/**
 * The cabinet town of the lighting end-to-end tests (`helpers/cabinet-agent-run.ts`), every
 * program real and on real time, its agent run through the CLI on a night. A technician
 * overrides a zone through the API, the nodes follow, the trace says why; clearing it gives the
 * zone back to its program.
 */
describe('street lighting end to end: API override → broker → agent → lamp nodes, and back', () => {
  // At a level no decision gives (under every class minimum, not off): only a write by the
  // agent moves it.
  const run = new CabinetAgentRun({
    name: 'lighting-e2e',
    agentClock: clockFrom(AGENT_START),
    nodeLevel: STALE_LEVEL,
  });
  /** What the program says for each zone, as the agent first announced it. */
  const programLevel = new Map<string, number>();
  let overrideCommand = '';
  let overrideId = '';

  const command = async (id: string): Promise<CommandView> => {
    const res = await run.http('GET', `/api/v1/commands/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as CommandView;
  };

  beforeAll(async () => {
    await run.start();
  }, 60_000);

  afterAll(async () => {
    const exit = await run.close();
    // After the cleanup, so a failure here leaves nothing running.
    expect(exit).toBe(0);
    expect(run.agentErr).toEqual([]);
  }, 30_000);

  it('starts and drives every node at its program level, reported to the API', async () => {
    await vi.waitFor(async () => {
      const zones = await run.levels();
      expect([...zones.keys()].sort()).toEqual(['place', 'rue']);
    }, WAIT);
    const zones = await run.levels();
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
        for (const id of ids) expect(run.commanded(id)).toBe(level);
      }, WAIT);
      expect(view?.reasons.join('\n')).toMatch(/^astro: /);
    }
    expect(programLevel.get('rue')).not.toBe(OVERRIDE_LEVEL);
    expect(programLevel.get('rue')).not.toBe(STALE_LEVEL);
  });

  it('runs a technician’s override: the command succeeds and the zone’s nodes follow', async () => {
    const res = await run.http('POST', `/api/v1/devices/${SITE}/${DEVICE}/lighting/overrides`, {
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
      for (const id of ZONE_NODES.rue) expect(run.commanded(id)).toBe(OVERRIDE_LEVEL);
    }, WAIT);
    // The other zone keeps its program level.
    expect(run.commanded('place-01')).toBe(programLevel.get('place'));
  });

  it('shows the override level at the API, with a trace naming the override', async () => {
    await vi.waitFor(async () => {
      const rue = (await run.levels()).get('rue');
      expect(rue).toMatchObject({ level: OVERRIDE_LEVEL, mode: 'override' });
    }, WAIT);
    const zones = await run.levels();
    const trace = zones.get('rue')?.reasons ?? [];
    expect(trace.some((line) => line.startsWith('override') && line.includes(overrideId))).toBe(
      true,
    );
    expect(trace.join('\n')).toContain(`${OVERRIDE_LEVEL} %`);
    expect(zones.get('place')?.level).toBe(programLevel.get('place'));
    expect(zones.get('place')?.mode).not.toBe('override');
  });

  it('clears the override: the zone goes back to its program', async () => {
    const res = await run.http(
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
      for (const id of ZONE_NODES.rue) expect(run.commanded(id)).toBe(level);
    }, WAIT);
    await vi.waitFor(async () => {
      const rue = (await run.levels()).get('rue');
      expect(rue?.level).toBe(level);
      expect(rue?.mode).not.toBe('override');
    }, WAIT);
    const trace = (await run.levels()).get('rue')?.reasons ?? [];
    expect(trace.some((line) => line.startsWith('override'))).toBe(false);
  });
});
