import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LIGHTING_LOCAL_KEYS } from '@hameau/protocol';
import { useTempDirs } from '../../store/temp-dir.js';
import {
  HOUR,
  MINUTE,
  at,
  levelChanges,
  lightingConfig,
  startAgent,
  startSim,
  type LightingSim,
} from './helpers/lighting-rig.js';

const tempDir = useTempDirs('hameau-lighting-restart-');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim() {
  const s = await startSim();
  cleanups.push(() => s.stop());
  return s;
}

/** A lighting section as the cloud's lighting API writes it: without the local-only keys. */
function townPart(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const local = new Set<string>(LIGHTING_LOCAL_KEYS);
  return Object.fromEntries(
    Object.entries(lightingConfig(0, extra)).filter(([key]) => !local.has(key)),
  );
}

async function agentOn(s: LightingSim, dbPath?: string) {
  const agent = await startAgent(s, dbPath === undefined ? {} : { dbPath });
  cleanups.push(() => agent.stop());
  await agent.idle();
  return agent;
}

describe('a restart of the agent', () => {
  it('keeps the overrides, the weather, the burning hours and the night’s energy', async () => {
    const s = await sim();
    const dbPath = join(tempDir(), 'agent.db');
    const first = await agentOn(s, dbPath);
    await s.clock.advanceTo(at('2026-01-15T23:30:00+01:00'));
    first.weather({
      fetchedAt: '2026-01-15T22:25:00Z',
      source: 'metar',
      body: 'METAR LFPB 152220Z 00000KT 0200 FG VV001 02/02 Q1025',
    });
    first.command('override', { zones: ['place'], level: 45, minutes: 120, reason: 'works' });
    await first.idle();
    expect(s.node('rh-01').appliedLevel).toBe(80);
    expect(s.node('pe-01').appliedLevel).toBe(45);
    await s.clock.advanceTo(at('2026-01-15T23:31:00+01:00'));
    const before = first.telemetry('rue-haute').at(-1);
    const changesBefore = first.events('level-changed').length;
    await first.stop();

    // Two minutes down; the nodes hold their levels meanwhile (watchdog 300 s).
    await s.clock.advanceTo(at('2026-01-15T23:33:00+01:00'));
    expect(s.node('pe-01').appliedLevel).toBe(45);
    const second = await agentOn(s, dbPath);
    expect(second.lighting().decisions.get('rue-haute')?.reasons).toContain(
      'weather: fog (visibility 200 m) [METAR FG] → +20 %',
    );
    expect(second.lighting().decisions.get('place')?.mode).toBe('override');
    expect(s.levels()).toEqual({ 'rh-01': 80, 'rh-02': 80, 'rh-03': 80, 'pe-01': 45, 'pe-02': 45 });
    // Same levels as before the restart: nothing new to announce.
    expect(second.events('level-changed')).toHaveLength(changesBefore);

    await s.clock.advanceTo(at('2026-01-16T01:40:00+01:00'));
    // The override ran out at 01:30 and the fog report went stale at 00:50.
    // (The outbox is the same database: the first agent's events are still there.)
    expect(levelChanges(second, 'place').slice(-2)).toEqual([
      [45, 'override'],
      [60, 'program'],
    ]);
    // Counted on, from where it was, but for the two minutes down.
    const after = second.telemetry('rue-haute').at(-1);
    const elapsed = Date.parse(after?.at ?? '') - Date.parse(before?.at ?? '') - 2 * MINUTE;
    expect(after?.values['burning_hours']).toBeCloseTo(
      (before?.values['burning_hours'] ?? 0) + elapsed / HOUR,
      2,
    );

    await s.clock.advanceTo(at('2026-01-16T10:00:00+01:00'));
    const [summary] = second.events('night-summary').filter((e) => e.subject === 'rue-haute');
    const nightHours = summary?.data['nightHours'] as number;
    // The whole night but the two minutes the agent was down (0.033 h, to the hundredth).
    const gap = nightHours - (summary?.data['coveredHours'] as number);
    expect(gap).toBeGreaterThan(0.02);
    expect(gap).toBeLessThan(0.045);
    expect(summary?.data['litHours']).toBe(summary?.data['coveredHours']);
  });
});

