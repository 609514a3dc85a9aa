import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
  it('applies without restarting the agent: new program, new fail-safe on the nodes', async () => {
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
    expect(s.node('rh-01').holdingRegisters()).toEqual([50, 70, 600, 1]);
    expect(s.levels()).toEqual({ 'rh-01': 50, 'rh-02': 50, 'rh-03': 50, 'pe-01': 50, 'pe-02': 50 });
    expect(agent.status()).toEqual({ state: 'running' });
    // Decided at once, by the same runtime.
    expect(agent.lighting().cycles).toBe(cyclesBefore + 1);
    expect(agent.events('level-changed').at(-1)?.data['reasons']).toContain(
      "calendar: no rule matches → default program 'dim' step until switch-off (08:38) → 50 %",
    );
    expect(agent.lines.filter((l) => l['msg'] === 'module started')).toHaveLength(1);

    // An invalid one is rejected whole; the one in force stays.
    agent.desired(2, lightingConfig(s.port, { zoneNodes: { 'rue-haute': ['rh-01'] } }));
    await s.clock.advance(MINUTE);
    expect(s.node('rh-02').appliedLevel).toBe(50);
    expect(agent.runtime.applier.version).toBe(1);
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
