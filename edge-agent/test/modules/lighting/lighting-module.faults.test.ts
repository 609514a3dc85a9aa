import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import {
  MINUTE,
  at,
  lightingConfig,
  runUntil,
  startAgent,
  startSim,
  type AgentOptions,
} from './helpers/lighting-rig.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(start: string, options: AgentOptions = {}) {
  const sim = await startSim();
  cleanups.push(() => sim.stop());
  const agent = await startAgent(sim, options);
  cleanups.push(() => agent.stop());
  await sim.clock.advanceTo(at(start));
  await agent.idle();
  return { sim, agent };
}

describe('lamp-node faults', () => {
  it('gives a rebooted node its level back as soon as it reports the restart', async () => {
    // A long watchdog: the next refresh of the level is five minutes away.
    const { sim, agent } = await setup('2026-01-15T23:30:00+01:00', {
      lighting: { failsafe: { failureLevel: 100, watchdogSeconds: 3600 } },
    });
    sim.node('rh-02').inject({ mode: 'reboot', downMs: 3_000 });
    await sim.clock.advanceTo(at('2026-01-15T23:30:59+01:00'));
    // Powered up on its failure level, having forgotten the command.
    expect(sim.node('rh-02').appliedLevel).toBe(100);
    await sim.clock.advanceTo(at('2026-01-15T23:31:00+01:00'));
    await agent.idle();
    expect(sim.node('rh-02').appliedLevel).toBe(60);
    expect(sim.node('rh-02').snapshot().faultBits).toBe(0);
    expect(agent.events('node-restarted')).toMatchObject([
      { subject: 'rh-02', severity: 'info', data: { level: 60, recommanded: true } },
    ]);
    // The other nodes were not written again: their refresh is not due.
    const at2331 = agent.requests().filter((r) => r.at === at('2026-01-15T23:31:00+01:00'));
    expect(at2331.filter((r) => r.text.startsWith('write')).map((r) => r.text)).toEqual([
      'write 2 0=60',
    ]);
  });

  it('raises lamp-failure once a lamp has drawn nothing for 10 minutes, and lamp-recovered after', async () => {
    const { sim, agent } = await setup('2026-01-15T23:30:30+01:00');
    sim.node('rh-03').inject({ mode: 'lamp-failure' });
    await sim.clock.advanceTo(at('2026-01-15T23:40:59+01:00'));
    expect(agent.events('lamp-failure')).toEqual([]);
    await sim.clock.advanceTo(at('2026-01-15T23:41:00+01:00'));
    expect(agent.events('lamp-failure')).toEqual([
      {
        type: 'lamp-failure',
        severity: 'alarm',
        subject: 'rh-03',
        data: { level: 60, expectedW: 37.3, measuredW: 0, nodeFault: true },
      },
    ]);
    await sim.clock.advanceTo(at('2026-01-16T01:00:00+01:00'));
    expect(agent.events('lamp-failure')).toHaveLength(1);
    expect(agent.telemetry('rue-haute').at(-1)?.values['measured_power_w']).toBe(74.6);
    sim.node('rh-03').clearFault('lamp-failure');
    await sim.clock.advance(MINUTE);
    expect(agent.events('lamp-recovered')).toMatchObject([
      { subject: 'rh-03', data: { measuredW: 37.3 } },
    ]);
  });

  it('tells a lamp drawing under half its expected power, without the node noticing', async () => {
    // rh-01 is declared at 150 W and draws what a 60 W lamp draws: 40 %, from the first night
    // hours at 100 %; one episode for the whole night.
    const config = lightingConfig(502);
    const bus = config.buses[0];
    if (bus === undefined) throw new Error('no bus');
    const { sim, agent } = await setup('2026-01-15T23:45:00+01:00', {
      lighting: {
        buses: [
          {
            ...bus,
            nodes: bus.nodes.map((n) => (n.id === 'rh-01' ? { ...n, ratedW: 150 } : n)),
          },
        ],
      },
    });
    expect(sim.node('rh-01').appliedLevel).toBe(60);
    expect(agent.events('lamp-failure')).toMatchObject([
      { subject: 'rh-01', data: { level: 100, expectedW: 150, measuredW: 60, nodeFault: false } },
    ]);
  });

  it('raises day-burning when a stuck relay keeps a zone lit after switch-off, and counts the failed writes', async () => {
    const { sim, agent } = await setup('2026-01-16T08:00:00+01:00');
    expect(sim.node('pe-01').appliedLevel).toBe(80);
    sim.node('pe-01').inject({ mode: 'stuck-relay' });
    await sim.clock.advanceTo(at('2026-01-16T08:01:00+01:00'));
    expect(agent.events('relay-stuck')).toMatchObject([{ subject: 'pe-01', severity: 'alarm' }]);
    await sim.clock.advanceTo(at('2026-01-16T10:00:00+01:00'));
    expect(sim.node('pe-01').appliedLevel).toBe(80);
    expect(sim.node('pe-02').appliedLevel).toBe(0);
    const burning = agent.events('day-burning');
    expect(burning).toEqual([
      {
        type: 'day-burning',
        severity: 'alarm',
        subject: 'place',
        data: { measuredW: 32.4, standbyW: 0, mode: 'off', nodes: ['pe-01'] },
      },
    ]);
    expect(agent.events('day-burning').map((e) => e.subject)).not.toContain('rue-haute');
    // The node refused 0 % every minute since switch-off; the telemetry counts it.
    const rows = agent
      .telemetry('place')
      .filter((r) => Date.parse(r.at) > at('2026-01-16T09:00:00+01:00'));
    expect(rows.reduce((n, r) => n + (r.values['write_failures'] ?? 0), 0)).toBe(60);
    sim.node('pe-01').clearFault('stuck-relay');
    await sim.clock.advance(MINUTE);
    expect(sim.node('pe-01').appliedLevel).toBe(0);
    expect(agent.events('day-burning-ended')).toMatchObject([{ subject: 'place' }]);
    expect(agent.events('relay-recovered')).toMatchObject([{ subject: 'pe-01' }]);
  });

  it('raises node-unreachable after three silent cycles, keeps driving the others, and recovers', async () => {
    const { sim, agent } = await setup('2026-01-15T23:30:30+01:00');
    sim.node('pe-02').inject({ mode: 'no-answer' });
    await sim.clock.advanceTo(at('2026-01-15T23:32:30+01:00'));
    expect(agent.events('node-unreachable')).toEqual([]);
    await sim.clock.advanceTo(at('2026-01-15T23:33:30+01:00'));
    expect(agent.events('node-unreachable')).toEqual([
      {
        type: 'node-unreachable',
        severity: 'alarm',
        subject: 'pe-02',
        data: { reason: 'timeout', kind: 'timeout', cycles: 3 },
      },
    ]);
    const place = agent.telemetry('place').at(-1);
    expect(place?.values['measured_power_w']).toBeNull();
    expect(place?.missing).toEqual({ measured_power_w: 'pe-02: timeout' });
    expect(agent.telemetry('rue-haute').at(-1)?.values['measured_power_w']).toBe(111.9);

    // Silent past its watchdog, the node fell back to its failure level; when it answers again
    // it is commanded back.
    await sim.clock.advanceTo(at('2026-01-15T23:40:30+01:00'));
    expect(sim.node('pe-02').appliedLevel).toBe(100);
    sim.node('pe-02').clearFault('no-answer');
    await sim.clock.advance(MINUTE);
    expect(sim.node('pe-02').appliedLevel).toBe(60);
    expect(agent.events('node-recovered')).toMatchObject([
      { subject: 'pe-02', data: { downMinutes: 10 } },
    ]);
    expect(agent.events('node-unreachable')).toHaveLength(1);
  });
});

