import { describe, expect, it } from 'vitest';
import { ReservationState } from '../../src/lockers/locker.js';
import {
  boxStateAfter,
  changesCredentials,
  credentialKindsOf,
  transitionOf,
  type ReservationTrigger,
} from '../../src/lockers/reservation-transition.js';

const TRIGGERS: readonly ReservationTrigger[] = [
  'deposit',
  'notify-ready',
  'pick-up',
  'expire',
  'cancel',
];

// Written out independently of the table in the source: each cell is `→state`, `same` or `no`.
const EXPECTED: Record<ReservationState, Record<ReservationTrigger, string>> = {
  reserved: {
    deposit: '→deposited',
    'notify-ready': 'no',
    'pick-up': '→picked-up',
    expire: '→expired',
    cancel: '→cancelled',
  },
  deposited: {
    deposit: 'same',
    'notify-ready': '→ready',
    'pick-up': '→picked-up',
    expire: '→expired',
    cancel: 'no',
  },
  ready: {
    deposit: 'same',
    'notify-ready': 'same',
    'pick-up': '→picked-up',
    expire: '→expired',
    cancel: 'no',
  },
  'picked-up': {
    deposit: 'same',
    'notify-ready': 'no',
    'pick-up': 'same',
    expire: 'no',
    cancel: 'no',
  },
  expired: {
    deposit: 'no',
    'notify-ready': 'no',
    'pick-up': '→picked-up',
    expire: 'same',
    cancel: 'no',
  },
  cancelled: {
    deposit: 'no',
    'notify-ready': 'no',
    'pick-up': 'no',
    expire: 'no',
    cancel: 'same',
  },
};

const cells = ReservationState.options.flatMap((state) =>
  TRIGGERS.map((trigger) => [state, trigger, EXPECTED[state][trigger]] as const),
);

describe('reservation transitions', () => {
  it.each(cells)('%s + %s → %s', (state, trigger, expected) => {
    const t = transitionOf(state, trigger);
    const got = t.kind === 'move' ? `→${t.to}` : t.kind === 'same' ? 'same' : 'no';
    expect(got).toBe(expected);
  });

  it('never moves a final state anywhere but a believed late pickup', () => {
    for (const state of ['picked-up', 'expired', 'cancelled'] as const) {
      const moves = TRIGGERS.map((tr) => transitionOf(state, tr)).filter((t) => t.kind === 'move');
      expect(moves).toEqual(state === 'expired' ? [{ kind: 'move', to: 'picked-up' }] : []);
    }
  });

  it('gives the credentials each state holds on the bank', () => {
    expect(credentialKindsOf('reserved')).toEqual(['dropoff', 'pickup']);
    expect(credentialKindsOf('deposited')).toEqual(['pickup']);
    expect(credentialKindsOf('ready')).toEqual(['pickup']);
    for (const s of ['picked-up', 'expired', 'cancelled'] as const) {
      expect(credentialKindsOf(s)).toEqual([]);
    }
  });

  it('bumps the credential set on every move that adds or drops a credential', () => {
    const moves = cells.flatMap(([state, trigger]) => {
      const t = transitionOf(state, trigger);
      return t.kind === 'move' ? [[state, t.to] as const] : [];
    });
    const unchanged = moves.filter(([from, to]) => !changesCredentials(from, to));
    // Ready keeps the pickup credential; an expired reservation had none left to drop.
    expect(unchanged).toEqual([
      ['deposited', 'ready'],
      ['expired', 'picked-up'],
    ]);
  });

  it('frees the box only when the parcel is gone or never came', () => {
    expect(boxStateAfter('reserved', 'deposited')).toBe('occupied');
    expect(boxStateAfter('deposited', 'ready')).toBeNull();
    expect(boxStateAfter('ready', 'picked-up')).toBe('available');
    expect(boxStateAfter('reserved', 'picked-up')).toBe('available');
    expect(boxStateAfter('reserved', 'cancelled')).toBe('available');
    expect(boxStateAfter('reserved', 'expired')).toBe('available');
    // An expired parcel stays in its box until the merchant takes it back.
    expect(boxStateAfter('deposited', 'expired')).toBeNull();
    expect(boxStateAfter('ready', 'expired')).toBeNull();
    expect(boxStateAfter('expired', 'picked-up')).toBe('available');
  });
});
