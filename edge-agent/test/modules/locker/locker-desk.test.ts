import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ManualClock, type LockerEventType } from '@hameau/protocol';
import type { BoxView } from '../../../src/modules/locker/box-tracker.js';
import { CredentialStore } from '../../../src/modules/locker/credential-store.js';
import {
  LockerDesk,
  type BoxOpener,
  type OpenAttempt,
} from '../../../src/modules/locker/locker-desk.js';
import type { LockerEmit } from '../../../src/modules/locker/locker-events.js';
import { TerminalLockout } from '../../../src/modules/locker/terminal-lockout.js';
import { AgentState } from '../../../src/store/agent-state.js';
import { openAgentDb } from '../../../src/store/agent-db.js';
import { credentialSet, type CredentialSpec } from './credential-fixtures.js';

const log = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 0, 5, 21);
const HOUR = 3_600_000;
const POLICY = { freeAttempts: 3, firstDelaySeconds: 30, maxDelaySeconds: 3600 };

/** A bank whose boxes are plain data; `open` answers `answer` and records the call. */
class FakeBank implements BoxOpener {
  readonly boxes = new Map<number, BoxView>();
  readonly opened: { box: number; by: string; credential: string }[] = [];
  answer: OpenAttempt = 'opened';
  service = true;

  inService(): boolean {
    return this.service;
  }
  view(box: number): BoxView | undefined {
    return this.boxes.get(box);
  }
  open(box: number, by: string, credential: string, announce: () => void): Promise<OpenAttempt> {
    this.opened.push({ box, by, credential });
    announce();
    return Promise.resolve(this.answer);
  }
}

const ready: BoxView = { known: true, locked: true, itemPresent: true, busy: false };

function setup(specs: readonly CredentialSpec[]) {
  const clock = new ManualClock(T0);
  const state = new AgentState(openAgentDb(':memory:'));
  const credentials = new CredentialStore(state, log);
  credentials.replace(credentialSet(1, specs));
  const lockout = new TerminalLockout(POLICY, clock, state);
  const bank = new FakeBank();
  for (const s of specs) bank.boxes.set(s.box, ready);
  const events: { type: LockerEventType; subject: string; data: unknown }[] = [];
  const emit: LockerEmit = (type, subject, data) => {
    events.push({ type, subject, data });
  };
  const desk = new LockerDesk({
    credentials,
    clock,
    emit,
    log,
    bank: () => bank,
    lockout: () => lockout,
  });
  return { clock, credentials, lockout, bank, events, desk };
}

const pickup = (id: string, box: number, code: string): CredentialSpec => ({
  id,
  box,
  code,
  validFrom: T0,
  expiresAt: T0 + 12 * HOUR,
});

