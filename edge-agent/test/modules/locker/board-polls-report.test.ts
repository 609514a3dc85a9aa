import { afterEach, describe, expect, it } from 'vitest';
import type { BoardPolls } from '@hameau/protocol';
import { startAgent, startSim, T0 } from './helpers/locker-rig.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The rig's driver polls every 100 ms; the bank reports every 5 s. */
const POLL_MS = 100;
const REPORT_MS = 5_000;

async function setup() {
  const sim = await startSim();
  cleanups.push(() => sim.stop());
  const agent = await startAgent(sim, { locker: { reportSeconds: REPORT_MS / 1000 } });
  cleanups.push(() => agent.stop());
  /** The boards of the newest bank report, by address. */
  const latest = (): Map<number, BoardPolls> => {
    const reports = agent.telemetry();
    const boards = reports.at(-1)?.boards ?? [];
    return new Map(boards.map((b) => [b.address, b]));
  };
  return { sim, agent, latest };
}

const timeOf = (b: BoardPolls | undefined) => (b?.lastOkAt == null ? NaN : Date.parse(b.lastOkAt));

describe('the locker bank report’s board polls', () => {
  it('says when each board last answered, and counts the polls it missed while silent', async () => {
    const { sim, agent, latest } = await setup();
    await sim.clock.advance(REPORT_MS);
    const first = latest();
    expect([...first.keys()]).toEqual([0, 1]);
    for (const board of first.values()) {
      expect(board).toMatchObject({ bus: 'main', failed: 0, lastError: null });
      // Polled all along: about one answer per poll period, the last one within a period.
      expect(board.ok).toBeGreaterThanOrEqual(REPORT_MS / POLL_MS - 2);
      expect(timeOf(board)).toBeGreaterThan(T0 + REPORT_MS - 2 * POLL_MS);
    }

    const silentFrom = sim.clock.now();
    sim.bank.injectBoardFault(1, { mode: 'silent' });
    await sim.clock.advance(REPORT_MS);
    const second = latest();
    // Board 1 last answered before it fell silent; board 0 goes on.
    expect(timeOf(second.get(1))).toBeLessThanOrEqual(silentFrom);
    expect(second.get(1)).toMatchObject({ lastError: 'timeout' });
    expect(second.get(1)?.failed).toBeGreaterThan(5);
    expect(timeOf(second.get(0))).toBeGreaterThan(silentFrom + REPORT_MS - 2 * POLL_MS);
    expect(second.get(0)).toMatchObject({ failed: 0, lastError: null });

    await sim.clock.advance(REPORT_MS);
    const third = latest();
    // Still silent: its last poll stays where it was, its failures go on counting.
    expect(third.get(1)?.lastOkAt).toBe(second.get(1)?.lastOkAt);
    expect(third.get(1)?.failed).toBeGreaterThan(second.get(1)?.failed ?? Infinity);
    expect(third.get(1)?.ok).toBe(second.get(1)?.ok);

    sim.bank.clearBoardFaults(1);
    await sim.clock.advance(REPORT_MS);
    const fourth = latest();
    expect(timeOf(fourth.get(1))).toBeGreaterThan(sim.clock.now() - 2 * POLL_MS);
    // The counts are since the agent started (no reset at a report): at most the poll in flight
    // when the fault cleared failed since; the last failure's kind stays known.
    const failedBefore = third.get(1)?.failed ?? NaN;
    expect(fourth.get(1)?.failed).toBeGreaterThanOrEqual(failedBefore);
    expect(fourth.get(1)?.failed).toBeLessThanOrEqual(failedBefore + 1);
    expect(fourth.get(1)?.lastError).toBe('timeout');
    expect(agent.telemetry()).toHaveLength(4);
  });
});
