import { LampNodeGroup, type LampNodeGroupOptionsInput } from '@hameau/firmware-sim';
import { ManualClock } from '@hameau/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { LampNodeReading } from '../../../../src/modules/lighting/nodes/lamp-node.js';
import { nodeBus, outcome, silentLog, startSim } from './helpers/lamp-node-rig.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Two nodes and the cabinet's meter behind one Modbus TCP gateway, on an exact supply. */
const street: LampNodeGroupOptionsInput = {
  id: 'rue-haute',
  tcp: {},
  noise: false,
  nodes: [
    { id: 'rh-01', unit: 1, ratedW: 120, level: 50, burningHours: 1234.5 },
    { id: 'rh-02', unit: 2, ratedW: 60, level: 0, watchdogSeconds: 60, failureLevel: 80 },
  ],
  meters: [{ id: 'cabinet', model: 'sdm120', unit: 10, noise: false }],
};

async function setup(extra: { verify?: boolean } = {}) {
  const { sim, clock: simClock, port } = await startSim(street);
  cleanups.push(() => sim.stop());
  const { bus, clock, client } = nodeBus({
    type: 'modbus',
    id: 'rue-haute',
    transport: 'tcp',
    host: '127.0.0.1',
    port,
    timeoutMs: 1_000,
    ...extra,
    nodes: [
      { id: 'rh-01', unitId: 1, ratedW: 120 },
      { id: 'rh-02', unitId: 2 },
      { id: 'ghost', unitId: 9 },
      { id: 'miswired', unitId: 10 },
    ],
  });
  cleanups.push(() => bus.close());
  const node = (id: string) => {
    const found = bus.node(id);
    if (found === undefined) throw new Error(`no node ${id}`);
    return found;
  };
  return { sim, simClock, bus, clock, client, port, node };
}

