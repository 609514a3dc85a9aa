import { afterEach, describe, expect, it } from 'vitest';
import {
  MINUTE,
  at,
  runUntil,
  startAgent,
  startSim,
  type LightingAgent,
  type LightingSim,
} from './helpers/lighting-rig.js';

// The cabinet's real meter (a firmware-sim SDM630 on the nodes' line, whose load follows the
// nodes' power plus the cabinet's own 20 W) read by the real metering module on the same agent,
// against the lighting module's expected power of its zones. Faults are injected in the
// simulator: a stray load on the feeder, then a tripped breaker.

const CABINET_STANDBY_W = 20;
const NIGHT = at('2026-01-15T23:30:00+01:00');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ sim: LightingSim; agent: LightingAgent }> {
  const sim = await startSim(undefined, [
    {
      id: 'cabinet-meter',
      model: 'sdm630',
      unit: 50,
      noise: false,
      load: { kind: 'lighting', standbyW: CABINET_STANDBY_W },
    },
  ]);
  cleanups.push(() => sim.stop());
  const agent = await startAgent(sim, {
    lighting: {
      energyChecks: { cabinet: { meter: 'cabinet-meter', allowanceW: CABINET_STANDBY_W } },
    },
    metering: {
      buses: [
        {
          id: 'cabinet',
          transport: 'tcp',
          host: '127.0.0.1',
          port: sim.port,
          meters: [
            { id: 'cabinet-meter', model: 'eastron-sdm630', unitId: 50, intervalMs: 30_000 },
          ],
        },
      ],
    },
  });
  cleanups.push(() => agent.stop());
  // Night, on the standard program's 60 % step: every lamp lit.
  await runUntil(sim, agent, NIGHT);
  return { sim, agent };
}

const mismatches = (agent: LightingAgent) =>
  agent.events().filter((e) => e.type.startsWith('cabinet-power-mismatch'));
const cabinetReports = (agent: LightingAgent) =>
  agent.telemetry('cabinet-meter', 'lighting-cabinet');

describe('the cabinet meter against the zones’ expected power', () => {
  it('agrees on a healthy night and reports both powers on the lighting-cabinet stream', async () => {
    const { sim, agent } = await setup();
    await runUntil(sim, agent, NIGHT + 10 * MINUTE);
    expect(mismatches(agent)).toEqual([]);
    const last = cabinetReports(agent).at(-1);
    expect(last?.values['mismatch']).toBe(0);
    const expected = last?.values['expected_power_w'] ?? Number.NaN;
    const measured = last?.values['measured_power_w'] ?? Number.NaN;
    // Three 60 W and two 40 W lamps at 60 %, plus the cabinet: well above the allowance alone.
    expect(expected).toBeGreaterThan(150);
    // The agent's dimming curve and the nodes' agree: the two powers within a watt.
    expect(Math.abs(measured - expected)).toBeLessThan(1);
    expect(measured).toBeCloseTo(sim.group.meter('cabinet-meter').snapshot().activePower, 0);
  });

  it('raises on a stray load on the feeder after 10 minutes, and ends once it is gone', async () => {
    const { sim, agent } = await setup();
    sim.group.power.setStrayLoad(400);
    await runUntil(sim, agent, NIGHT + 9 * MINUTE);
    expect(mismatches(agent)).toEqual([]);
    await runUntil(sim, agent, NIGHT + 12 * MINUTE);
    const [raised, ...rest] = mismatches(agent);
    expect(rest).toEqual([]);
    expect(raised).toMatchObject({
      type: 'cabinet-power-mismatch',
      severity: 'alarm',
      subject: 'cabinet-meter',
      data: { meter: 'cabinet-meter', direction: 'above', allowanceW: 20, zones: 'all' },
    });
    const data = raised?.data ?? {};
    const expectedW = data['expectedW'] as number;
    expect(data['measuredW']).toBeCloseTo(expectedW + 400, 0);
    expect(data['ratio']).toBeCloseTo((expectedW + 400) / expectedW, 1);
    expect(cabinetReports(agent).at(-1)?.values['mismatch']).toBe(1);
    // Nothing else noticed: every node draws what it should.
    expect(agent.events().filter((e) => e.severity === 'alarm')).toHaveLength(1);

    sim.group.power.setStrayLoad(0);
    await runUntil(sim, agent, NIGHT + 16 * MINUTE);
    expect(mismatches(agent).map((e) => e.type)).toEqual([
      'cabinet-power-mismatch',
      'cabinet-power-mismatch-ended',
    ]);
    expect(mismatches(agent)[1]).toMatchObject({
      severity: 'info',
      data: { meter: 'cabinet-meter', expectedW },
    });
  });

  it('raises when the breaker trips (far less than expected), and ends once it is reset', async () => {
    const { sim, agent } = await setup();
    sim.group.tripFeed(true);
    // Straight on the clock: each cycle now waits out the silent nodes' timeouts on it.
    await sim.clock.advanceTo(NIGHT + 12 * MINUTE);
    const raised = mismatches(agent);
    expect(raised).toMatchObject([
      {
        type: 'cabinet-power-mismatch',
        data: { direction: 'below', measuredW: CABINET_STANDBY_W },
      },
    ]);
    expect(raised[0]?.data['ratio']).toBeLessThan(0.2);
    // The nodes went silent with their supply.
    expect(agent.events('node-unreachable').length).toBe(5);

    sim.group.tripFeed(false);
    await sim.clock.advanceTo(NIGHT + 20 * MINUTE);
    await agent.idle();
    // Powered up on their failure level, given their level back, drawing what they should.
    expect(sim.node('rh-01').appliedLevel).toBe(60);
    expect(mismatches(agent).map((e) => e.type)).toEqual([
      'cabinet-power-mismatch',
      'cabinet-power-mismatch-ended',
    ]);
  });

  it('says why it cannot compare when the meter named is not read by the metering module', async () => {
    const sim = await startSim();
    cleanups.push(() => sim.stop());
    const agent = await startAgent(sim, {
      lighting: { energyChecks: { cabinet: { meter: 'no-such-meter' } } },
    });
    cleanups.push(() => agent.stop());
    await runUntil(sim, agent, NIGHT);
    const last = agent.telemetry('no-such-meter', 'lighting-cabinet').at(-1);
    expect(last?.values['measured_power_w']).toBeNull();
    expect(last?.missing?.['measured_power_w']).toContain('no reading from meter no-such-meter');
    expect(mismatches(agent)).toEqual([]);
  });
});
