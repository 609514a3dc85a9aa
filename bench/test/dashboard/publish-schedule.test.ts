import { describe, expect, it } from 'vitest';
import { publishSchedule, seededRandom } from '../../src/dashboard/publish-schedule.js';

describe('publishSchedule', () => {
  const due = publishSchedule(2_000, 20, seededRandom(7));

  it('keeps the asked rate on average, starting at once', () => {
    expect(due[0]).toBe(0);
    // 2,000 readings at 20/s: about 100 s; the mean of 1,999 uniform gaps is within a few %.
    expect((due.at(-1) as number) / 1_999).toBeGreaterThan(48);
    expect((due.at(-1) as number) / 1_999).toBeLessThan(52);
  });

  it('spreads the gaps between half and one and a half of the mean', () => {
    const gaps = due.slice(1).map((t, i) => t - (due[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(25);
    expect(Math.max(...gaps)).toBeLessThan(75);
    // Not evenly spaced: readings fall at every phase of a 250 ms period.
    const phases = new Set(due.map((t) => Math.floor((t % 250) / 25)));
    expect(phases.size).toBe(10);
  });

  it('is the same for the same seed', () => {
    expect(publishSchedule(50, 20, seededRandom(7))).toEqual(due.slice(0, 50));
    expect(publishSchedule(50, 20, seededRandom(8))).not.toEqual(due.slice(0, 50));
  });
});
