import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialSetPayload } from '@hameau/protocol';
import { CREDENTIALS_KEY } from '../../../src/modules/locker/credential-store.js';
import { useTempDirs } from '../../store/temp-dir.js';
import { credentialSet, type CredentialSpec } from './credential-fixtures.js';
import {
  HOUR,
  NINE_PM,
  addressOf,
  T0,
  startAgent,
  startSim,
  type AgentOptions,
  type Sim,
} from './helpers/locker-rig.js';

const tempDir = useTempDirs('hameau-locker-module-');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const pickup = (id: string, box: number, code: string): CredentialSpec => ({
  id,
  box,
  code,
  validFrom: NINE_PM,
  expiresAt: NINE_PM + 24 * HOUR,
});
const dropoff = (id: string, box: number, code: string): CredentialSpec => ({
  ...pickup(id, box, code),
  kind: 'dropoff',
  validFrom: T0 - HOUR,
});

const SPECS = [
  pickup('cred-pick-03', 3, '30303030'),
  pickup('cred-pick-04', 4, '40404040'),
  dropoff('cred-drop-05', 5, '50505050'),
  pickup('cred-pick-09', 9, '90909090'),
];

async function setup(options: AgentOptions & { items?: number[] } = {}) {
  const sim = await startSim(options.items ?? [3, 4, 9]);
  cleanups.push(() => sim.stop());
  const agent = await start(sim, options);
  agent.credentials(credentialSet(1, SPECS));
  return { sim, agent };
}

async function start(sim: Sim, options: AgentOptions = {}) {
  const agent = await startAgent(sim, options);
  const stop = agent.stop.bind(agent);
  let stopped: Promise<void> | null = null;
  const once = () => (stopped ??= stop());
  cleanups.push(once);
  return Object.assign(agent, { stop: once });
}

/** Types a code and lets the clock run until the outcome is known (door seen open, or not). */
async function type(
  sim: Sim,
  agent: { desk: { submitCode: (t: string, c: string) => Promise<unknown> } },
  code: string,
  terminal = 'kiosk',
) {
  const outcome = agent.desk.submitCode(terminal, code);
  await sim.clock.advance(1_000);
  return outcome;
}

