/**
 * Lets through at most `perWindow` log lines per key (a device) per window, and says how many it
 * held back when the next window opens, so one device sending garbage at full rate cannot flood
 * the log while its first problems stay visible.
 */
export class LogThrottle {
  readonly #perWindow: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { start: number; logged: number; held: number }>();

  constructor(opts: { perWindow: number; windowMs: number }) {
    this.#perWindow = opts.perWindow;
    this.#windowMs = opts.windowMs;
  }

  /**
   * Whether to log this line for `key` at `now`; `held` is how many lines of the previous window
   * were held back (report it once, with the first line of the new window).
   */
  take(key: string, now: number): { log: boolean; held: number } {
    let w = this.#windows.get(key);
    let held = 0;
    if (!w || now - w.start >= this.#windowMs) {
      held = w?.held ?? 0;
      w = { start: now, logged: 0, held: 0 };
      this.#windows.set(key, w);
    }
    if (w.logged < this.#perWindow) {
      w.logged++;
      return { log: true, held };
    }
    w.held++;
    return { log: false, held: 0 };
  }
}
