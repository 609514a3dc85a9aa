import { afterEach, describe, expect, it } from 'vitest';
import { LOCKER_LOCAL_KEYS, LockerConfig } from '../../../src/modules/locker/locker-config.js';
import { startAgent, startSim, type Sim } from './helpers/locker-rig.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const sim = await startSim([2]);
  cleanups.push(() => sim.stop());
  const agent = await startAgent(sim);
  cleanups.push(() => agent.stop());
  return { sim, agent };
}

type Agent = Awaited<ReturnType<typeof setup>>['agent'];

function desired(agent: Agent, sim: Sim, version: number, locker: Record<string, unknown>) {
  agent.runtime.onDesiredConfig(
    Buffer.from(
      JSON.stringify({
        version,
        issuedAt: new Date(sim.clock.now()).toISOString(),
        config: { modules: { locker } },
      }),
    ),
  );
}

async function unlock(sim: Sim, agent: Agent, box: number) {
  const sent = agent.command('unlock', { box, reason: 'resident locked out of box' });
  await sim.clock.advance(6_000);
  await agent.runtime.dispatcher.settled();
  return agent.results(sent).at(-1);
}

describe('a desired config from the cloud and the bank’s site.yaml-only keys', () => {
  it('cannot loosen the lockout nor raise the remote-unlock caps: site.yaml’s stay, reported', async () => {
    const { sim, agent } = await setup();
    // No wiring (the bank's buses and boxes are site.yaml's), a faster report (the cloud's to
    // set), and caps an attacker with the cloud would like.
    desired(agent, sim, 1, {
      reportSeconds: 10,
      lockout: { freeAttempts: 20, firstDelaySeconds: 1, maxDelaySeconds: 1 },
      remoteUnlock: { maxPerMinute: 60, maxPerDay: 10_000 },
    });
    // Applied, so the cloud sees the version running; what it could not change is named.
    expect(agent.runtime.applier.version).toBe(1);
    expect(agent.states.at(-1)).toMatchObject({
      configVersion: 1,
      modules: { locker: { ignoredKeys: ['lockout', 'remoteUnlock'] } },
    });
    expect(agent.states.at(-1)?.rejected).toBeUndefined();
    expect(agent.lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: "desired config sets local-only keys; site.yaml's values kept",
        version: 1,
        module: 'locker',
        keys: ['lockout', 'remoteUnlock'],
      }),
    );

    // The cloud's part runs: the bank restarted with it and reports every 10 s.
    const reportsBefore = agent.telemetry().length;
    await sim.clock.advance(31_000);
    expect(agent.telemetry().length - reportsBefore).toBeGreaterThanOrEqual(3);
    expect(agent.lines.some((l) => l['msg'] === 'locker restart failed')).toBe(false);

    // site.yaml's caps (the defaults): a fourth unlock in a minute is refused…
    for (const box of [1, 2, 3]) {
      expect(await unlock(sim, agent, box)).toMatchObject({ status: 'ok' });
    }
    expect(await unlock(sim, agent, 4)).toMatchObject({ error: { code: 'REFUSED' } });
    expect(agent.events().find((e) => e.type === 'remote-unlock-rate-exceeded')?.data).toEqual(
      expect.objectContaining({ limitPerMinute: 3 }),
    );
    // …and a terminal is locked out, for 30 s, at its fourth wrong code.
    const outcomes = [];
    for (const code of ['11111111', '22222222', '33333333', '44444444']) {
      outcomes.push(await agent.desk.submitCode('kiosk', code));
    }
    expect(outcomes.at(-1)).toEqual({
      status: 'rejected',
      reason: 'unknown',
      retryAfterSeconds: 30,
    });
  });

  it('reports nothing when the cloud spells out site.yaml’s own values', async () => {
    const { sim, agent } = await setup();
    desired(agent, sim, 1, {
      reportSeconds: 10,
      // The defaults site.yaml leaves implicit, written out: no conflict.
      lockout: { freeAttempts: 3, firstDelaySeconds: 30, maxDelaySeconds: 3_600 },
      terminals: 2,
    });
    expect(agent.states.at(-1)).toMatchObject({ configVersion: 1, modules: { locker: {} } });
    expect(agent.states.at(-1)?.modules['locker']).not.toHaveProperty('ignoredKeys');
  });

  it('names only keys of the locker’s schema', () => {
    for (const key of LOCKER_LOCAL_KEYS) expect(Object.keys(LockerConfig.shape)).toContain(key);
  });
});
