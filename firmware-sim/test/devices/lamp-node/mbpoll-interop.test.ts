import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ManualClock } from '@hameau/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LampNodeGroup,
  type LampNodeGroupSeams,
} from '../../../src/devices/lamp-node/lamp-node-group.js';
import type { LampNodeGroupOptionsInput } from '../../../src/devices/lamp-node/lamp-node-options.js';
import { silentLog } from '../../meter-fixtures.js';

/**
 * Interop with mbpoll (Debian's, built on libmodbus): a Modbus master nobody here wrote dims
 * our simulated nodes and reads them back, over TCP and over RTU on a pty.
 */
const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hameau-lamps-mbpoll-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const groups: LampNodeGroup[] = [];
afterEach(async () => {
  for (const g of groups.splice(0).reverse()) await g.stop();
});

/** Runs mbpoll once; returns what it printed as values by reference (`[0]: 55` → 0 → 55). */
async function mbpoll(args: readonly string[]): Promise<Map<number, number>> {
  // The time limit only guards against a hung child; mbpoll's own timeout is 1 s.
  const { stdout } = await run('mbpoll', ['-1', ...args], { timeout: 15_000 });
  const values = new Map<number, number>();
  for (const line of stdout.split('\n')) {
    const match = /^\[(\d+)\]:\s+(\S+)\s*$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      values.set(Number(match[1]), Number(match[2]));
    }
  }
  return values;
}

/** mbpoll's exit status and error output, for a request the node refuses. */
async function mbpollFails(args: readonly string[]): Promise<string> {
  try {
    await run('mbpoll', ['-1', ...args], { timeout: 15_000 });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  throw new Error('mbpoll succeeded');
}

async function start(options: LampNodeGroupOptionsInput, seams: LampNodeGroupSeams = {}) {
  const group = new LampNodeGroup(options, { clock: new ManualClock(), log: silentLog }, seams);
  groups.push(group);
  const { endpoints } = await group.start();
  return { group, endpoints };
}

const nodes = [
  { id: 'lamp-1', unit: 1, ratedW: 60, level: 100 },
  { id: 'lamp-7', unit: 7, ratedW: 90, level: 20 },
];

describe('mbpoll drives our lamp nodes', () => {
  it('over Modbus TCP: writes a level (FC 06), the failsafe pair (FC 16), reads them back', async () => {
    const { group, endpoints } = await start({ id: 'street', tcp: {}, noise: false, nodes });
    const [endpoint] = endpoints;
    if (endpoint?.transport !== 'tcp') throw new Error('expected a TCP endpoint');
    const tcp = ['-m', 'tcp', '-a', '7', '-0', '-p', String(endpoint.port)] as const;
    await mbpoll([...tcp, '-r', '0', '-t', '4', '127.0.0.1', '55']);
    await mbpoll([...tcp, '-r', '1', '-t', '4', '127.0.0.1', '30', '600']);
    const holding = await mbpoll([...tcp, '-r', '0', '-c', '4', '-t', '4', '127.0.0.1']);
    expect([...holding]).toEqual([
      [0, 55],
      [1, 30],
      [2, 600],
      [3, 1],
    ]);
    const input = await mbpoll([...tcp, '-r', '0', '-c', '7', '-t', '3', '127.0.0.1']);
    const node = group.node('lamp-7');
    expect(node.appliedLevel).toBe(55);
    expect([...input.values()]).toEqual(node.inputRegisters());
    expect(input.get(0)).toBe(55);
    expect(input.get(6)).toBe(90);
    // The other node on the port was not touched.
    expect(group.node('lamp-1').appliedLevel).toBe(100);
    // A level over 100 % is refused with exception 03, and nothing changes.
    expect(await mbpollFails([...tcp, '-r', '0', '-t', '4', '127.0.0.1', '101'])).toMatch(
      /Illegal data value/i,
    );
    expect(node.appliedLevel).toBe(55);
  });

  it('over Modbus RTU on a pty', async () => {
    const path = join(dir, 'street-rtu');
    await start({ id: 'street-rtu', pty: path, timing: false, noise: false, nodes });
    const rtu = ['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '1', '-0'] as const;
    await mbpoll([...rtu, '-r', '0', '-t', '4', path, '35']);
    const applied = await mbpoll([...rtu, '-r', '0', '-c', '2', '-t', '3', path]);
    // 35 % on the typical LED curve: 15 + 25 × 85 / 90 % of 60 W = 23.17 W, served as 232.
    expect([...applied]).toEqual([
      [0, 35],
      [1, 232],
    ]);
  });
});
