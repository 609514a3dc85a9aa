import type { MeterSnapshot, PhaseState } from '../meter-snapshot.js';

const NO_PHASE: PhaseState = {
  voltage: 0,
  current: 0,
  activePower: 0,
  powerFactor: 0,
  importKwh: 0,
};

/** Phase `index` (0 = L1) of a snapshot; a phase the meter does not have reads as zeros. */
export function phase(snapshot: MeterSnapshot, index: number): PhaseState {
  return snapshot.phases[index] ?? NO_PHASE;
}

/** Mean of a per-phase quantity over the phases the meter has. */
export function phaseAverage(snapshot: MeterSnapshot, read: (p: PhaseState) => number): number {
  if (snapshot.phases.length === 0) return 0;
  return snapshot.phases.reduce((sum, p) => sum + read(p), 0) / snapshot.phases.length;
}
