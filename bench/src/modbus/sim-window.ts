import type { ReadShape, TapWindow } from './wire-tap.js';

/** What the simulator child saw between the bench's mark and now (sent over IPC, so plain JSON). */
export interface SimWindow {
  /** On the child's monotonic clock. */
  readonly elapsedMs: number;
  /** Requests each meter received, by meter id (a dead meter's are the agent's probes). */
  readonly requests: Readonly<Record<string, number>>;
  /** RTU only: the line's timing, from the wire tap. */
  readonly line: TapWindow | null;
  /** RTU only: each unit's distinct reads in the order first seen (its poll plan), by unit. */
  readonly plans: readonly (readonly ReadShape[])[] | null;
}
