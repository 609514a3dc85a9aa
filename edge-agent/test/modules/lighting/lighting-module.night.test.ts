import { afterEach, describe, expect, it } from 'vitest';
import { nightEnergy } from '../../../src/modules/lighting/control/index.js';
import { LightingConfigSchema } from '../../../src/modules/lighting/lighting-config.js';
import {
  HOUR,
  MINUTE,
  at,
  levelChanges,
  lightingConfig,
  planOf,
  startAgent,
  startSim,
} from './helpers/lighting-rig.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const sim = await startSim();
  cleanups.push(() => sim.stop());
  const agent = await startAgent(sim);
  cleanups.push(() => agent.stop());
  await agent.idle();
  return { sim, agent };
}

describe('the lighting module through a night, on the simulated nodes', () => {
  it('follows the program: on at sunset, 60 % at 23:00, 80 % at 05:30, off at sunrise, with the trace', async () => {
    const { sim, agent } = await setup();
    const plan = planOf('rue-haute', '2026-01-15');
    const { switchOn, switchOff } = plan;
    if (switchOn === null || switchOff === null) throw new Error('no night');
    expect(agent.status()).toEqual({ state: 'running' });
    expect(sim.levels()).toEqual({ 'rh-01': 0, 'rh-02': 0, 'rh-03': 0, 'pe-01': 0, 'pe-02': 0 });

    // The lamps go on at the switch-on instant itself, not at the next minute.
    await sim.clock.advanceTo(switchOn - 1);
    expect(sim.node('rh-01').appliedLevel).toBe(0);
    await sim.clock.advanceTo(switchOn);
    await agent.idle();
    expect(sim.levels()).toEqual({
      'rh-01': 100,
      'rh-02': 100,
      'rh-03': 100,
      'pe-01': 100,
      'pe-02': 100,
    });

    await sim.clock.advanceTo(at('2026-01-15T22:59:00+01:00'));
    expect(sim.node('rh-02').appliedLevel).toBe(100);
    await sim.clock.advanceTo(at('2026-01-15T23:00:00+01:00'));
    expect(sim.node('rh-02').appliedLevel).toBe(60);
    await sim.clock.advanceTo(at('2026-01-16T05:30:00+01:00'));
    expect(sim.node('pe-01').appliedLevel).toBe(80);
    await sim.clock.advanceTo(switchOff);
    expect(sim.levels()).toEqual({ 'rh-01': 0, 'rh-02': 0, 'rh-03': 0, 'pe-01': 0, 'pe-02': 0 });
    await sim.clock.advanceTo(at('2026-01-16T09:00:00+01:00'));

    expect(levelChanges(agent, 'rue-haute')).toEqual([
      [0, 'off'],
      [100, 'program'],
      [60, 'program'],
      [80, 'program'],
      [0, 'off'],
    ]);
    const changes = agent.events('level-changed').filter((e) => e.subject === 'rue-haute');
    expect(changes.map((e) => e.data['previous'])).toEqual([null, 0, 100, 60, 80]);
    const hm = (t: number) =>
      new Date(t).toLocaleTimeString('fr-FR', {
        timeZone: 'Europe/Paris',
        hour: '2-digit',
        minute: '2-digit',
      });
    expect(changes[1]?.data['reasons']).toEqual([
      `astro: night (sunset ${hm(switchOn)} +0 min, until sunrise ${hm(switchOff)} +0 min)`,
      "calendar: no rule matches → default program 'standard' step until 23:00 → 100 %",
      'class M4 minimum 30 %',
    ]);
    expect(changes[2]?.data['reasons']).toContain(
      "calendar: no rule matches → default program 'standard' step until 05:30 → 60 %",
    );
    expect(changes[4]?.data['reasons']).toEqual([
      `astro: day (switched off at ${hm(switchOff)}: sunrise ${hm(switchOff)} +0 min)`,
    ]);
  });

  it('reports each zone when its level changes and at least every 5 minutes, with the nodes measured', async () => {
    const { sim, agent } = await setup();
    await sim.clock.advanceTo(at('2026-01-15T23:30:00+01:00'));
    const rows = agent.telemetry('rue-haute');
    const times = rows.map((r) => Date.parse(r.at));
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeLessThanOrEqual(5 * MINUTE);
    }
    // Once a minute would be ~450 rows since 16:00; every 5 minutes and the changes is ~95.
    expect(rows.length).toBeLessThan(100);
    expect(rows.at(-1)?.values).toEqual({
      level: 60,
      lit: 1,
      // Three 60 W lamps at 60 % on the typical LED curve: 15 + 50 × 85 / 90 = 62.2 %.
      expected_power_w: 112,
      // Each node reports its power to the tenth of a watt: 3 × 37.3 W.
      measured_power_w: 111.9,
      burning_hours: expect.closeTo(
        (at('2026-01-15T23:30:00+01:00') - (planOf('rue-haute', '2026-01-15').switchOn ?? 0)) /
          HOUR,
        1,
      ) as number,
      write_failures: 0,
    });
    // The square declares no lamps: its nodes' rated power stands for them.
    expect(agent.telemetry('place').at(-1)?.values).toMatchObject({
      level: 60,
      expected_power_w: 49.8,
      measured_power_w: 49.8,
    });
  });

  it('sums up the night each morning: energy against all night at 100 %, lit hours, lowest level', async () => {
    const { sim, agent } = await setup();
    const plan = planOf('rue-haute', '2026-01-15');
    await sim.clock.advanceTo(at('2026-01-16T10:00:00+01:00'));
    const summaries = agent.events('night-summary');
    expect(summaries.map((s) => s.subject)).toEqual(['rue-haute', 'place']);
    const expected = nightEnergy(
      plan,
      LightingConfigSchema.parse(lightingConfig(502)).control.dimmingCurve,
    );
    const road = summaries[0]?.data ?? {};
    expect(road['night']).toBe('2026-01-15');
    expect(road['energyWh']).toBeCloseTo(expected.plannedWh, 0);
    expect(road['baselineWh']).toBeCloseTo(expected.baselineWh, 0);
    expect(road['savingsPct']).toBeCloseTo(expected.savedPct, 1);
    expect(road['litHours']).toBeCloseTo(expected.litHours, 1);
    expect(road['minLevel']).toBe(60);
    expect(road['coveredHours']).toBe(road['nightHours']);
    // The nodes measured what the model expects (the simulator's curve is the default one).
    expect(road['measuredWh']).toBeCloseTo(expected.plannedWh, -1);
    // A January night of the standard program saves about a fifth.
    expect(road['savingsPct']).toBeGreaterThan(15);
    expect(road['savingsPct']).toBeLessThan(30);
    // Emitted at switch-off, once.
    await sim.clock.advance(12 * HOUR);
    expect(agent.events('night-summary')).toHaveLength(2);
  });

  it('feeds a 300 s watchdog every minute, and tells a node its level at least every 5 minutes', async () => {
    const { sim, agent } = await setup();
    await sim.clock.advanceTo(at('2026-01-15T23:30:00+01:00'));
    // Every node still at its commanded level: no fallback in seven and a half hours.
    expect(sim.group.nodes.map((n) => n.snapshot().faultBits & 8)).toEqual([0, 0, 0, 0, 0]);
    expect(sim.node('rh-01').holdingRegisters()).toEqual([60, 100, 300, 1]);
    const writes = (text: string) =>
      agent
        .requests()
        .filter((r) => r.text === text)
        .map((r) => r.at);
    // 300 s / 3 leaves 100 s between writes: with a decision a minute, that is every minute.
    const sixty = writes('write 1 0=60');
    expect(sixty.slice(0, 4)).toEqual(
      [0, 1, 2, 3].map((i) => at('2026-01-15T23:00:00+01:00') + i * MINUTE),
    );
    expect(sixty).toHaveLength(31);
  });

  it('with a long watchdog, tells each node its level every 5 minutes only', async () => {
    const sim = await startSim();
    cleanups.push(() => sim.stop());
    const agent = await startAgent(sim, {
      lighting: { failsafe: { failureLevel: 80, watchdogSeconds: 3600 } },
    });
    cleanups.push(() => agent.stop());
    await sim.clock.advanceTo(at('2026-01-15T23:30:00+01:00'));
    expect(sim.node('pe-02').holdingRegisters()).toEqual([60, 80, 3600, 1]);
    const sixty = agent
      .requests()
      .filter((r) => r.text === 'write 5 0=60')
      .map((r) => (r.at - at('2026-01-15T23:00:00+01:00')) / MINUTE);
    expect(sixty).toEqual([0, 5, 10, 15, 20, 25, 30]);
    // Each write is read back (the driver's verification), and each cycle reads every node.
    const reads = agent.requests().filter((r) => r.text === 'read 5 fc4 0+7');
    expect(reads.length).toBeGreaterThan(7 * 60);
  });
});
