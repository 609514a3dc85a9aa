import type { Logger } from 'pino';
import {
  PickupCode,
  type Clock,
  type CodeRejection,
  type CredentialKind,
  type LockerCredential,
} from '@hameau/protocol';
import type { BoxView, OpenResult } from './box-tracker.js';
import type { CredentialStore } from './credential-store.js';
import type { LockerEmit } from './locker-events.js';
import type { PickupDesk, PickupOutcome } from './pickup-desk.js';
import type { TerminalLockout } from './terminal-lockout.js';

/** How opening a box went, beyond the tracker's answer. */
export type OpenAttempt =
  | OpenResult
  /** Refused before anything was energised: the board is unknown or the door not locked. */
  | 'unavailable'
  /** The unlock frame could not be sent; nothing was energised. */
  | 'failed';

/** The part of the bank the desk uses: what the boxes are, and opening one. */
export interface BoxOpener {
  inService(): boolean;
  view(box: number): BoxView | undefined;
  /**
   * Unlocks `box` for `by` and waits until its door is seen open or not; `announce` runs once
   * the opening is expected, just before the unlock is sent, and its durable writes commit with
   * that expectation. It does not run when the box cannot be opened (`unavailable`).
   */
  open(
    box: number,
    by: CredentialKind,
    credential: string,
    announce: () => void,
  ): Promise<OpenAttempt>;
}

/** What a desk works with. */
export interface LockerDeskOptions {
  readonly credentials: CredentialStore;
  /** The lockout of the configuration in force, or null while there is none. */
  readonly lockout: () => TerminalLockout | null;
  readonly clock: Clock;
  readonly emit: LockerEmit;
  readonly log: Logger;
  /** The bank in service now (it is replaced when the configuration changes), or null. */
  readonly bank: () => BoxOpener | null;
}

/** Rejections that count towards a terminal's lockout: guesses, not timing or hardware. */
const COUNTED: ReadonlySet<CodeRejection> = new Set(['unknown', 'used', 'expired']);

type Check = { ok: true; credential: LockerCredential } | { ok: false; reason: CodeRejection };

/**
 * The locker bank's code check, where the kiosk and keypad hand the codes they read. Everything
 * is local (the credential set is in the agent's state), so pickup works with the network down.
 * The terminal's lockout is checked before anything else, before the code is even hashed. A
 * valid code is recorded as used, durably, before its box is unlocked: a crash after that leaves
 * a used code and a closed box, never an open box and a code that opens it again.
 */
export class LockerDesk implements PickupDesk {
  readonly #o: LockerDeskOptions;

  constructor(options: LockerDeskOptions) {
    this.#o = options;
  }

  inService(): boolean {
    return this.#o.bank()?.inService() ?? false;
  }

  async submitCode(terminal: string, code: string): Promise<PickupOutcome> {
    try {
      return await this.#submit(terminal, code);
    } catch (err) {
      // Never throws (the interface's promise), and never opens on an error.
      this.#o.log.error({ err, terminal }, 'code check failed');
      return { status: 'rejected', reason: 'out-of-service' };
    }
  }

  async #submit(terminal: string, code: string): Promise<PickupOutcome> {
    const lockout = this.#o.lockout();
    const bank = this.#o.bank();
    if (lockout === null || bank === null) return this.#reject(terminal, 'out-of-service', null);
    const locked = lockout.check(terminal);
    if (locked.locked) {
      return this.#reject(terminal, 'locked-out', lockout, locked.retryAfterSeconds);
    }
    if (!bank.inService()) return this.#reject(terminal, 'out-of-service', lockout);

    const check = this.#check(code, bank);
    if (!check.ok) return this.#reject(terminal, check.reason, lockout);

    // From here to the unlock nothing awaits: a second terminal typing the same code at the
    // same moment finds it used.
    const { credential } = check;
    const result = await bank.open(credential.box, credential.kind, credential.id, () => {
      // Committed with the opening the bank expects, before the pulse (see LockerBank.open).
      lockout.succeed(terminal);
      this.#o.credentials.markUsed(credential.id, this.#o.clock.now());
      this.#o.emit('code-accepted', String(credential.box), {
        box: credential.box,
        credential: credential.id,
        kind: credential.kind,
        terminal,
      });
    });
    switch (result) {
      case 'opened':
        return { status: 'opened', box: credential.box, kind: credential.kind };
      case 'unavailable':
      case 'failed':
        // Nothing was energised: the code stays good for another try.
        this.#o.credentials.release(credential.id);
        return this.#reject(terminal, 'out-of-service', lockout);
      case 'stuck':
        // The tracker raised lock-stuck and released the credential.
        return this.#reject(terminal, 'out-of-service', lockout);
      case 'unknown':
        // The board went silent while the door was opening: it may have opened, so the code
        // stays used (once, rather than maybe twice).
        return this.#reject(terminal, 'out-of-service', lockout);
    }
  }

  /** Finds the credential `code` opens now, or the reason it opens nothing. */
  #check(code: string, bank: BoxOpener): Check {
    if (!PickupCode.safeParse(code).success) return { ok: false, reason: 'unknown' };
    const candidates = this.#o.credentials.find(code);
    let first: Check | null = null;
    for (const credential of candidates) {
      const check = this.#checkOne(credential, bank);
      if (check.ok) return check;
      first ??= check;
    }
    return first ?? { ok: false, reason: 'unknown' };
  }

  #checkOne(credential: LockerCredential, bank: BoxOpener): Check {
    const now = this.#o.clock.now();
    if (this.#o.credentials.isUsed(credential.id)) return { ok: false, reason: 'used' };
    if (now < Date.parse(credential.validFrom)) return { ok: false, reason: 'not-yet-valid' };
    if (now >= Date.parse(credential.expiresAt)) return { ok: false, reason: 'expired' };
    const box = bank.view(credential.box);
    if (!box?.known) return { ok: false, reason: 'out-of-service' };
    if (credential.kind === 'pickup' && !box.itemPresent) return { ok: false, reason: 'not-ready' };
    // An open door or an unlock under way: this box cannot be opened now.
    if (!box.locked || box.busy) return { ok: false, reason: 'out-of-service' };
    return { ok: true, credential };
  }

  /** Emits the rejection and counts it when it is a guess; a lockout it starts is announced. */
  #reject(
    terminal: string,
    reason: CodeRejection,
    lockout: TerminalLockout | null,
    retryAfter?: number,
  ): PickupOutcome {
    this.#o.emit('code-rejected', terminal, { terminal, reason });
    let retryAfterSeconds = retryAfter;
    if (lockout !== null && COUNTED.has(reason)) {
      const started = lockout.fail(terminal);
      if (started !== null) {
        this.#o.emit('terminal-locked-out', terminal, {
          terminal,
          failures: started.failures,
          until: new Date(started.until).toISOString(),
        });
        retryAfterSeconds = Math.ceil((started.until - this.#o.clock.now()) / 1000);
      }
    }
    return retryAfterSeconds === undefined
      ? { status: 'rejected', reason }
      : { status: 'rejected', reason, retryAfterSeconds };
  }
}
