import { z } from 'zod';
import type { Clock } from '@hameau/protocol';
import type { AgentState } from '../../store/agent-state.js';

/** State key of every terminal's failures and lockout. */
export const LOCKOUT_KEY = 'locker.lockout';

/** How failures lock a terminal out (`lockout` in the module's config). */
export interface LockoutPolicy {
  /** Consecutive failures a terminal may make before any delay. */
  readonly freeAttempts: number;
  /** The first lockout; each further failure doubles it. */
  readonly firstDelaySeconds: number;
  /** The longest lockout. */
  readonly maxDelaySeconds: number;
}

const Terminals = z.record(
  z.string(),
  z.object({ failures: z.number().int().min(0), until: z.number() }),
);
type Terminals = z.infer<typeof Terminals>;

/** A terminal's answer to "may it take a code now?". */
export type LockoutCheck =
  | { readonly locked: false }
  | { readonly locked: true; readonly retryAfterSeconds: number; readonly until: number };

/** A lockout a failure just started. */
export interface Lockout {
  readonly failures: number;
  /** Clock ms when the terminal takes codes again. */
  readonly until: number;
}

/**
 * The lockout of code terminals, the brake on guessing codes. Each terminal counts its
 * consecutive failures; after `freeAttempts` of them every further failure locks it for
 * `firstDelaySeconds × 2^k` (k = 0, 1, 2…), capped at `maxDelaySeconds`. While it is locked it
 * takes no code at all. A success resets it. The counts survive restarts, so pulling the plug
 * does not reset an attacker's delay. docs/lockers.md derives the bound this puts on guessing.
 */
export class TerminalLockout {
  readonly #policy: LockoutPolicy;
  readonly #clock: Clock;
  readonly #state: AgentState;
  #terminals: Terminals;

  constructor(policy: LockoutPolicy, clock: Clock, state: AgentState) {
    this.#policy = policy;
    this.#clock = clock;
    this.#state = state;
    this.#terminals = state.get(LOCKOUT_KEY, Terminals) ?? {};
  }

  /** Whether `terminal` is locked out now, and for how long. */
  check(terminal: string): LockoutCheck {
    const until = this.#terminals[terminal]?.until ?? 0;
    const left = until - this.#clock.now();
    if (left <= 0) return { locked: false };
    return { locked: true, retryAfterSeconds: Math.ceil(left / 1000), until };
  }

  /** Consecutive failures of `terminal` so far. */
  failures(terminal: string): number {
    return this.#terminals[terminal]?.failures ?? 0;
  }

  /** Counts a failure; returns the lockout it starts, or null while attempts are still free. */
  fail(terminal: string): Lockout | null {
    const failures = this.failures(terminal) + 1;
    const delayMs = lockoutDelaySeconds(this.#policy, failures) * 1000;
    const until = delayMs > 0 ? this.#clock.now() + delayMs : 0;
    this.#save({ ...this.#terminals, [terminal]: { failures, until } });
    return delayMs > 0 ? { failures, until } : null;
  }

  /** A valid code: the terminal starts afresh. */
  succeed(terminal: string): void {
    if (!(terminal in this.#terminals)) return;
    const rest = { ...this.#terminals };
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a record keyed by terminal
    delete rest[terminal];
    this.#save(rest);
  }

  #save(next: Terminals): void {
    this.#state.set(LOCKOUT_KEY, next);
    this.#terminals = next;
  }
}

/** The lockout, in seconds, that the `failures`-th consecutive failure starts (0: none). */
export function lockoutDelaySeconds(policy: LockoutPolicy, failures: number): number {
  const k = failures - policy.freeAttempts - 1;
  if (k < 0) return 0;
  // 2^k overflows nothing below 2^1023; capping k keeps the product finite anyway.
  return Math.min(policy.maxDelaySeconds, policy.firstDelaySeconds * 2 ** Math.min(k, 64));
}
