import { expect } from 'vitest';
import { readModelRegisters, type MeterModel } from '../../../../src/devices/meters/meter-model.js';
import type { MeterSnapshot } from '../../../../src/devices/meters/meter-snapshot.js';

/**
 * A three-phase state whose values are exact in float32, so the expected register words can be
 * written by hand (IEEE-754 bit patterns noted next to each value in the model tests).
 */
export const THREE_PHASE: MeterSnapshot = {
  phases: [
    { voltage: 230, current: 5, activePower: 1250, powerFactor: 1, importKwh: 100 },
    { voltage: 231, current: 2.5, activePower: -500, powerFactor: 0.5, importKwh: 50 },
    { voltage: 229, current: 1.5, activePower: 250, powerFactor: 0.25, importKwh: 25.5 },
  ],
  frequency: 50,
  activePower: 1000,
  apparentPower: 1250,
  reactivePower: 750,
  powerFactor: 0.8,
  importKwh: 175.5,
  exportKwh: 12.25,
};

/** The same, seen by a single-phase meter. */
export const SINGLE_PHASE: MeterSnapshot = {
  phases: [{ voltage: 230, current: 5, activePower: 1150, powerFactor: 1, importKwh: 175.5 }],
  frequency: 50,
  activePower: 1150,
  apparentPower: 1150,
  reactivePower: 0,
  powerFactor: 1,
  importKwh: 175.5,
  exportKwh: 12.25,
};

/**
 * Reads a whole block and checks it word by word: `expected` maps a field's first address to
 * its words in hex ("4366 0000"); every other register of the block must read 0.
 */
export function expectBlock(
  model: MeterModel,
  snapshot: MeterSnapshot,
  block: { readonly start: number; readonly end: number },
  expected: Readonly<Record<number, string>>,
): void {
  const read = readModelRegisters(
    model,
    snapshot,
    model.functionCode,
    block.start,
    block.end - block.start,
  );
  if (!read.ok) throw new Error(`exception ${read.exception}`);
  const want = new Array<number>(block.end - block.start).fill(0);
  for (const [address, words] of Object.entries(expected)) {
    words
      .split(' ')
      .map((w) => parseInt(w, 16))
      .forEach((word, i) => {
        want[Number(address) - block.start + i] = word;
      });
  }
  const asHex = (words: readonly number[]) =>
    words.map((w, i) => `${(block.start + i).toString(16)}:${w.toString(16).padStart(4, '0')}`);
  expect(asHex(read.words)).toEqual(asHex(want));
}
