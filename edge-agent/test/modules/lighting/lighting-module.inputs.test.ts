import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OVERRIDES_KEY } from '../../../src/modules/lighting/lighting-overrides.js';
import {
  MINUTE,
  at,
  levelChanges,
  startAgent,
  startSim,
  type LightingAgent,
} from './helpers/lighting-rig.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(start: string) {
  const sim = await startSim();
  cleanups.push(() => sim.stop());
  const agent = await startAgent(sim);
  cleanups.push(() => agent.stop());
  await sim.clock.advanceTo(at(start));
  await agent.idle();
  return { sim, agent };
}

const reasons = (agent: LightingAgent, zone: string) =>
  agent.lighting().decisions.get(zone)?.reasons ?? [];

/** A METAR relayed by the cloud, fetched five minutes after it was issued. */
const metar = (text: string, fetchedAt: string) => ({ fetchedAt, source: 'metar', body: text });

describe('overrides', () => {
  it('ramps in, holds, and expires back to the program, each step written to the nodes', async () => {
    const { sim, agent } = await setup('2026-01-15T21:00:00+01:00');
    expect(sim.node('pe-01').appliedLevel).toBe(100);
    const id = agent.command('override', {
      zones: ['place'],
      level: 40,
      minutes: 30,
      rampSeconds: 60,
      reason: 'concert on the square',
    });
    await agent.idle();
    expect(agent.results(id).map((r) => r.status)).toEqual(['accepted', 'ok']);
    const ok = agent.results(id)[1];
    expect(ok?.status === 'ok' && ok.data).toEqual({
      id,
      zones: ['place'],
      level: 40,
      start: '2026-01-15T20:00:00.000Z',
      expiresAt: '2026-01-15T20:30:00.000Z',
      rampSeconds: 60,
    });

    // Every 10 s while it ramps, the nodes get the next step; the other zone is untouched.
    const seen: number[] = [sim.node('pe-01').appliedLevel];
    for (let i = 0; i < 7; i++) {
      await sim.clock.advance(10_000);
      seen.push(sim.node('pe-01').appliedLevel);
    }
    expect(seen).toEqual([100, 90, 80, 70, 60, 50, 40, 40]);
    expect(sim.node('pe-02').appliedLevel).toBe(40);
    expect(sim.node('rh-01').appliedLevel).toBe(100);
    expect(reasons(agent, 'place')).toContain(
      "override '" + id + "' → 40 % until 21:30 (issued 21:00)",
    );

    await sim.clock.advanceTo(at('2026-01-15T21:30:30+01:00'));
    expect(sim.node('pe-01').appliedLevel).toBe(70);
    await sim.clock.advanceTo(at('2026-01-15T21:31:00+01:00'));
    expect(sim.node('pe-01').appliedLevel).toBe(100);
    // Announced where the ramps start and end, not at each step.
    expect(levelChanges(agent, 'place')).toEqual([
      [0, 'off'],
      [100, 'program'],
      [100, 'override'],
      [40, 'override'],
      [100, 'program'],
    ]);
    expect(agent.events('override-issued')).toMatchObject([
      {
        subject: id,
        data: {
          level: 40,
          zones: ['place'],
          reason: 'concert on the square',
          issuedBy: 'tech-luc',
        },
      },
    ]);
    // Once it has ramped back, it is forgotten.
    expect(agent.runtime.state.get(OVERRIDES_KEY, z.array(z.unknown()))).toEqual([]);
  });

  it('is cleared at once by clear-override, and refuses unknown zones and ids', async () => {
    const { sim, agent } = await setup('2026-01-15T23:30:00+01:00');
    const id = agent.command('override', {
      zones: 'all',
      level: 100,
      until: '2026-01-16T02:00:00+01:00',
      reason: 'accident on the road',
    });
    await agent.idle();
    expect(sim.levels()).toEqual({
      'rh-01': 100,
      'rh-02': 100,
      'rh-03': 100,
      'pe-01': 100,
      'pe-02': 100,
    });
    const clear = agent.command('clear-override', { id });
    await agent.idle();
    expect(agent.results(clear).at(-1)).toMatchObject({
      status: 'ok',
      data: { id, cleared: true },
    });
    expect(sim.node('rh-01').appliedLevel).toBe(60);
    expect(agent.events('override-cleared')).toMatchObject([
      { subject: id, data: { id, clearedBy: 'tech-luc' } },
    ]);

    const again = agent.command('clear-override', { id });
    const badZone = agent.command('override', {
      zones: ['rue-basse'],
      level: 50,
      minutes: 10,
      reason: 'test',
    });
    const both = agent.command('override', { zones: 'all', level: 50, reason: 'no end' });
    const past = agent.command('override', {
      zones: 'all',
      level: 50,
      until: '2026-01-15T20:00:00+01:00',
      reason: 'too late',
    });
    await agent.idle();
    expect(agent.results(again).at(-1)).toMatchObject({
      status: 'error',
      error: { code: 'INVALID_ARGS', message: `no override ${id} in force` },
    });
    expect(agent.results(badZone).at(-1)).toMatchObject({
      status: 'error',
      error: { code: 'INVALID_ARGS', message: 'unknown zone rue-basse (zones: rue-haute, place)' },
    });
    expect(agent.results(both).at(-1)).toMatchObject({
      status: 'error',
      error: { code: 'INVALID_ARGS' },
    });
    expect(agent.results(past).at(-1)).toMatchObject({
      status: 'error',
      error: { code: 'INVALID_ARGS', message: 'until: must be in the future' },
    });
    expect(sim.node('rh-01').appliedLevel).toBe(60);
  });

  it('lights a zone by day (a lamp test), then the program switches it off again', async () => {
    const { sim, agent } = await setup('2026-01-16T11:00:00+01:00');
    expect(sim.node('rh-01').appliedLevel).toBe(0);
    agent.command('override', {
      zones: ['rue-haute'],
      level: 100,
      minutes: 5,
      reason: 'lamp test',
    });
    await agent.idle();
    expect(sim.node('rh-01').appliedLevel).toBe(100);
    expect(sim.node('pe-01').appliedLevel).toBe(0);
    await sim.clock.advance(5 * MINUTE);
    expect(sim.node('rh-01').appliedLevel).toBe(0);
    // A lamp test by day is no day-burning: the decided level is not 0.
    await sim.clock.advance(30 * MINUTE);
    expect(agent.events('day-burning')).toEqual([]);
  });
});