describe('a desired config from the cloud', () => {
  it('applies without restarting the agent: new program; the fail-safe stays site.yaml’s', async () => {
    const s = await sim();
    const agent = await agentOn(s);
    await s.clock.advanceTo(at('2026-01-15T23:30:00+01:00'));
    expect(s.node('rh-01').holdingRegisters()).toEqual([60, 100, 300, 1]);
    const cyclesBefore = agent.lighting().cycles;
    agent.desired(
      1,
      lightingConfig(s.port, {
        defaultProgram: 'dim',
        failsafe: { failureLevel: 70, watchdogSeconds: 600 },
      }),
    );
    await agent.idle();
    // The program is the cloud's; the fail-safe is local-only: the nodes keep site.yaml's.
    expect(s.node('rh-01').holdingRegisters()).toEqual([50, 100, 300, 1]);
    expect(s.levels()).toEqual({ 'rh-01': 50, 'rh-02': 50, 'rh-03': 50, 'pe-01': 50, 'pe-02': 50 });
    expect(agent.status()).toEqual({ state: 'running' });
    // The version runs (the cloud sees it in sync); the key it could not change is reported.
    expect(agent.states.at(-1)).toMatchObject({
      configVersion: 1,
      modules: { lighting: { state: 'running', ignoredKeys: ['failsafe'] } },
    });
    expect(agent.states.at(-1)?.rejected).toBeUndefined();
    // Decided at once, by the same runtime.
    expect(agent.lighting().cycles).toBe(cyclesBefore + 1);
    expect(agent.events('level-changed').at(-1)?.data['reasons']).toContain(
      "calendar: no rule matches → default program 'dim' step until switch-off (08:38) → 50 %",
    );
    expect(agent.lines.filter((l) => l['msg'] === 'module started')).toHaveLength(1);

    // Invalid with the local wiring (a zone renamed that zoneNodes still names): rejected
    // whole, the problem named at the local key; the version in force stays.
    const renamed = { id: 'grand-rue', name: 'Grand-Rue', class: 'M4' };
    agent.desired(2, townPart({ zones: [renamed, { id: 'place', name: 'Place', class: 'P3' }] }));
    await s.clock.advance(MINUTE);
    expect(s.node('rh-02').appliedLevel).toBe(50);
    expect(agent.runtime.applier.version).toBe(1);
    expect(agent.states.at(-1)?.rejected).toEqual({
      version: 2,
      reason:
        'modules.lighting.zoneNodes.rue-haute: expected a zone id (grand-rue, place), found ' +
        "rue-haute (modules.lighting.zoneNodes is local-only: site.yaml's value)",
    });
  });

  it('drives the lamps with site.yaml’s wiring when the cloud sends none', async () => {
    const s = await sim();
    const agent = await agentOn(s);
    await s.clock.advanceTo(at('2026-01-15T23:30:00+01:00'));
    expect(s.levels()).toEqual({ 'rh-01': 60, 'rh-02': 60, 'rh-03': 60, 'pe-01': 60, 'pe-02': 60 });
    // What the cloud's lighting API writes: the town's part only, no bus, no node, no clock.
    const cloud = townPart({
      programs: [
        { id: 'square', steps: [{ level: 30 }] },
        { id: 'dim', steps: [{ level: 50 }] },
      ],
      defaultProgram: 'dim',
      zones: [
        { id: 'rue-haute', name: 'Rue Haute', class: 'M4', lamps: [{ count: 3, ratedW: 60 }] },
        { id: 'place', name: "Place de l'Eglise", class: 'P3', defaultProgram: 'square' },
      ],
    });
    expect(Object.keys(cloud)).not.toContain('buses');
    agent.desired(1, cloud);
    await agent.idle();
    // Each zone's nodes, as site.yaml wires them, at its program's level.
    expect(s.levels()).toEqual({ 'rh-01': 50, 'rh-02': 50, 'rh-03': 50, 'pe-01': 30, 'pe-02': 30 });
    expect(agent.states.at(-1)).toEqual({
      at: new Date(agent.wall.now()).toISOString(),
      configVersion: 1,
      modules: { lighting: { state: 'running' } },
    });
  });

  it('combines its overrides with the commands’: the last issued wins, and only the cloud removes its own', async () => {
    const s = await sim();
    const agent = await agentOn(s);
    await s.clock.advanceTo(at('2026-01-15T23:30:00+01:00'));
    const now = s.clock.now();
    agent.desired(
      1,
      lightingConfig(s.port, {
        overrides: [
          {
            id: 'cloud-night',
            zones: 'all',
            level: 90,
            expiresAt: now + HOUR,
            issuedAt: now - MINUTE,
            reason: 'town council meeting',
          },
        ],
      }),
    );
    await agent.idle();
    expect(s.levels()).toEqual({ 'rh-01': 90, 'rh-02': 90, 'rh-03': 90, 'pe-01': 90, 'pe-02': 90 });
    agent.command('override', { zones: ['place'], level: 40, minutes: 30, reason: 'test' });
    await agent.idle();
    expect(s.node('pe-01').appliedLevel).toBe(40);
    expect(s.node('rh-01').appliedLevel).toBe(90);
    expect(agent.lighting().decisions.get('place')?.reasons).toContain(
      "override 'cloud-night' (issued 23:29) superseded by '" +
        (agent.events('override-issued')[0]?.subject ?? '') +
        "' (issued 23:30)",
    );
    const refused = agent.command('clear-override', { id: 'cloud-night' });
    await agent.idle();
    expect(agent.results(refused).at(-1)).toMatchObject({
      status: 'error',
      error: {
        code: 'REFUSED',
        message: 'override cloud-night is in the desired configuration: remove it there',
      },
    });
    // The cloud withdraws it: the command's override alone remains.
    agent.desired(2, lightingConfig(s.port));
    await agent.idle();
    expect(s.node('rh-01').appliedLevel).toBe(60);
    expect(s.node('pe-01').appliedLevel).toBe(40);
  });
});
