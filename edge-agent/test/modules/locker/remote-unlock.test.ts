import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LockBoardBus } from '../../../src/modules/locker/board/lock-board-bus.js';
import { useTempDirs } from '../../store/temp-dir.js';
import { startAgent, startSim, type AgentOptions, type Sim } from './helpers/locker-rig.js';

const tempDir = useTempDirs('hameau-locker-remote-');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(sim: Sim, options: AgentOptions = {}) {
  const agent = await startAgent(sim, options);
  const stop = agent.stop.bind(agent);
  let stopped: Promise<void> | null = null;
  const once = () => (stopped ??= stop());
  cleanups.push(once);
  return Object.assign(agent, { stop: once });
}

async function setup(options: AgentOptions = {}) {
  const sim = await startSim([2]);
  cleanups.push(() => sim.stop());
  return { sim, agent: await start(sim, options) };
}

type Agent = Awaited<ReturnType<typeof start>>;

/** Sends `unlock` and lets the clock run until it is answered; returns its final result. */
async function unlock(sim: Sim, agent: Agent, box: number, id?: string) {
  const sent = agent.command('unlock', { box, reason: 'resident locked out of box' }, id);
  await sim.clock.advance(6_000);
  await agent.runtime.dispatcher.settled();
  return agent.results(sent).at(-1);
}

