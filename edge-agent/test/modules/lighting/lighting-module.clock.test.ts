import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { useTempDirs } from '../../store/temp-dir.js';
import { at, runUntil, startAgent, startSim } from './helpers/lighting-rig.js';

const tempDir = useTempDirs('hameau-lighting-clock-');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** systemd-timesyncd's flag file: created at the first synchronisation, touched at each. */
function syncFile(synced: boolean) {
  const path = join(tempDir(), 'synchronized');
  let syncs = 0;
  const sync = () => {
    writeFileSync(path, '');
    // A distinct mtime per synchronisation, as timesyncd's touches have.
    const t = new Date(Date.UTC(2026, 0, 1) + ++syncs * 1000);
    utimesSync(path, t, t);
  };
  if (synced) sync();
  return { path, sync };
}

async function setup(start: string, synced: boolean) {
  const file = syncFile(synced);
  const sim = await startSim(new ManualClock(at(start)));
  cleanups.push(() => sim.stop());
  const agent = await startAgent(sim, {
    lighting: { clock: { source: 'timesyncd', syncFile: file.path } },
  });
  cleanups.push(() => agent.stop());
  await agent.idle();
  return { sim, agent, file };
}

describe('the clock fail-safe', () => {
  it('goes to full light when the wall clock jumps, says so once, and comes back at the next synchronisation', async () => {
    const { sim, agent, file } = await setup('2026-01-15T23:25:00+01:00', true);
    await runUntil(sim, agent, at('2026-01-15T23:30:00+01:00'));
    expect(sim.node('rh-01').appliedLevel).toBe(60);
    expect(agent.events('clock-untrusted')).toEqual([]);

    // Someone sets the clock three hours ahead by hand.
    agent.wall.offsetMs = 3 * 3_600_000;
    await runUntil(sim, agent, at('2026-01-15T23:31:00+01:00'));
    expect(sim.levels()).toEqual({
      'rh-01': 100,
      'rh-02': 100,
      'rh-03': 100,
      'pe-01': 100,
      'pe-02': 100,
    });
    const reasons = agent.lighting().decisions.get('place')?.reasons ?? [];
    expect(reasons).toEqual([
      'failsafe: clock untrusted (wall time jumped +3 h 00 min against the monotonic clock)',
      'last known-good schedule at 23:31 (extrapolated by the monotonic clock): night',
      'night → 100 %',
    ]);
    expect(agent.events('level-changed').at(-1)?.data).toMatchObject({
      level: 100,
      previous: 60,
      mode: 'failsafe',
    });

    // Orders on wall time are refused meanwhile.
    const id = agent.command('override', { zones: 'all', level: 50, minutes: 10, reason: 'test' });
    await runUntil(sim, agent, at('2026-01-15T23:40:00+01:00'));
    expect(agent.results(id).at(-1)).toMatchObject({ status: 'error', error: { code: 'REFUSED' } });
    expect(sim.node('pe-02').appliedLevel).toBe(100);
    expect(agent.events('clock-untrusted')).toEqual([
      {
        type: 'clock-untrusted',
        severity: 'warning',
        subject: undefined,
        data: {
          reason: 'wall time jumped +3 h 00 min against the monotonic clock',
          estimatedNow: '2026-01-15T22:31:00.000Z',
        },
      },
    ]);

    // timesyncd sets the clock right again and touches its file.
    agent.wall.offsetMs = 0;
    file.sync();
    await runUntil(sim, agent, at('2026-01-15T23:41:00+01:00'));
    expect(sim.node('pe-02').appliedLevel).toBe(60);
    expect(agent.events('clock-trusted')).toHaveLength(1);
    expect(agent.events('level-changed').at(-1)?.data).toMatchObject({
      level: 60,
      previous: 100,
      mode: 'program',
    });
  });

  it('does not believe the clock before timesyncd has synchronised since boot: full light, even by day', async () => {
    const { sim, agent, file } = await setup('2026-01-16T12:00:00+01:00', false);
    await runUntil(sim, agent, at('2026-01-16T12:02:00+01:00'));
    expect(sim.node('rh-01').appliedLevel).toBe(100);
    expect(agent.events('clock-untrusted')).toMatchObject([
      { data: { reason: 'not synchronised since boot', estimatedNow: null } },
    ]);
    expect(agent.lighting().decisions.get('rue-haute')?.reasons).toEqual([
      'failsafe: clock untrusted (not synchronised since boot)',
      'no known-good decision and no light sensor → 100 %',
    ]);
    file.sync();
    await runUntil(sim, agent, at('2026-01-16T12:03:00+01:00'));
    expect(sim.node('rh-01').appliedLevel).toBe(0);
    expect(agent.events('clock-trusted')).toHaveLength(1);
  });

  it('with assume-synced, believes the clock at start and again a while after a jump', async () => {
    const sim = await startSim(new ManualClock(at('2026-01-15T23:25:00+01:00')));
    cleanups.push(() => sim.stop());
    const agent = await startAgent(sim, {
      lighting: { clock: { source: 'assume-synced', retrustMinutes: 5 } },
    });
    cleanups.push(() => agent.stop());
    await sim.clock.advanceTo(at('2026-01-15T23:30:00+01:00'));
    expect(sim.node('rh-01').appliedLevel).toBe(60);
    agent.wall.offsetMs = -2 * 3_600_000;
    await sim.clock.advanceTo(at('2026-01-15T23:31:00+01:00'));
    expect(sim.node('rh-01').appliedLevel).toBe(100);
    await sim.clock.advanceTo(at('2026-01-15T23:35:00+01:00'));
    expect(sim.node('rh-01').appliedLevel).toBe(100);
    // Five minutes on, the new time is believed: 21:36 by the wall clock, before 23:00.
    await sim.clock.advanceTo(at('2026-01-15T23:36:00+01:00'));
    expect(agent.events('clock-trusted')).toHaveLength(1);
    expect(agent.lighting().decisions.get('rue-haute')?.mode).toBe('program');
    expect(sim.node('rh-01').appliedLevel).toBe(100);
  });
});
