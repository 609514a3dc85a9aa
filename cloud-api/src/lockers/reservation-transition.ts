import type { BoxState, ReservationState } from './locker.js';

/**
 * What can happen to a reservation: the agent reports a deposit or a pickup, the notifier
 * was told the parcel is ready, the sweeper finds it past its expiry, or a person cancels it.
 */
export type ReservationTrigger = 'deposit' | 'notify-ready' | 'pick-up' | 'expire' | 'cancel';

/** A move to another state; `same` when it is there already (a replay); `refused` otherwise. */
export type Transition =
  | { readonly kind: 'move'; readonly to: ReservationState }
  | { readonly kind: 'same' }
  | { readonly kind: 'refused' };

const move = (to: ReservationState): Transition => ({ kind: 'move', to });
const same: Transition = { kind: 'same' };
const refused: Transition = { kind: 'refused' };

/**
 * Every (state, trigger) pair. States only move forward, so replayed or reordered device events
 * are harmless: a deposit reported after its pickup is `same` (it is in the past already), and
 * a pickup reported before its deposit (the deposit message still in the agent's outbox) goes
 * straight to `picked-up`. A pickup after expiry is believed: the agent saw the parcel go (its
 * clock or an old credential set let the code through), and the box is empty.
 */
export const TRANSITIONS: Readonly<
  Record<ReservationState, Readonly<Record<ReservationTrigger, Transition>>>
> = {
  reserved: {
    deposit: move('deposited'),
    'notify-ready': refused,
    'pick-up': move('picked-up'),
    expire: move('expired'),
    cancel: move('cancelled'),
  },
  deposited: {
    deposit: same,
    'notify-ready': move('ready'),
    'pick-up': move('picked-up'),
    expire: move('expired'),
    cancel: refused,
  },
  ready: {
    deposit: same,
    'notify-ready': same,
    'pick-up': move('picked-up'),
    expire: move('expired'),
    cancel: refused,
  },
  'picked-up': {
    deposit: same,
    'notify-ready': refused,
    'pick-up': same,
    expire: refused,
    cancel: refused,
  },
  expired: {
    deposit: refused,
    'notify-ready': refused,
    'pick-up': move('picked-up'),
    expire: same,
    cancel: refused,
  },
  cancelled: {
    deposit: refused,
    'notify-ready': refused,
    'pick-up': refused,
    expire: refused,
    cancel: same,
  },
};

/** What `trigger` does to a reservation in `state`. */
export function transitionOf(state: ReservationState, trigger: ReservationTrigger): Transition {
  return TRANSITIONS[state][trigger];
}

/** The credentials a reservation in `state` has on its bank. */
export function credentialKindsOf(state: ReservationState): readonly ('dropoff' | 'pickup')[] {
  switch (state) {
    case 'reserved':
      return ['dropoff', 'pickup'];
    case 'deposited':
    case 'ready':
      return ['pickup'];
    case 'picked-up':
    case 'expired':
    case 'cancelled':
      return [];
  }
}

/** Whether moving from `from` to `to` changes the bank's credential set (a new version). */
export function changesCredentials(from: ReservationState, to: ReservationState): boolean {
  return credentialKindsOf(from).join() !== credentialKindsOf(to).join();
}

/**
 * The box state a move leaves behind, or null when the box stays as it is. A box is freed only
 * if the parcel is gone or never came; an expired parcel keeps its box `occupied` until the
 * merchant takes it back (docs/reservations.md).
 */
export function boxStateAfter(from: ReservationState, to: ReservationState): BoxState | null {
  switch (to) {
    case 'reserved':
      return 'reserved';
    case 'deposited':
      return 'occupied';
    case 'ready':
      return null;
    case 'picked-up':
    case 'cancelled':
      return 'available';
    case 'expired':
      return from === 'reserved' ? 'available' : null;
  }
}
