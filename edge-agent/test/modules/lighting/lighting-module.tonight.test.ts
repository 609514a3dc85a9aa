import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NightSoFar, TelemetryPayload } from '@hameau/protocol';
import { useTempDirs } from '../../store/temp-dir.js';
import {
  HOUR,
  MINUTE,
  at,
  planOf,
  startAgent,
  startSim,
  type LightingAgent,
  type LightingSim,
} from './helpers/lighting-rig.js';

// The night so far on the `lighting` telemetry: from switch-on it rides on every report of the
// zone, growing, and the report at switch-off carries the night summary's figures; a restart
// mid-night counts on from what the ledger kept.

const tempDir = useTempDirs('hameau-lighting-tonight-');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(): Promise<LightingSim> {
  const s = await startSim();
  cleanups.push(() => s.stop());
  return s;
}

async function agentOn(s: LightingSim, dbPath?: string): Promise<LightingAgent> {
  const agent = await startAgent(s, dbPath === undefined ? {} : { dbPath });
  cleanups.push(() => agent.stop());
  await agent.idle();
  return agent;
}

/** The zone's reports that carry the night so far, with it. */
function nightReports(agent: LightingAgent, zone: string) {
  return agent
    .telemetry(zone)
    .filter((t): t is TelemetryPayload & { night: NightSoFar } => t.night !== undefined);
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

describe('the night so far on the lighting telemetry', () => {
  it('grows from switch-on, every report, and ends on the figures of the night summary', async () => {
    const s = await sim();
    const agent = await agentOn(s);
    const plan = planOf('rue-haute', '2026-01-15');
    const { switchOn, switchOff } = plan;
    if (switchOn === null || switchOff === null) throw new Error('no night');

    await s.clock.advanceTo(switchOn - MINUTE);
    expect(agent.telemetry('rue-haute').length).toBeGreaterThan(0);
    expect(nightReports(agent, 'rue-haute')).toEqual([]);

    await s.clock.advanceTo(at('2026-01-15T23:30:00+01:00'));
    const evening = nightReports(agent, 'rue-haute');
    // Every report since the first minute of the night carries it (one every 5 minutes or so).
    const since = agent.telemetry('rue-haute').filter((t) => Date.parse(t.at) > switchOn);
    expect(evening).toEqual(since);
    expect(evening.length).toBeGreaterThan(70);
    const first = evening[0]?.night;
    expect(first).toMatchObject({
      night: '2026-01-15',
      since: iso(switchOn),
      until: iso(switchOff),
      minLevel: 100,
    });
    for (let i = 1; i < evening.length; i++) {
      const [a, b] = [evening[i - 1]?.night, evening[i]?.night];
      expect(b?.energyWh).toBeGreaterThanOrEqual(a?.energyWh ?? Infinity);
      expect(b?.baselineWh).toBeGreaterThan(a?.baselineWh ?? Infinity);
      expect(b?.coveredHours).toBeGreaterThan(a?.coveredHours ?? Infinity);
    }
    const late = evening.at(-1);
    // 100 % until 23:00, then 60 %: the baseline is the same hours at 100 %, so 23:00 on saves.
    const hours = (Date.parse(late?.at ?? '') - switchOn) / HOUR;
    expect(late?.night.coveredHours).toBeCloseTo(hours, 1);
    expect(late?.night.minLevel).toBe(60);
    // Three 60 W lamps at full power: 180 W for every hour of the night so far.
    expect(late?.night.baselineWh).toBeCloseTo(180 * hours, -1);
    expect(late?.night.savingsPct).toBeGreaterThan(0);
    expect(late?.night.savingsPct).toBeCloseTo(
      (100 * ((late?.night.baselineWh ?? 0) - (late?.night.energyWh ?? 0))) /
        (late?.night.baselineWh ?? 1),
      0,
    );

    await s.clock.advanceTo(at('2026-01-16T10:00:00+01:00'));
    const [summary] = agent.events('night-summary').filter((e) => e.subject === 'rue-haute');
    const last = nightReports(agent, 'rue-haute').at(-1);
    expect(Date.parse(last?.at ?? '')).toBe(switchOff);
    expect(last?.night).toEqual({
      night: summary?.data['night'],
      since: iso(switchOn),
      until: iso(switchOff),
      energyWh: summary?.data['energyWh'],
      baselineWh: summary?.data['baselineWh'],
      savingsPct: summary?.data['savingsPct'],
      litHours: summary?.data['litHours'],
      minLevel: summary?.data['minLevel'],
      coveredHours: summary?.data['coveredHours'],
    });
    // By day, the reports go on without a night.
    const after = agent.telemetry('rue-haute').filter((t) => Date.parse(t.at) > switchOff);
    expect(after.length).toBeGreaterThan(10);
    expect(after.every((t) => t.night === undefined)).toBe(true);
  });

  it('counts on after a restart mid-night from what the ledger kept, less the time down', async () => {
    const s = await sim();
    const dbPath = join(tempDir(), 'agent.db');
    const first = await agentOn(s, dbPath);
    await s.clock.advanceTo(at('2026-01-15T23:31:00+01:00'));
    const before = nightReports(first, 'rue-haute').at(-1);
    if (before === undefined) throw new Error('no report of the night before the restart');
    await first.stop();

    // Two minutes down, then the same database.
    await s.clock.advanceTo(at('2026-01-15T23:33:00+01:00'));
    const second = await agentOn(s, dbPath);
    await s.clock.advanceTo(at('2026-01-16T00:30:00+01:00'));
    const reports = nightReports(second, 'rue-haute');
    const resumed = reports.filter((t) => t.seq > before.seq);
    expect(resumed.length).toBeGreaterThan(5);
    const firstAfter = resumed[0];
    // Not from zero: it starts from where the first agent was.
    expect(firstAfter?.night.energyWh).toBeGreaterThanOrEqual(before.night.energyWh);
    expect(firstAfter?.night.night).toBe('2026-01-15');
    const after = resumed.at(-1);
    const elapsed = Date.parse(after?.at ?? '') - Date.parse(before.at) - 2 * MINUTE;
    expect(after?.night.coveredHours).toBeCloseTo(before.night.coveredHours + elapsed / HOUR, 1);
    // All of it at 60 %: three lamps at 62.2 % of 60 W (docs: the typical LED curve).
    expect((after?.night.energyWh ?? 0) - before.night.energyWh).toBeCloseTo(
      112 * (elapsed / HOUR),
      -1,
    );

    await s.clock.advanceTo(at('2026-01-16T10:00:00+01:00'));
    const [summary] = second.events('night-summary').filter((e) => e.subject === 'rue-haute');
    const last = nightReports(second, 'rue-haute').at(-1);
    expect(last?.night.energyWh).toBe(summary?.data['energyWh']);
    expect(last?.night.coveredHours).toBe(summary?.data['coveredHours']);
    expect(summary?.data['coveredHours']).toBeLessThan(summary?.data['nightHours'] as number);
  });
});