describe('weather', () => {
  it('raises the level in fog at once, and ignores the report once stale', async () => {
    const { sim, agent } = await setup('2026-01-15T23:30:00+01:00');
    expect(sim.node('pe-01').appliedLevel).toBe(60);
    agent.weather(
      metar('METAR LFPB 152220Z 00000KT 0200 FG VV001 02/02 Q1025', '2026-01-15T22:25:00Z'),
    );
    await agent.idle();
    expect(sim.node('pe-01').appliedLevel).toBe(80);
    expect(sim.node('rh-01').appliedLevel).toBe(80);
    expect(reasons(agent, 'place')).toContain('weather: fog (visibility 200 m) [METAR FG] → +20 %');
    expect(agent.events('level-changed').at(-1)?.data).toMatchObject({ level: 80, previous: 60 });

    // 90 minutes after 23:20 the report says nothing any more: back to the program.
    await sim.clock.advanceTo(at('2026-01-16T00:50:00+01:00'));
    expect(sim.node('pe-01').appliedLevel).toBe(80);
    await sim.clock.advanceTo(at('2026-01-16T00:51:00+01:00'));
    expect(sim.node('pe-01').appliedLevel).toBe(60);
    expect(reasons(agent, 'place')).toContain(
      'weather: stale (observed 1 h 31 min ago, limit 90 min) → ignored, program level',
    );
  });

  it('ignores a report stale on arrival, keeps the last good one over an unreadable one, and reads Open-Meteo', async () => {
    const { sim, agent } = await setup('2026-01-16T00:00:00+01:00');
    agent.weather(
      metar('METAR LFPB 152100Z 00000KT 0200 FG VV001 02/02 Q1025', '2026-01-15T21:05:00Z'),
    );
    await agent.idle();
    expect(sim.node('pe-01').appliedLevel).toBe(60);
    expect(reasons(agent, 'place')).toContain(
      'weather: stale (observed 2 h 00 min ago, limit 90 min) → ignored, program level',
    );

    // Heavy rain from Open-Meteo (WMO 65), as the cloud relays its JSON.
    agent.weather({
      fetchedAt: '2026-01-15T23:01:00Z',
      source: 'open-meteo',
      body: {
        utc_offset_seconds: 3600,
        current: { time: '2026-01-16T00:00', interval: 900, weather_code: 65, precipitation: 2 },
      },
    });
    await agent.idle();
    expect(sim.node('pe-01').appliedLevel).toBe(80);
    expect(reasons(agent, 'place')).toContain('weather: heavy rain [WMO 65] → +20 %');

    agent.weather(metar('METAR NOT A REPORT', '2026-01-15T23:02:00Z'));
    agent.weather('{"fetchedAt": 1}');
    await agent.idle();
    expect(sim.node('pe-01').appliedLevel).toBe(80);
    expect(
      agent.lines.filter(
        (l) => l['msg'] === 'weather report not understood; the last good one stays',
      ),
    ).toHaveLength(2);
  });
});
