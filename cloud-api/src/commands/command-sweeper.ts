import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { every, type Clock } from '@hameau/protocol';
import type { Schema } from '../storage/schema.js';
import { commandStore, type ExpiredCommand } from './command-store.js';

/** How often the sweeper looks for expired commands, by default. */
export const SWEEP_INTERVAL_MS = 5_000;
/**
 * How long after its expiry a delivered command may still report its outcome before it is
 * marked expired: the device accepted it before the deadline and may be finishing it.
 */
export const DELIVERED_GRACE_MS = 30_000;

export interface CommandSweeperDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly intervalMs?: number;
  readonly deliveredGraceMs?: number;
}

/**
 * Marks commands past their expiry as `expired`: undelivered ones at once, delivered ones after
 * a grace. It works from the stored expiry only, so a sweep at start catches up with whatever
 * expired while the API was down.
 */
export class CommandSweeper {
  readonly #d: CommandSweeperDeps;
  #stop: (() => void) | null = null;
  #running: Promise<void> | null = null;
  /** Ticks so far; one that comes during a sweep makes it sweep again. */
  #ticks = 0;

  constructor(deps: CommandSweeperDeps) {
    this.#d = deps;
  }

  /** Sweeps once now; returns what it expired. */
  async sweep(): Promise<ExpiredCommand[]> {
    const { db, clock, log } = this.#d;
    const expired = await commandStore.expire(
      db,
      clock.now(),
      this.#d.deliveredGraceMs ?? DELIVERED_GRACE_MS,
    );
    for (const c of expired) {
      const fields = { site: c.site, device: c.device, id: c.id, command: c.name, from: c.from };
      if (c.from === 'delivered') {
        log.warn(fields, 'command expired without an outcome after the device accepted it');
      } else {
        log.info(fields, 'command expired before the device accepted it');
      }
    }
    return expired;
  }

  /**
   * Sweeps every interval until `stop`. A tick that comes while a sweep is still running is not
   * run alongside it but once after it, with the time then, so no deadline is skipped.
   */
  start(): void {
    this.#stop ??= every(this.#d.clock, this.#d.intervalMs ?? SWEEP_INTERVAL_MS, () => {
      this.#ticks++;
      this.#running ??= this.#sweepWhileDue();
    });
  }

  async #sweepWhileDue(): Promise<void> {
    for (;;) {
      const ticks = this.#ticks;
      try {
        await this.sweep();
      } catch (err) {
        this.#d.log.error({ err }, 'command sweep failed; retried at the next interval');
      }
      if (this.#ticks === ticks || this.#stop === null) break;
    }
    this.#running = null;
  }

  stop(): void {
    this.#stop?.();
    this.#stop = null;
  }

  /** Resolves when no sweep is running. */
  async idle(): Promise<void> {
    await this.#running;
  }
}