describe('the locker module on the simulated bank', () => {
  it('reads every board before it takes codes, and energises nothing at start', async () => {
    const { sim, agent } = await setup();
    expect(agent.status()).toEqual({ state: 'running' });
    expect(agent.desk.inService()).toBe(true);
    await sim.clock.advance(5_000);
    expect(sim.bank.unlocks).toEqual([]);
    expect(agent.types()).toEqual([]);
  });

  it('runs a pickup: the code opens its box once, and emptying and closing it completes the pickup', async () => {
    const { sim, agent } = await setup();
    await sim.clock.advanceTo(NINE_PM);
    await expect(type(sim, agent, '30303030')).resolves.toEqual({
      status: 'opened',
      box: 3,
      kind: 'pickup',
    });
    expect(sim.unlockedBoxes()).toEqual([3]);
    expect(sim.isLocked(3)).toBe(false);
    sim.remove(3);
    sim.close(3);
    await sim.clock.advance(1_000);
    expect(agent.events().map((e) => [e.type, e.severity, e.subject, e.data])).toEqual([
      [
        'code-accepted',
        'info',
        '3',
        { box: 3, credential: 'cred-pick-03', kind: 'pickup', terminal: 'kiosk' },
      ],
      ['door-opened', 'info', '3', { box: 3, by: 'pickup' }],
      ['item-removed', 'info', '3', { box: 3 }],
      ['door-closed', 'info', '3', { box: 3, itemPresent: false }],
      ['parcel-picked-up', 'info', '3', { box: 3, credential: 'cred-pick-03' }],
    ]);
    await expect(type(sim, agent, '30303030')).resolves.toEqual({
      status: 'rejected',
      reason: 'used',
    });
    expect(sim.unlockedBoxes()).toEqual([3]);
  });

  it('warns when the box is closed after a pickup with the item still inside', async () => {
    const { sim, agent } = await setup();
    await sim.clock.advanceTo(NINE_PM);
    await type(sim, agent, '40404040');
    sim.close(4);
    await sim.clock.advance(1_000);
    expect(agent.events().at(-1)).toEqual({
      type: 'item-left-after-pickup',
      severity: 'warning',
      subject: '4',
      data: { box: 4, credential: 'cred-pick-04' },
    });
  });

  it('runs a drop-off: closing the door on an item deposits the parcel', async () => {
    const { sim, agent } = await setup();
    await expect(type(sim, agent, '50505050', 'keypad')).resolves.toEqual({
      status: 'opened',
      box: 5,
      kind: 'dropoff',
    });
    sim.place(5);
    sim.close(5);
    await sim.clock.advance(1_000);
    expect(agent.types()).toEqual([
      'code-accepted',
      'door-opened',
      'item-placed',
      'door-closed',
      'parcel-deposited',
    ]);
    expect(agent.events().at(-1)?.data).toEqual({ box: 5, credential: 'cred-drop-05' });
  });

  it('says not-ready for a pickup whose box is empty, and not-yet-valid before 21:00', async () => {
    const { sim, agent } = await setup({ items: [3] });
    await expect(type(sim, agent, '30303030')).resolves.toMatchObject({ reason: 'not-yet-valid' });
    await sim.clock.advanceTo(NINE_PM);
    await expect(type(sim, agent, '40404040')).resolves.toMatchObject({ reason: 'not-ready' });
    expect(sim.bank.unlocks).toEqual([]);
    expect(agent.events().map((e) => [e.type, e.severity, e.data['reason']])).toEqual([
      ['code-rejected', 'info', 'not-yet-valid'],
      ['code-rejected', 'info', 'not-ready'],
    ]);
  });

  it('raises door-forced when a door opens with no code or command', async () => {
    const { sim, agent } = await setup();
    sim.forceOpen(7);
    await sim.clock.advance(1_000);
    expect(agent.events().map((e) => [e.type, e.severity, e.data])).toEqual([
      ['door-opened', 'info', { box: 7, by: 'none' }],
      ['door-forced', 'alarm', { box: 7 }],
    ]);
  });

  it('raises door-left-open once per opening, after doorOpenAlarmMinutes', async () => {
    const { sim, agent } = await setup({ locker: { doorOpenAlarmMinutes: 2 } });
    await sim.clock.advanceTo(NINE_PM);
    await type(sim, agent, '30303030');
    const left = () => agent.events().filter((e) => e.type === 'door-left-open');
    await sim.clock.advance(110_000);
    expect(left()).toEqual([]);
    await sim.clock.advance(10_000);
    expect(left()).toEqual([
      {
        type: 'door-left-open',
        severity: 'alarm',
        subject: '3',
        data: { box: 3, openSeconds: 120 },
      },
    ]);
    await sim.clock.advance(600_000);
    expect(left()).toHaveLength(1);
    // A new opening (forced, this time) is watched afresh.
    sim.close(3);
    await sim.clock.advance(1_000);
    sim.forceOpen(3);
    await sim.clock.advance(121_000);
    expect(left()).toHaveLength(2);
  });

  it('raises lock-stuck when the door is not seen open, and releases the code (nobody got in)', async () => {
    const { sim, agent } = await setup();
    await sim.clock.advanceTo(NINE_PM);
    sim.bank.injectBoardFault(0, { mode: 'stuck-lock', lock: 2 });
    const outcome = agent.desk.submitCode('kiosk', '30303030');
    await sim.clock.advance(4_900);
    expect(agent.types()).not.toContain('lock-stuck');
    await sim.clock.advance(200);
    await expect(outcome).resolves.toEqual({ status: 'rejected', reason: 'out-of-service' });
    expect(agent.events().filter((e) => e.type === 'lock-stuck')).toEqual([
      { type: 'lock-stuck', severity: 'alarm', subject: '3', data: { box: 3 } },
    ]);
    expect(sim.bank.unlocks.map((u) => u.effect)).toEqual(['stuck']);
    // Repaired, the same code opens the box.
    sim.bank.clearBoardFaults(0);
    await expect(type(sim, agent, '30303030')).resolves.toMatchObject({ status: 'opened' });
    expect(sim.unlockedBoxes()).toEqual([3, 3]);
  });

  it('locks a terminal out after three wrong codes and warns; the other terminal still works', async () => {
    const { sim, agent } = await setup();
    await sim.clock.advanceTo(NINE_PM);
    for (const code of ['11111111', '22222222', '33333333']) {
      await expect(type(sim, agent, code)).resolves.toEqual({
        status: 'rejected',
        reason: 'unknown',
      });
    }
    await expect(type(sim, agent, '44444444')).resolves.toEqual({
      status: 'rejected',
      reason: 'unknown',
      retryAfterSeconds: 30,
    });
    const locked = agent.events().find((e) => e.type === 'terminal-locked-out');
    expect(locked).toMatchObject({ severity: 'warning', subject: 'kiosk', data: { failures: 4 } });
    await expect(type(sim, agent, '30303030')).resolves.toMatchObject({ reason: 'locked-out' });
    await expect(type(sim, agent, '30303030', 'keypad')).resolves.toMatchObject({
      status: 'opened',
    });
    expect(sim.unlockedBoxes()).toEqual([3]);
  });

  it('takes a board that stops answering out of service, with an alarm, until it recovers', async () => {
    const { sim, agent } = await setup();
    await sim.clock.advanceTo(NINE_PM);
    sim.bank.injectBoardFault(1, { mode: 'silent' });
    await sim.clock.advance(1_000);
    expect(agent.events().filter((e) => e.type.startsWith('board-'))).toEqual([
      {
        type: 'board-unreachable',
        severity: 'alarm',
        subject: 'main/1',
        data: { board: 1, reason: expect.stringContaining('no reply') as unknown },
      },
    ]);
    await expect(type(sim, agent, '90909090')).resolves.toMatchObject({ reason: 'out-of-service' });
    // Board 0 still works.
    await expect(type(sim, agent, '30303030')).resolves.toMatchObject({ status: 'opened' });
    sim.bank.clearBoardFaults(1);
    await sim.clock.advance(1_000);
    expect(agent.types()).toContain('board-recovered');
    await expect(type(sim, agent, '90909090')).resolves.toMatchObject({ status: 'opened' });
    expect(sim.unlockedBoxes()).toEqual([3, 9]);
  });

  it('reconciles with the boards after a restart: a door forced meanwhile is raised, a pickup finishes', async () => {
    const dbPath = join(tempDir(), 'agent.db');
    const { sim, agent } = await setup({ dbPath });
    await sim.clock.advanceTo(NINE_PM);
    await type(sim, agent, '30303030');
    const before = agent.events().length;
    await agent.stop();

    // While the agent is down: box 7 is forced, the resident empties box 3 and shuts it.
    sim.forceOpen(7);
    sim.remove(3);
    sim.close(3);
    await sim.clock.advance(60_000);

    const again = await start(sim, { dbPath });
    await sim.clock.advance(1_000);
    const after = again.events().slice(before);
    expect(after.map((e) => [e.type, e.data])).toEqual([
      ['item-removed', { box: 3 }],
      ['door-closed', { box: 3, itemPresent: false }],
      ['parcel-picked-up', { box: 3, credential: 'cred-pick-03' }],
      ['door-opened', { box: 7, by: 'none' }],
      ['door-forced', { box: 7 }],
    ]);
    expect(sim.unlockedBoxes()).toEqual([3]);
  });

  it('works offline: codes from the stored set open boxes after a restart with no link, events wait in the outbox', async () => {
    const dbPath = join(tempDir(), 'agent.db');
    const { sim, agent } = await setup({ dbPath });
    await agent.stop();

    // No MQTT link at all: the set is the one stored before.
    const offline = await start(sim, { dbPath });
    await sim.clock.advanceTo(NINE_PM);
    await expect(type(sim, offline, '90909090')).resolves.toEqual({
      status: 'opened',
      box: 9,
      kind: 'pickup',
    });
    sim.remove(9);
    sim.close(9);
    await sim.clock.advance(1_000);
    expect(offline.types()).toEqual([
      'code-accepted',
      'door-opened',
      'item-removed',
      'door-closed',
      'parcel-picked-up',
    ]);
    expect(offline.outbox.stats().depth).toBeGreaterThanOrEqual(5);
  });

  it('keeps the stored set when a set is invalid or not newer', async () => {
    const { sim, agent } = await setup();
    await sim.clock.advanceTo(NINE_PM);
    agent.credentials('{"version": 9, "credentials": "nope"}');
    agent.credentials(credentialSet(1, [pickup('cred-pick-other', 4, '12121212')]));
    expect(
      agent.lines.some(
        (l) => l['msg'] === 'invalid credential set; the previous one stays in force',
      ),
    ).toBe(true);
    await expect(type(sim, agent, '12121212')).resolves.toMatchObject({ reason: 'unknown' });
    await expect(type(sim, agent, '30303030')).resolves.toMatchObject({ status: 'opened' });
    // A newer set replaces it; the hash key is never logged.
    agent.credentials(credentialSet(2, [pickup('cred-pick-other', 4, '12121212')]));
    await expect(type(sim, agent, '12121212')).resolves.toMatchObject({ status: 'opened' });
    const key = credentialSet(1, []).hashKey;
    expect(JSON.stringify(agent.lines)).not.toContain(key);
    expect(agent.runtime.state.get(CREDENTIALS_KEY, credentialSetSchema())).toMatchObject({
      version: 2,
    });
  });

  it('reports the bank on the locker stream every reportSeconds', async () => {
    const { sim, agent } = await setup({ locker: { reportSeconds: 30 } });
    sim.forceOpen(6);
    await sim.clock.advance(30_000);
    expect(agent.telemetry().map((t) => [t.source, t.values])).toEqual([
      [
        'bank',
        {
          boxes: 12,
          occupied: 3,
          doors_open: 1,
          boxes_unknown: 0,
          boards_unreachable: 0,
          active_credentials: 4,
        },
      ],
    ]);
  });
  it('keeps a code used when its board goes silent while the door opens, and learns the opening on recovery', async () => {
    const { sim, agent } = await setup();
    await sim.clock.advanceTo(NINE_PM);
    const outcome = agent.desk.submitCode('kiosk', '90909090');
    // The pulse is out and the door springs open; then the board falls silent before a poll.
    await sim.clock.advance(60);
    expect(sim.unlockedBoxes()).toEqual([9]);
    sim.bank.injectBoardFault(1, { mode: 'silent' });
    await sim.clock.advance(6_000);
    await expect(outcome).resolves.toEqual({ status: 'rejected', reason: 'out-of-service' });
    expect(agent.types()).not.toContain('lock-stuck');
    sim.bank.clearBoardFaults(1);
    await sim.clock.advance(1_000);
    expect(
      agent.events().filter((e) => e.type === 'door-opened' || e.type === 'door-forced'),
    ).toEqual([
      { type: 'door-opened', severity: 'info', subject: '9', data: { box: 9, by: 'pickup' } },
    ]);
    // Used once: the code does not open the box again.
    sim.remove(9);
    sim.close(9);
    await sim.clock.advance(1_000);
    expect(agent.types().at(-1)).toBe('parcel-picked-up');
    await expect(type(sim, agent, '90909090')).resolves.toMatchObject({ reason: 'used' });
    expect(sim.unlockedBoxes()).toEqual([9]);
  });

  it('restarts the bank on a new desired configuration, keeping codes and state', async () => {
    const { sim, agent } = await setup();
    await sim.clock.advanceTo(NINE_PM);
    await type(sim, agent, '30303030');
    agent.runtime.onDesiredConfig(
      Buffer.from(
        JSON.stringify({
          version: 1,
          issuedAt: new Date(sim.clock.now()).toISOString(),
          config: {
            modules: {
              locker: {
                buses: [
                  {
                    id: 'main',
                    transport: { type: 'tcp', host: 'gateway.invalid', port: 4001 },
                    boards: [0, 1],
                    pollMs: 100,
                  },
                ],
                boxes: Array.from({ length: 12 }, (_, i) => ({
                  number: i + 1,
                  bus: 'main',
                  ...addressOf(i + 1),
                  size: 'L',
                })),
                reportSeconds: 10,
              },
            },
          },
        }),
      ),
    );
    await sim.clock.advance(11_000);
    expect(agent.telemetry()).not.toEqual([]);
    expect(agent.lines.some((l) => l['msg'] === 'locker restart failed')).toBe(false);
    // The open door of box 3 is still the pickup's: closing it finishes the pickup.
    sim.remove(3);
    sim.close(3);
    await sim.clock.advance(1_000);
    expect(agent.types().at(-1)).toBe('parcel-picked-up');
    await expect(type(sim, agent, '30303030')).resolves.toMatchObject({ reason: 'used' });
    await expect(type(sim, agent, '40404040')).resolves.toMatchObject({ status: 'opened' });
  });

  it('serves the kiosk page when configured: a code posted there opens its box', async () => {
    const { sim, agent } = await setup({ locker: { kiosk: { port: 0, terminal: 'hall' } } });
    await sim.clock.advanceTo(NINE_PM);
    const served = agent.lines.find((l) => l['msg'] === 'kiosk page served');
    const url = String(served?.['url']);
    const response = fetch(new URL('/api/code', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: '30303030' }),
    });
    const state = { done: false };
    void response.finally(() => {
      state.done = true;
    });
    // Real I/O on one side, the manual clock on the other: step both until the answer comes.
    for (let i = 0; i < 200 && !state.done; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await sim.clock.advance(100);
    }
    const answer = await response;
    await expect(answer.json()).resolves.toEqual({ status: 'opened', box: 3, kind: 'pickup' });
    expect(agent.events()[0]).toMatchObject({ type: 'code-accepted', data: { terminal: 'hall' } });
  });
});

function credentialSetSchema() {
  return CredentialSetPayload;
}