describe('Modbus lamp nodes over TCP, against the simulator', () => {
  it('reads a node: level, power, voltage, burning hours, faults, rated power', async () => {
    const { node } = await setup();
    const reading: LampNodeReading = await node('rh-01').read();
    expect(reading).toEqual({
      appliedLevel: 50,
      powerW: 63.3,
      voltageV: 230,
      burningHours: 1234.5,
      ratedW: 120,
      faults: { lampFailure: false, relayStuck: false, restarted: false, onFailureLevel: false },
    });
    expect(node('rh-01').ratedW).toBe(120);
    expect(node('rh-02').ratedW).toBeUndefined();
  });

  it('sets a level with one write and checks it was applied with one read', async () => {
    const { node, sim, client } = await setup();
    await node('rh-02').setLevel(70);
    expect(sim.node('rh-02').appliedLevel).toBe(70);
    expect(client.calls.map((c) => `${c.kind} ${c.unitId} ${c.detail}`)).toEqual([
      'write 2 0=70',
      'read 2 fc4 0+1',
    ]);
    // 70 % on the typical LED curve: 15 + 60 × 85 / 90 = 71.67 % of 60 W.
    expect((await node('rh-02').read()).powerW).toBe(43);
  });

  it('configures the failsafe (FC 16) and the node falls back to it when the controller is silent', async () => {
    const { node, sim, simClock, client } = await setup();
    await node('rh-01').configureFailsafe(30, 120);
    expect(sim.node('rh-01').holdingRegisters()).toEqual([50, 30, 120, 1]);
    expect(client.calls.map((c) => c.detail)).toEqual(['1=30,120', 'fc3 1+2']);
    await simClock.advance(120_000);
    const reading = await node('rh-01').read();
    expect(reading.appliedLevel).toBe(30);
    expect(reading.faults.onFailureLevel).toBe(true);
    await node('rh-01').setLevel(60);
    expect((await node('rh-01').read()).faults.onFailureLevel).toBe(false);
  });

  it('reports a level the node did not apply as not-applied, never as the level asked', async () => {
    const { node, sim } = await setup();
    sim.node('rh-01').inject({ mode: 'stuck-relay' });
    expect(await outcome(node('rh-01').setLevel(100))).toEqual({
      kind: 'not-applied',
      reason: 'level 100 % not applied: the node is at 50 %',
      appliedLevel: 50,
    });
    expect((await node('rh-01').read()).faults.relayStuck).toBe(true);
  });

  it('turns exceptions into typed failures with reasons', async () => {
    const { node } = await setup();
    // No node 9 behind the gateway; unit 10 is the cabinet meter, which has no writable register.
    expect(await outcome(node('ghost').read())).toEqual({
      kind: 'exception',
      reason: 'exception 11: gateway target device failed to respond',
    });
    expect(await outcome(node('miswired').setLevel(10))).toEqual({
      kind: 'exception',
      reason: 'exception 1: illegal function',
    });
  });

  it('refuses impossible arguments without sending anything', async () => {
    const { node, client } = await setup();
    const refused = await Promise.all([
      outcome(node('rh-01').setLevel(101)),
      outcome(node('rh-01').setLevel(12.5)),
      outcome(node('rh-01').configureFailsafe(-1, 60)),
      outcome(node('rh-01').configureFailsafe(50, 70_000)),
    ]);
    expect(refused.map((r) => ('kind' in r ? r.kind : 'ok'))).toEqual([
      'invalid-argument',
      'invalid-argument',
      'invalid-argument',
      'invalid-argument',
    ]);
    expect(refused[3]).toMatchObject({
      reason: 'watchdog must be an integer 0-65535 s, not 70000',
    });
    expect(client.calls).toEqual([]);
  });

  it('times out on its clock as a timeout failure, then reconnects for the next command', async () => {
    const { node, sim, clock, bus } = await setup();
    const lamp = sim.node('rh-02');
    lamp.inject({ mode: 'no-answer' });
    const pending = outcome(node('rh-02').setLevel(40));
    await expect.poll(() => lamp.requests).toBe(1);
    await clock.advance(999);
    expect(bus.pending).toBe(1);
    await clock.advance(1);
    expect(await pending).toEqual({ kind: 'timeout', reason: 'timeout' });
    // The timeout dropped the connection (a late answer must not pass for the next one's).
    expect(bus.connected).toBe(false);
    lamp.clearFault();
    await node('rh-02').setLevel(40);
    expect(lamp.appliedLevel).toBe(40);
    expect(bus.connected).toBe(true);
  });

  it('reconnects after the gateway dropped the connection, with backoff while it is away', async () => {
    const { node, sim, clock, bus, port } = await setup();
    await node('rh-01').setLevel(20);
    await sim.stop();
    await expect.poll(() => bus.connected).toBe(false);
    expect(await outcome(node('rh-01').read())).toEqual({
      kind: 'disconnected',
      reason: 'bus disconnected: ECONNREFUSED',
    });
    // The gateway comes back on the same port (its nodes rebooted with it).
    const back = new LampNodeGroup(
      { ...street, tcp: { port } },
      { clock: new ManualClock(), log: silentLog },
    );
    await back.start();
    cleanups.push(() => back.stop());
    // Within the backoff, the bus does not even try.
    expect(await outcome(node('rh-01').read())).toMatchObject({ kind: 'disconnected' });
    await clock.advance(1_000);
    await node('rh-01').setLevel(20);
    expect(back.node('rh-01').appliedLevel).toBe(20);
  });

  it('reports a restart once, and a dead lamp as a fault with no power', async () => {
    const { node, sim, simClock } = await setup();
    sim.node('rh-01').inject({ mode: 'reboot', downMs: 500 });
    await simClock.advance(500);
    const first = await node('rh-01').read();
    expect(first.faults).toEqual({
      lampFailure: false,
      relayStuck: false,
      restarted: true,
      onFailureLevel: true,
    });
    expect(first.appliedLevel).toBe(100);
    expect((await node('rh-01').read()).faults.restarted).toBe(false);
    sim.node('rh-01').inject({ mode: 'lamp-failure' });
    const dead = await node('rh-01').read();
    expect([dead.faults.lampFailure, dead.powerW, dead.appliedLevel]).toEqual([true, 0, 100]);
  });

  it('serializes every operation: a command and its read-back are never split', async () => {
    const { node, client, sim } = await setup();
    const results = await Promise.all([
      node('rh-01').setLevel(10),
      node('rh-02').read(),
      node('rh-01').configureFailsafe(90, 600),
      node('rh-02').setLevel(100),
      node('rh-01').read(),
    ]);
    expect(results[4].appliedLevel).toBe(10);
    expect(client.calls.map((c) => `${c.kind} ${c.unitId} ${c.detail}`)).toEqual([
      'write 1 0=10',
      'read 1 fc4 0+1',
      'read 2 fc4 0+7',
      'write 1 1=90,600',
      'read 1 fc3 1+2',
      'write 2 0=100',
      'read 2 fc4 0+1',
      'read 1 fc4 0+7',
    ]);
    // Each call settled before the next one started.
    client.calls.forEach((call, i) => {
      const next = client.calls[i + 1];
      if (next !== undefined) expect(call.settledSeq).toBeLessThan(next.seq);
    });
    expect(sim.node('rh-02').appliedLevel).toBe(100);
  });

  it('skips the read-back when verify is off', async () => {
    const { node, client, sim } = await setup({ verify: false });
    sim.node('rh-01').inject({ mode: 'stuck-relay' });
    await node('rh-01').setLevel(100);
    await node('rh-01').configureFailsafe(40, 60);
    expect(client.calls.map((c) => c.kind)).toEqual(['write', 'write']);
  });
});