describe('the unlock command', () => {
  it('opens the box, audits who asked and why, and answers once the door is seen open', async () => {
    const { sim, agent } = await setup();
    const result = await unlock(sim, agent, 2, 'cmd-remote-0001');
    expect(result).toMatchObject({ status: 'ok', data: { box: 2, opened: true } });
    expect(agent.results('cmd-remote-0001').map((r) => r.status)).toEqual(['accepted', 'ok']);
    expect(sim.unlockedBoxes()).toEqual([2]);
    expect(agent.events().map((e) => [e.type, e.severity, e.data])).toEqual([
      [
        'remote-unlock',
        'info',
        {
          box: 2,
          command: 'cmd-remote-0001',
          issuedBy: 'tech-anna',
          reason: 'resident locked out of box',
        },
      ],
      ['door-opened', 'info', { box: 2, by: 'remote' }],
    ]);
  });

  it('answers INVALID_ARGS for a box the bank does not have, and energises nothing', async () => {
    const { sim, agent } = await setup();
    expect(await unlock(sim, agent, 40)).toMatchObject({
      status: 'error',
      error: { code: 'INVALID_ARGS', message: 'box 40 is not in this bank' },
    });
    expect(sim.bank.unlocks).toEqual([]);
  });

  it('answers HARDWARE_FAILURE when the board does not answer, and energises nothing', async () => {
    const { sim, agent } = await setup();
    sim.bank.injectBoardFault(1, { mode: 'silent' });
    await sim.clock.advance(1_000);
    expect(await unlock(sim, agent, 10)).toMatchObject({
      status: 'error',
      error: { code: 'HARDWARE_FAILURE' },
    });
    expect(sim.bank.unlocks).toEqual([]);
  });

  it('answers HARDWARE_FAILURE and raises lock-stuck when the door does not open', async () => {
    const { sim, agent } = await setup();
    sim.bank.injectBoardFault(0, { mode: 'stuck-lock', lock: 1 });
    expect(await unlock(sim, agent, 2)).toMatchObject({
      status: 'error',
      error: {
        code: 'HARDWARE_FAILURE',
        message: expect.stringContaining('lock stuck') as unknown,
      },
    });
    expect(agent.events().filter((e) => e.type === 'lock-stuck')).toMatchObject([
      { severity: 'alarm', data: { box: 2 } },
    ]);
  });

  it('refuses past maxPerMinute in a sliding minute, with an alarm, and counts across a restart', async () => {
    const dbPath = join(tempDir(), 'agent.db');
    const { sim, agent } = await setup({ dbPath });
    for (const box of [1, 2, 3]) {
      expect(await unlock(sim, agent, box)).toMatchObject({ status: 'ok' });
    }
    const fourth = await unlock(sim, agent, 4, 'cmd-remote-0004');
    expect(fourth).toMatchObject({ status: 'error', error: { code: 'REFUSED' } });
    expect(agent.events().filter((e) => e.type === 'remote-unlock-rate-exceeded')).toEqual([
      {
        type: 'remote-unlock-rate-exceeded',
        severity: 'alarm',
        subject: '4',
        data: { box: 4, command: 'cmd-remote-0004', limitPerMinute: 3 },
      },
    ]);
    expect(sim.unlockedBoxes()).toEqual([1, 2, 3]);

    // A restart does not reset the count.
    await agent.stop();
    const again = await start(sim, { dbPath });
    expect(await unlock(sim, again, 5)).toMatchObject({ error: { code: 'REFUSED' } });
    // A minute after the first: one more is allowed.
    await sim.clock.advance(60_000);
    expect(await unlock(sim, again, 5)).toMatchObject({ status: 'ok' });
    expect(sim.unlockedBoxes()).toEqual([1, 2, 3, 5]);
  });

  it('pulses the lock once for one command id delivered twice, even after a restart', async () => {
    const dbPath = join(tempDir(), 'agent.db');
    const { sim, agent } = await setup({ dbPath });
    agent.command('unlock', { box: 2, reason: 'parcel stuck' }, 'cmd-dup-000001');
    agent.command('unlock', { box: 2, reason: 'parcel stuck' }, 'cmd-dup-000001');
    await sim.clock.advance(6_000);
    await agent.runtime.dispatcher.settled();
    // A second delivery after the first finished is answered from the stored result.
    agent.command('unlock', { box: 2, reason: 'parcel stuck' }, 'cmd-dup-000001');
    await agent.runtime.dispatcher.settled();
    expect(sim.unlockedBoxes()).toEqual([2]);
    const statuses = agent
      .results('cmd-dup-000001')
      .map((r) => (r.status === 'error' ? r.error.code : r.status));
    expect(statuses).toEqual(['accepted', 'DUPLICATE', 'ok', 'ok']);
    sim.close(2);
    await sim.clock.advance(1_000);
    await agent.stop();

    const again = await start(sim, { dbPath });
    again.command('unlock', { box: 2, reason: 'parcel stuck' }, 'cmd-dup-000001');
    await sim.clock.advance(6_000);
    await again.runtime.dispatcher.settled();
    expect(sim.unlockedBoxes()).toEqual([2]);
    expect(again.results('cmd-dup-000001').at(-1)).toMatchObject({
      status: 'ok',
      data: { box: 2, opened: true },
    });
  });

  it('after a power cut between recording the command and pulsing the lock, never pulses it', async () => {
    const dbPath = join(tempDir(), 'agent.db');
    const sim = await startSim([2]);
    cleanups.push(() => sim.stop());
    let unlockCalled = false;
    // The power goes the moment the driver is asked to pulse: the frame never leaves.
    const cutAtUnlock = (bus: LockBoardBus): LockBoardBus =>
      Object.assign(Object.create(bus) as LockBoardBus, {
        start: () => bus.start(),
        stop: () => bus.stop(),
        readStatus: (board: number) => bus.readStatus(board),
        lastStatus: (board: number) => bus.lastStatus(board),
        subscribe: bus.subscribe.bind(bus),
        unlock: () => {
          unlockCalled = true;
          return new Promise<void>(() => undefined);
        },
      });
    const first = await startAgent(sim, { dbPath, wrapBus: cutAtUnlock });
    first.command('unlock', { box: 2, reason: 'parcel stuck' }, 'cmd-cut-000001');
    await sim.clock.advance(10);
    expect(unlockCalled).toBe(true);
    expect(first.results('cmd-cut-000001').map((r) => r.status)).toEqual(['accepted']);
    first.crash();

    await sim.clock.advance(30_000);
    const again = await start(sim, { dbPath });
    await sim.clock.advance(10_000);
    await again.runtime.dispatcher.settled();
    expect(sim.bank.unlocks).toEqual([]);
    expect(sim.isLocked(2)).toBe(true);
    expect(again.results('cmd-cut-000001').at(-1)).toMatchObject({
      status: 'error',
      error: { code: 'INTERNAL', message: expect.stringContaining('not retried') as unknown },
    });
    // The restarted bank took the box as it is (locked), raised nothing, and serves it again.
    expect(again.types()).toEqual(['remote-unlock']);
    expect(again.desk.inService()).toBe(true);
    expect(await unlock(sim, again, 2)).toMatchObject({ status: 'ok' });
    expect(sim.unlockedBoxes()).toEqual([2]);
  });
});
