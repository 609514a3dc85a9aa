import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultTown } from './fault-town.js';

/**
 * The fault tests: kill the broker, stop the API, kill -9 the agent while readings
 * stream, then check that every reading was stored exactly once: no seq missing, none twice.
 * Real programs and a real clock; each wait is for an outcome, never for a duration.
 */
describe('faults end to end: every reading stored exactly once', { timeout: 120_000 }, () => {
  let town: FaultTown;
  beforeEach(async () => {
    town = new FaultTown();
    await town.start();
  }, 120_000); // Four programs start, compiled on the fly, on a machine the other test files load too.
  afterEach(async () => {
    await town.close();
  });

  const waitFor = async (
    what: string,
    check: () => Promise<boolean> | boolean,
    timeout = 30_000,
  ) => {
    const deadline = Date.now() + timeout;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${town.logs()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  /** Waits until enough readings are stored past `floor`; returns how many are stored. */
  const readingsBeyond = async (floor: number) => {
    await waitFor(`readings beyond ${floor}`, async () => (await town.storedSeqs()).length > floor);
    return (await town.storedSeqs()).length;
  };

  /**
   * Stops the agent cleanly (its outbox kept), brings it back without its reading module so it
   * writes nothing new, and waits until the cloud has confirmed every record (a record leaves the
   * outbox only then) and ingestion has everything up to its last seq.
   */
  const drainAndCheck = async () => {
    await town.agent?.kill('SIGTERM');
    const { lastSeq } = town.agentOutbox();
    town.startAgent({ reading: false });
    await waitFor('the cloud to confirm every record', () => town.agentOutbox().depth === 0);
    await town.agent?.kill('SIGTERM');
    const final = town.agentOutbox().lastSeq;
    expect(final).toBeGreaterThanOrEqual(lastSeq);
    let ranges: [number, number][] = [];
    await waitFor(`ingestion of seqs 1..${final}`, async () => {
      ranges = await town.ingestedRanges();
      return JSON.stringify(ranges) === JSON.stringify([[1, final]]);
    }).catch(async (err: unknown) => {
      throw new Error(
        `${(err as Error).message}\ningested: ${JSON.stringify(ranges)}\n${await town.diagnostics()}`,
      );
    });
    const stored = await town.storedSeqs();
    // Stored readings have distinct seqs (a seq stored twice would appear twice here)...
    expect(new Set(stored).size).toBe(stored.length);
    // ...and every seq that is not a reading was another kind of message (an event).
    expect(stored.every((s) => s >= 1 && s <= final)).toBe(true);
    return { final, stored };
  };

  /** Nothing the agent handed out is missing from both the cloud's ledger and its outbox. */
  const expectNothingLost = async (when: string) => {
    expect(await town.lostSeqs(), `seqs lost ${when}\n${town.logs()}`).toEqual([]);
  };

  // SIGTERM, as `kill PID`, systemd and Docker stop a process: the broker closes cleanly. The
  // SIGKILL variant below is the harder case.
  it('survives the broker being killed and restarted', async () => {
    const before = await readingsBeyond(50);
    expect(await town.broker?.kill('SIGTERM'), town.logs()).toBe(0);
    // The agent goes on reading into its outbox while the broker is gone.
    const seqAtKill = town.agentOutbox().lastSeq;
    await new Promise((r) => setTimeout(r, 1000));
    expect(town.agentOutbox().lastSeq).toBeGreaterThan(seqAtKill);
    town.startBroker();
    await readingsBeyond(before + 100);
    const { final, stored } = await drainAndCheck();
    expect(stored.length).toBeGreaterThan(before + 100);
    expect(final).toBeGreaterThan(seqAtKill);
  });

  // aedes sends a QoS 1 PUBACK before it stores the message, so a broker killed outright may
  // lose what it just acknowledged. The agent keeps every record until the cloud confirms its
  // seq (decisions.md 17), so it still holds those and replays them after the reconnect.
  it('survives the broker being killed with SIGKILL and restarted', async () => {
    const before = await readingsBeyond(50);
    expect(await town.broker?.kill('SIGKILL'), town.logs()).toBe(null);
    const seqAtKill = town.agentOutbox().lastSeq;
    await expectNothingLost('right after the kill');
    await new Promise((r) => setTimeout(r, 1000));
    expect(town.agentOutbox().lastSeq).toBeGreaterThan(seqAtKill);
    town.startBroker();
    await readingsBeyond(before + 100);
    await expectNothingLost('after the restart');
    const { final, stored } = await drainAndCheck();
    expect(stored.length).toBeGreaterThan(before + 100);
    expect(final).toBeGreaterThan(seqAtKill);
  });

  it('survives the API being stopped and restarted', async () => {
    const before = await readingsBeyond(50);
    await town.stopApi();
    // The broker queues the cloud session's messages while the API is down.
    const seqAtStop = town.agentOutbox().lastSeq;
    await new Promise((r) => setTimeout(r, 1000));
    expect(town.agentOutbox().lastSeq).toBeGreaterThan(seqAtStop + 10);
    await town.startApi();
    await readingsBeyond(before + 100);
    await drainAndCheck();
  });

  it('survives the agent being killed with -9 in the middle of a burst', async () => {
    for (let round = 0; round < 3; round++) {
      const before = await readingsBeyond(50 * (round + 1));
      expect(await town.agent?.kill('SIGKILL')).toBe(null);
      town.startAgent();
      await readingsBeyond(before + 20);
    }
    await drainAndCheck();
  });
});
