import { z } from 'zod';
import type { Clock } from '@hameau/protocol';
import type { AgentState } from '../../store/agent-state.js';

/** State key of the clock ms of the remote unlocks performed in the last day. */
export const REMOTE_UNLOCKS_KEY = 'locker.remoteUnlocks';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The caps on remote unlocks (`remoteUnlock` in the module's config). */
export interface RemoteUnlockLimits {
  readonly maxPerMinute: number;
  readonly maxPerDay: number;
}

/** Whether one more remote unlock may go ahead now. */
export type RemoteUnlockGrant =
  | { readonly ok: true }
  | { readonly ok: false; readonly window: 'minute' | 'day'; readonly limit: number };

const Stamps = z.array(z.number());

/**
 * The brake on remote unlocks: at most `maxPerMinute` in any sliding minute and `maxPerDay` in
 * any sliding 24 h, however many commands arrive. A compromised cloud or technician account can
 * then open only a handful of boxes before it is refused and the alarm raised (in 2020 one
 * opened 2,732 Moscow lockers in a night). The times are durable: a restart resets nothing.
 */
export class RemoteUnlockCap {
  readonly #limits: RemoteUnlockLimits;
  readonly #clock: Clock;
  readonly #state: AgentState;
  #stamps: number[];

  constructor(limits: RemoteUnlockLimits, clock: Clock, state: AgentState) {
    this.#limits = limits;
    this.#clock = clock;
    this.#state = state;
    this.#stamps = state.get(REMOTE_UNLOCKS_KEY, Stamps) ?? [];
  }

  /**
   * Takes one unlock from the caps and stores it durably, or says which cap refuses it. A
   * refusal takes nothing, so a flood of refused commands does not lock technicians out longer.
   */
  take(): RemoteUnlockGrant {
    const now = this.#clock.now();
    // A clock set back must not hide unlocks "from the future": they count until they age out.
    const recent = this.#stamps.filter((t) => now - t < DAY_MS);
    const lastMinute = recent.filter((t) => now - t < MINUTE_MS).length;
    if (lastMinute >= this.#limits.maxPerMinute) {
      return { ok: false, window: 'minute', limit: this.#limits.maxPerMinute };
    }
    if (recent.length >= this.#limits.maxPerDay) {
      return { ok: false, window: 'day', limit: this.#limits.maxPerDay };
    }
    const next = [...recent, now];
    this.#state.set(REMOTE_UNLOCKS_KEY, next);
    this.#stamps = next;
    return { ok: true };
  }

  /** The caps in force. */
  get limits(): RemoteUnlockLimits {
    return this.#limits;
  }

  /** Remote unlocks performed in the last minute. */
  inLastMinute(): number {
    const now = this.#clock.now();
    return this.#stamps.filter((t) => now - t < MINUTE_MS).length;
  }
}