describe('LockerDesk', () => {
  it('opens the box of a valid code, marks the code used (with the bank’s expectation) before the pulse, and resets the terminal', async () => {
    const s = setup([pickup('cred-aaaa01', 7, '12345678')]);
    s.lockout.fail('kiosk');
    let usedWhenOpened: boolean | null = null;
    s.bank.open = (box, by, credential, announce) => {
      // The bank runs `announce` with its expectation, then pulses the lock.
      expect(s.credentials.isUsed(credential)).toBe(false);
      announce();
      usedWhenOpened = s.credentials.isUsed(credential);
      s.bank.opened.push({ box, by, credential });
      return Promise.resolve('opened');
    };
    await expect(s.desk.submitCode('kiosk', '12345678')).resolves.toEqual({
      status: 'opened',
      box: 7,
      kind: 'pickup',
    });
    expect(usedWhenOpened).toBe(true);
    expect(s.bank.opened).toEqual([{ box: 7, by: 'pickup', credential: 'cred-aaaa01' }]);
    expect(s.events).toEqual([
      {
        type: 'code-accepted',
        subject: '7',
        data: { box: 7, credential: 'cred-aaaa01', kind: 'pickup', terminal: 'kiosk' },
      },
    ]);
    expect(s.lockout.failures('kiosk')).toBe(0);
    // Once only.
    await expect(s.desk.submitCode('kiosk', '12345678')).resolves.toEqual({
      status: 'rejected',
      reason: 'used',
    });
    expect(s.bank.opened).toHaveLength(1);
  });

  it('says why a code opens nothing, emits code-rejected without the code, and opens nothing', async () => {
    const s = setup([
      pickup('cred-used01', 1, '11111111'),
      { ...pickup('cred-late01', 2, '22222222'), validFrom: T0 + HOUR },
      { ...pickup('cred-expd01', 3, '33333333'), validFrom: T0 - 2 * HOUR, expiresAt: T0 },
      pickup('cred-empt01', 4, '44444444'),
      pickup('cred-blnd01', 5, '55555555'),
      pickup('cred-open01', 6, '66666666'),
      pickup('cred-nobx01', 99, '99999999'),
    ]);
    s.credentials.markUsed('cred-used01', T0 - 1);
    s.bank.boxes.set(4, { ...ready, itemPresent: false });
    s.bank.boxes.set(5, { ...ready, known: false });
    s.bank.boxes.set(6, { ...ready, locked: false });
    s.bank.boxes.delete(99);
    const reasons = [];
    let terminal = 0;
    for (const code of [
      '00000000',
      '1234',
      '11111111',
      '22222222',
      '33333333',
      '44444444',
      '55555555',
      '66666666',
      '99999999',
    ]) {
      // Another terminal each time, so no lockout gets in the way.
      const outcome = await s.desk.submitCode(`terminal-${String(terminal++)}`, code);
      reasons.push(outcome.status === 'rejected' ? outcome.reason : outcome.status);
    }
    expect(reasons).toEqual([
      'unknown',
      'unknown',
      'used',
      'not-yet-valid',
      'expired',
      'not-ready',
      'out-of-service',
      'out-of-service',
      'out-of-service',
    ]);
    expect(s.bank.opened).toEqual([]);
    expect(s.events.map((e) => e.type)).toEqual(Array(9).fill('code-rejected'));
    expect(JSON.stringify(s.events)).not.toMatch(/1111|2222|3333|4444|5555|6666|9999|1234/);
  });

  it('accepts a drop-off code for an empty box', async () => {
    const s = setup([{ ...pickup('cred-drop01', 3, '31313131'), kind: 'dropoff' }]);
    s.bank.boxes.set(3, { ...ready, itemPresent: false });
    await expect(s.desk.submitCode('keypad', '31313131')).resolves.toEqual({
      status: 'opened',
      box: 3,
      kind: 'dropoff',
    });
  });

  it('counts unknown, used and expired codes only, and locks the terminal out after the free attempts', async () => {
    const s = setup([
      pickup('cred-used01', 1, '11111111'),
      { ...pickup('cred-late01', 2, '22222222'), validFrom: T0 + HOUR },
    ]);
    s.credentials.markUsed('cred-used01', T0 - 1);
    // Not-yet-valid is timing, not guessing: it does not count.
    for (let i = 0; i < 5; i++) await s.desk.submitCode('kiosk', '22222222');
    expect(s.lockout.failures('kiosk')).toBe(0);
    await s.desk.submitCode('kiosk', '11111111');
    await s.desk.submitCode('kiosk', '00000001');
    await s.desk.submitCode('kiosk', '00000002');
    const fourth = await s.desk.submitCode('kiosk', '00000003');
    expect(fourth).toEqual({ status: 'rejected', reason: 'unknown', retryAfterSeconds: 30 });
    expect(s.events.filter((e) => e.type === 'terminal-locked-out')).toEqual([
      {
        type: 'terminal-locked-out',
        subject: 'kiosk',
        data: { terminal: 'kiosk', failures: 4, until: new Date(T0 + 30_000).toISOString() },
      },
    ]);
  });

  it('checks the lockout first: a locked terminal does not even hash the code', async () => {
    const s = setup([pickup('cred-aaaa01', 7, '12345678')]);
    for (let i = 0; i < 4; i++) await s.desk.submitCode('kiosk', '00000000');
    const find = vi.spyOn(s.credentials, 'find');
    await s.clock.advance(10_000);
    await expect(s.desk.submitCode('kiosk', '12345678')).resolves.toEqual({
      status: 'rejected',
      reason: 'locked-out',
      retryAfterSeconds: 20,
    });
    expect(find).not.toHaveBeenCalled();
    expect(s.bank.opened).toEqual([]);
    expect(s.events.at(-1)).toMatchObject({
      type: 'code-rejected',
      data: { reason: 'locked-out' },
    });
    // Waiting does not count as failing: the lockout did not grow.
    expect(s.lockout.failures('kiosk')).toBe(4);
    await s.clock.advance(20_000);
    await expect(s.desk.submitCode('kiosk', '12345678')).resolves.toMatchObject({
      status: 'opened',
    });
  });

  it('releases the code when the unlock could not be sent or the lock was found stuck', async () => {
    const s = setup([pickup('cred-aaaa01', 7, '12345678')]);
    s.bank.answer = 'failed';
    await expect(s.desk.submitCode('kiosk', '12345678')).resolves.toEqual({
      status: 'rejected',
      reason: 'out-of-service',
    });
    expect(s.credentials.isUsed('cred-aaaa01')).toBe(false);
    s.bank.answer = 'opened';
    await expect(s.desk.submitCode('kiosk', '12345678')).resolves.toMatchObject({
      status: 'opened',
    });
  });

  it('keeps the code used when the board went silent while the door was opening', async () => {
    const s = setup([pickup('cred-aaaa01', 7, '12345678')]);
    s.bank.answer = 'unknown';
    await expect(s.desk.submitCode('kiosk', '12345678')).resolves.toEqual({
      status: 'rejected',
      reason: 'out-of-service',
    });
    expect(s.credentials.isUsed('cred-aaaa01')).toBe(true);
  });

  it('takes no code while the bank is out of service, and does not count it', async () => {
    const s = setup([pickup('cred-aaaa01', 7, '12345678')]);
    s.bank.service = false;
    expect(s.desk.inService()).toBe(false);
    for (let i = 0; i < 6; i++) {
      await expect(s.desk.submitCode('kiosk', '00000000')).resolves.toEqual({
        status: 'rejected',
        reason: 'out-of-service',
      });
    }
    expect(s.lockout.failures('kiosk')).toBe(0);
  });

  it('lets only one of two terminals typing the same code at once open the box', async () => {
    const s = setup([pickup('cred-aaaa01', 7, '12345678')]);
    const [a, b] = await Promise.all([
      s.desk.submitCode('kiosk', '12345678'),
      s.desk.submitCode('keypad', '12345678'),
    ]);
    expect([a.status, b.status].sort()).toEqual(['opened', 'rejected']);
    expect(s.bank.opened).toHaveLength(1);
  });

  it('never throws: a failure inside is a rejection', async () => {
    const s = setup([pickup('cred-aaaa01', 7, '12345678')]);
    s.bank.open = () => Promise.reject(new Error('boom'));
    await expect(s.desk.submitCode('kiosk', '12345678')).resolves.toEqual({
      status: 'rejected',
      reason: 'out-of-service',
    });
  });
});
