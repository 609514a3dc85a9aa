import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@hameau/protocol';
import { afterEach, expect, it } from 'vitest';
import { nodeBus, outcome, startSim } from './helpers/lamp-node-rig.js';

/**
 * The driver on a real serial line: simulated nodes on one end of a `socat` pty pair, the
 * agent's `modbus-serial` RTU client on the other, at 19,200 baud with the wire time emulated
 * (the simulator keeps real time, so its replies are paced as on RS485). The agent runs on the
 * system clock too: its RTU gap and timeouts are real waits, and nothing here asserts on them.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('commands and reads lamp nodes over Modbus RTU on a pty', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-lamp-rtu-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const { sim, path } = await startSim(
    {
      id: 'place-eglise',
      pty: join(dir, 'ttyRS485'),
      baud: 19_200,
      timing: true,
      turnaroundMs: 2,
      noise: false,
      nodes: [
        { id: 'pe-01', unit: 1, ratedW: 40, level: 100 },
        { id: 'pe-02', unit: 2, ratedW: 40, level: 100 },
      ],
    },
    systemClock,
  );
  cleanups.push(() => sim.stop());
  if (path === undefined) throw new Error('expected a pty endpoint');

  const { bus, client } = nodeBus(
    {
      type: 'modbus',
      id: 'place-eglise',
      transport: 'rtu',
      path,
      baud: 19_200,
      timeoutMs: 1_000,
      nodes: [
        { id: 'pe-01', unitId: 1 },
        { id: 'pe-02', unitId: 2 },
        { id: 'pe-03', unitId: 3 },
      ],
    },
    systemClock,
  );
  cleanups.push(() => bus.close());
  const [pe01, pe02, pe03] = bus.nodes;
  if (pe01 === undefined || pe02 === undefined || pe03 === undefined) throw new Error('nodes');

  await Promise.all([pe01.configureFailsafe(70, 900), pe01.setLevel(40), pe02.setLevel(0)]);
  expect(sim.node('pe-01').holdingRegisters()).toEqual([40, 70, 900, 1]);
  expect(sim.node('pe-02').appliedLevel).toBe(0);
  const reading = await pe01.read();
  // 40 % on the typical LED curve: 15 + 30 × 85 / 90 = 43.33 % of 40 W = 17.3 W.
  expect(reading).toMatchObject({ appliedLevel: 40, powerW: 17.3, voltageV: 230, ratedW: 40 });
  expect((await pe02.read()).powerW).toBe(0);
  // Nobody answers unit 3 on the line: a timeout, and the others still answer afterwards.
  expect(await outcome(pe03.read())).toEqual({ kind: 'timeout', reason: 'timeout' });
  expect((await pe02.read()).appliedLevel).toBe(0);
  expect(client.calls.filter((c) => c.kind === 'write').map((c) => c.detail)).toEqual([
    '1=70,900',
    '0=40',
    '0=0',
  ]);
});
