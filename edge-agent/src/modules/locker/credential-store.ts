import type { Logger } from 'pino';
import { z } from 'zod';
import { CredentialSetPayload, type LockerCredential } from '@hameau/protocol';
import { hashPickupCode } from '@hameau/protocol/pickup-code';
import type { AgentState } from '../../store/agent-state.js';

/** State key of the credential set in force (the whole payload, hash key included). */
export const CREDENTIALS_KEY = 'locker.credentials';
/** State key of the credentials already used: id → clock ms of the use. */
export const USED_KEY = 'locker.used';

const UsedMap = z.record(z.string(), z.number());

/** What `replace` did with a set. */
export type ReplaceResult = 'replaced' | 'ignored';

/**
 * The credentials a locker bank holds, kept in the agent's durable state so pickup works with
 * the network down and across restarts. Codes never are: only their keyed hashes, indexed here.
 * A credential is used once; its use is stored durably before its box is unlocked and forgotten
 * when the cloud drops it from the set.
 */
export class CredentialStore {
  readonly #state: AgentState;
  readonly #log: Logger;
  #set: CredentialSetPayload | null = null;
  #key: Buffer | null = null;
  readonly #byHash = new Map<string, LockerCredential[]>();
  #used: Record<string, number> = {};

  constructor(state: AgentState, log: Logger) {
    this.#state = state;
    this.#log = log;
    const stored = state.get(CREDENTIALS_KEY, CredentialSetPayload);
    this.#used = state.get(USED_KEY, UsedMap) ?? {};
    if (stored !== undefined) this.#index(stored);
    // A crash between storing a set and pruning leaves stale uses; they are harmless but pruned.
    this.#prune();
  }

  /** The version of the set in force, or null before the first one. */
  get version(): number | null {
    return this.#set?.version ?? null;
  }

  /** Every credential in force. */
  all(): readonly LockerCredential[] {
    return this.#set?.credentials ?? [];
  }

  /**
   * Makes `set` the one in force if it is newer than the current one, storing it durably first;
   * an older or equal version is ignored (a retained message redelivered, a late duplicate).
   */
  replace(set: CredentialSetPayload): ReplaceResult {
    const current = this.version;
    if (current !== null && set.version <= current) return 'ignored';
    this.#state.set(CREDENTIALS_KEY, set);
    this.#index(set);
    this.#prune();
    return 'replaced';
  }

  /**
   * The credentials whose code is `code` (normally one; a cloud that issued one code twice gets
   * both, in set order). Empty when there is no set yet.
   */
  find(code: string): readonly LockerCredential[] {
    if (this.#key === null) return [];
    return this.#byHash.get(hashPickupCode(this.#key, code)) ?? [];
  }

  isUsed(id: string): boolean {
    return id in this.#used;
  }

  /** Records `id` as used, durably (committed before it returns). */
  markUsed(id: string, at: number): void {
    this.#used = { ...this.#used, [id]: at };
    this.#state.set(USED_KEY, this.#used);
  }

  /** Makes `id` usable again: its box was never opened (a stuck lock, a failed unlock). */
  release(id: string): void {
    if (!(id in this.#used)) return;
    const rest = { ...this.#used };
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a record keyed by credential id
    delete rest[id];
    this.#used = rest;
    this.#state.set(USED_KEY, this.#used);
  }

  /** Credentials neither used nor expired at `now`: those a code may still open a box with. */
  activeCount(now: number): number {
    return this.all().filter((c) => !this.isUsed(c.id) && Date.parse(c.expiresAt) > now).length;
  }

  #index(set: CredentialSetPayload): void {
    this.#set = set;
    this.#key = Buffer.from(set.hashKey, 'base64url');
    this.#byHash.clear();
    let shared = 0;
    for (const c of set.credentials) {
      const same = this.#byHash.get(c.codeHash);
      if (same === undefined) this.#byHash.set(c.codeHash, [c]);
      else {
        same.push(c);
        shared++;
      }
    }
    if (shared > 0) {
      // The cloud should never issue one code twice; both still work, each once, on its box.
      this.#log.warn({ version: set.version, shared }, 'credentials share a code');
    }
  }

  #prune(): void {
    const ids = new Set(this.all().map((c) => c.id));
    const kept = Object.fromEntries(Object.entries(this.#used).filter(([id]) => ids.has(id)));
    if (Object.keys(kept).length === Object.keys(this.#used).length) return;
    this.#used = kept;
    this.#state.set(USED_KEY, kept);
  }
}
