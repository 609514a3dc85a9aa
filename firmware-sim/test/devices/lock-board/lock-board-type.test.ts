import { ConfigError, ManualClock } from '@hameau/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinDeviceTypes } from '../../../src/device-registry.js';
import { LockBoardBank } from '../../../src/devices/lock-board/lock-board-bank.js';
import { parseScenario } from '../../../src/scenario/scenario-file.js';
import { Scenario } from '../../../src/scenario/scenario.js';
import { silentLog } from '../../meter-fixtures.js';

const registry = builtinDeviceTypes();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function problemsOf(text: string): readonly string[] {
  try {
    parseScenario(text, registry);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const BANK = `
name: lockers
devices:
  - type: lock-board
    id: bank-a
    tcp: { port: 0 }
    baud: 9600
    boards:
      - address: 0
        items: [1, 2]
        faults:
          - { mode: stuck-lock, lock: 3, atMs: 0 }
      - address: 1
        faults:
          - { mode: silent, atMs: 5000, durationMs: 1000 }
          - { mode: bad-checksum, replies: 2, atMs: 8000 }
    faults:
      - { mode: disconnect, atMs: 60000, durationMs: 0 }
`;

describe('type: lock-board', () => {
  it('parses a bank with its boards, items and faults, defaults filled in', () => {
    const plan = parseScenario(BANK, registry);
    const [device] = plan.devices;
    expect(device?.type).toBe('lock-board');
    expect(device?.entry).toMatchObject({
      id: 'bank-a',
      tcp: { host: '127.0.0.1', port: 0 },
      baud: 9600,
      parity: 'none',
      stopBits: 1,
      timing: true,
      turnaroundMs: 2,
      springMs: 50,
      boards: [
        { address: 0, items: [1, 2], faults: [{ mode: 'stuck-lock', lock: 3, atMs: 0 }] },
        { address: 1, items: [] },
      ],
      faults: [{ mode: 'disconnect', atMs: 60000, durationMs: 0 }],
    });
  });

  it('starts from a scenario with the initial items and scheduled faults', async () => {
    const clock = new ManualClock(0);
    const scenario = new Scenario(parseScenario(BANK, registry), { clock, log: silentLog });
    cleanups.push(() => scenario.stop());
    const [running] = await scenario.start();
    expect(running?.endpoints).toEqual([
      { transport: 'tcp', host: '127.0.0.1', port: expect.any(Number) as number },
    ]);
    const bank = scenario.device('bank-a');
    if (!(bank instanceof LockBoardBank)) throw new Error('expected a LockBoardBank');
    expect(bank.hasItem(0, 1)).toBe(true);
    expect(bank.hasItem(0, 3)).toBe(false);
    await clock.advance(0);
    expect(bank.board(0).faults.stuckLocks).toEqual([3]);
    await clock.advance(5_000);
    expect(bank.board(1).faults.silent).toBe(true);
  });

  it('reports problems at their paths and lines', () => {
    expect(
      problemsOf(`devices:
  - type: lock-board
    id: bank-a
    tcp: {}
    boards:
      - address: 0
        items: [16]
        faults:
          - { mode: stuck-lock, atMs: 0 }
    parity: mark
`),
    ).toEqual([
      'devices[0].boards[0].items[0]: a lock 0-15 (line 7)',
      'devices[0].boards[0].faults[0].lock: Invalid input: expected number, received undefined (line 9)',
      'devices[0].parity: Invalid option: expected one of "none"|"even"|"odd" (line 10)',
    ]);
  });

  it('checks the transports and the board addresses once the fields are valid', () => {
    expect(
      problemsOf(`devices:
  - type: lock-board
    id: bank-a
    peer: /tmp/agent
    boards:
      - address: 0
      - address: 0
`),
    ).toEqual([
      'devices[0].tcp: give tcp (a gateway), pty (socat is started), serial (an existing device), or tcp with one of them (line 2)',
      'devices[0].peer: peer goes with serial only (line 4)',
      'devices[0].boards[1].address: address 0 is already the address of boards[0] (line 7)',
    ]);
  });
});
