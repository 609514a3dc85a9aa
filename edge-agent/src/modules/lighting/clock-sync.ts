import { stat } from 'node:fs/promises';
import { ClockTrust, type ClockAssessment } from './control/index.js';
import type { LightingClockConfig } from './lighting-config.js';

// Whether wall time can be believed, for the controller's fail-safe: the core's `ClockTrust`
// (jumps of the wall clock against the monotonic one) told when a synchronisation happens.
// systemd-timesyncd creates /run/systemd/timesync/synchronized at its first synchronisation
// after boot (/run is emptied at boot) and touches it at each one after: a new mtime is a
// synchronisation, and a jump that comes with one is NTP setting the clock, not a fault.

/** The verdict of one cycle, and whether it changed from the previous one. */
export interface ClockVerdict {
  readonly assessment: ClockAssessment;
  /** `untrusted` or `trusted` when the episode changed at this reading; null otherwise. */
  readonly changed: 'trusted' | 'untrusted' | null;
}

/** The clock trust of the lighting module, fed by timesyncd or assumed. */
export class ClockSync {
  readonly config: LightingClockConfig;
  readonly jumpThresholdMs: number;
  readonly #trust: ClockTrust;
  /** The sync file's mtime at the last synchronisation seen; null before one. */
  #syncedMtime: number | null = null;
  /** Monotonic time time became untrusted (for `retrustMinutes`), or null. */
  #untrustedAt: number | null = null;
  /** The previous verdict; null before the first reading (the start counts as trusted). */
  #wasTrusted: boolean | null = null;

  constructor(config: LightingClockConfig, jumpThresholdSeconds: number) {
    this.config = config;
    this.jumpThresholdMs = jumpThresholdSeconds * 1000;
    this.#trust = new ClockTrust({ jumpThresholdMs: this.jumpThresholdMs });
  }

  /** Whether wall time was believed at the last reading. */
  get trusted(): boolean {
    return this.#trust.trusted;
  }

  /** Takes one reading of both clocks (each decision cycle). */
  async assess(wall: number, mono: number): Promise<ClockVerdict> {
    if (this.config.source === 'timesyncd') {
      const mtime = await syncMtime(this.config.syncFile);
      if (mtime !== null && mtime !== this.#syncedMtime) {
        this.#syncedMtime = mtime;
        this.#trust.markSynced(wall, mono);
      }
    } else if (this.#wasTrusted === null) {
      this.#trust.markSynced(wall, mono);
    } else if (
      this.#untrustedAt !== null &&
      mono - this.#untrustedAt >= this.config.retrustMinutes * 60_000
    ) {
      // No synchronisation signal: after a jump, the new time is believed once it has held.
      this.#trust.markSynced(wall, mono);
    }
    const assessment = this.#trust.observe(wall, mono);
    const trusted = assessment.trusted;
    const before = this.#wasTrusted ?? true;
    this.#wasTrusted = trusted;
    if (trusted === before) return { assessment, changed: null };
    this.#untrustedAt = trusted ? null : mono;
    return { assessment, changed: trusted ? 'trusted' : 'untrusted' };
  }
}

/** The sync file's mtime, or null when it does not exist (not synchronised since boot). */
async function syncMtime(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}