describe('the agent crashing', () => {
  it('leaves the nodes to their watchdog: after 300 s of silence they go to the failure level (Modbus TCP)', async () => {
    const sim = await startSim(new ManualClock(at('2026-01-15T23:20:00+01:00')));
    cleanups.push(() => sim.stop());
    const agent = await startAgent(sim, {
      link: 'tcp',
      lighting: { failsafe: { failureLevel: 90, watchdogSeconds: 300 } },
    });
    cleanups.push(() => agent.stop());
    await runUntil(sim, agent, at('2026-01-15T23:30:00+01:00'));
    expect(sim.node('rh-01').holdingRegisters()).toEqual([60, 90, 300, 1]);
    expect(sim.levels()).toEqual({
      'rh-01': 60,
      'rh-02': 60,
      'rh-03': 60,
      'pe-01': 60,
      'pe-02': 60,
    });
    expect(sim.group.tcpRequests).toBeGreaterThan(0);

    agent.crash();
    await sim.clock.advanceTo(at('2026-01-15T23:34:59+01:00'));
    expect(sim.node('pe-02').appliedLevel).toBe(60);
    await sim.clock.advanceTo(at('2026-01-15T23:35:00+01:00'));
    expect(sim.levels()).toEqual({
      'rh-01': 90,
      'rh-02': 90,
      'rh-03': 90,
      'pe-01': 90,
      'pe-02': 90,
    });
    expect(sim.node('rh-01').snapshot().faultBits & 8).toBe(8);
  });
});
