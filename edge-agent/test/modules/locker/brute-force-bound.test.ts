import { pino } from 'pino';
import { expect, it } from 'vitest';
import { ManualClock, PICKUP_CODE_DIGITS } from '@hameau/protocol';
import type { BoxView } from '../../../src/modules/locker/box-tracker.js';
import { CredentialStore } from '../../../src/modules/locker/credential-store.js';
import { LockerConfig } from '../../../src/modules/locker/locker-config.js';
import { LockerDesk, type BoxOpener } from '../../../src/modules/locker/locker-desk.js';
import { TerminalLockout } from '../../../src/modules/locker/terminal-lockout.js';
import { AgentState } from '../../../src/store/agent-state.js';
import { openAgentDb } from '../../../src/store/agent-db.js';
import { credentialSet, type CredentialSpec } from './credential-fixtures.js';

const log = pino({ level: 'silent' });
const DAY_MS = 86_400_000;
/** Boxes reserved at once, each with a live code: the attacker wins by guessing any of them. */
const RESERVED = 50;

/**
 * The brute-force bound of docs/lockers.md, by simulation rather than by formula: the real desk
 * and lockout with the configured defaults, on a manual clock, an attacker at every terminal
 * typing a fresh wrong code the instant the terminal takes one again, for 24 hours.
 */
it('bounds a day of guessing at every terminal below 1e-4, with the default configuration', async () => {
  const policy = LockerConfig.shape.lockout.parse(undefined);
  const terminals = LockerConfig.shape.terminals.parse(undefined);
  expect(policy).toEqual({ freeAttempts: 3, firstDelaySeconds: 30, maxDelaySeconds: 3600 });
  expect(terminals).toBe(2);

  const t0 = Date.UTC(2026, 0, 5, 21);
  const clock = new ManualClock(t0);
  const state = new AgentState(openAgentDb(':memory:'));
  const credentials = new CredentialStore(state, log);
  const live: CredentialSpec[] = Array.from({ length: RESERVED }, (_, i) => ({
    id: `cred-live-${String(i).padStart(3, '0')}`,
    box: i + 1,
    code: String(90_000_000 + i),
    validFrom: t0,
    expiresAt: t0 + DAY_MS,
  }));
  credentials.replace(credentialSet(1, live));
  const box: BoxView = { known: true, locked: true, itemPresent: true, busy: false };
  let opened = 0;
  const bank: BoxOpener = {
    inService: () => true,
    view: () => box,
    open: () => {
      opened++;
      return Promise.resolve('opened');
    },
  };
  const lockout = new TerminalLockout(policy, clock, state);
  const desk = new LockerDesk({
    credentials,
    clock,
    log,
    emit: () => undefined,
    bank: () => bank,
    lockout: () => lockout,
  });

  // Each terminal's next move: a guess the instant it takes codes again, and, one millisecond
  // before that, a probe it must refuse without checking (and without counting). Codes below
  // 90,000,000 are never issued.
  interface Move {
    readonly at: number;
    readonly probe: boolean;
  }
  const next = new Map<string, Move>(
    Array.from({ length: terminals }, (_, i) => [`terminal-${i}`, { at: t0, probe: false }]),
  );
  const checked = new Map([...next.keys()].map((t) => [t, 0]));
  let guess = 0;
  for (;;) {
    const [terminal, move] = [...next].reduce((a, b) => (b[1].at < a[1].at ? b : a));
    if (move.at >= t0 + DAY_MS) break;
    await clock.advanceTo(move.at);
    const outcome = await desk.submitCode(terminal, String(guess++).padStart(8, '0'));
    if (outcome.status !== 'rejected') throw new Error('a wrong code opened a box');
    if (move.probe) {
      expect(outcome.reason).toBe('locked-out');
      next.set(terminal, { at: move.at + 1, probe: false });
      continue;
    }
    expect(outcome.reason).toBe('unknown');
    checked.set(terminal, (checked.get(terminal) ?? 0) + 1);
    if (outcome.retryAfterSeconds === undefined) continue;
    next.set(terminal, { at: clock.now() + outcome.retryAfterSeconds * 1000 - 1, probe: true });
  }

  const perTerminal = [...checked.values()];
  // Every terminal gets the same: A, the attempts checked in 24 h.
  expect(new Set(perTerminal).size).toBe(1);
  const a = perTerminal[0] ?? 0;
  // docs/lockers.md works out A = 33 by hand: 4 at once, 6 more as the delay doubles from 30 s
  // to 1920 s (the 10th at 3,810 s), then one an hour from the 11th: 3,810 + 22 × 3,600 s.
  expect(a).toBe(33);
  const p = (terminals * a * RESERVED) / 10 ** PICKUP_CODE_DIGITS;
  expect(p).toBeLessThan(1e-4);
  expect(opened).toBe(0);
});
