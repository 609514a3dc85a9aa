import { expect, it } from 'vitest';
import { ReportPolicy } from '../../../../src/modules/metering/poller/report-policy.js';

it('reports the first poll, then one per interval, a poll half a period early counting', () => {
  const policy = new ReportPolicy(60_000, 1_000);
  expect(policy.due(0, 100)).toBe('interval');
  policy.reported(0, 100);
  expect(policy.due(59_499, 5_000)).toBeNull(); // no thresholds: a change waits
  expect(policy.due(59_500, 100)).toBe('interval');
  // Polled at the interval, every poll is reported even if it ends a little early.
  const every = new ReportPolicy(10_000, 10_000);
  every.reported(10_170, 1);
  expect(every.due(19_990, 1)).toBe('interval');
  expect(every.due(14_000, 1)).toBeNull();
});

it('reports early when power moves by more than the W or % threshold from the last report', () => {
  const policy = new ReportPolicy(60_000, 1_000, { powerW: 200, powerPct: 10 });
  policy.reported(0, 1_000);
  expect(policy.due(1_000, 1_090)).toBeNull(); // +90 W, 9 %
  expect(policy.due(2_000, 1_101)).toBe('change'); // > 10 %
  const watts = new ReportPolicy(60_000, 1_000, { powerW: 200 });
  watts.reported(0, 10_000);
  expect(watts.due(1_000, 10_150)).toBeNull(); // 1.5 % but only 150 W
  expect(watts.due(1_000, 9_799)).toBe('change'); // 201 W down
  // Compared with the last reported value, not the last polled one: slow drift adds up.
  const drift = new ReportPolicy(60_000, 1_000, { powerW: 100 });
  drift.reported(0, 0);
  expect(drift.due(1_000, 60)).toBeNull();
  expect(drift.due(2_000, 120)).toBe('change');
});

it('never reports early on a missing power value', () => {
  const policy = new ReportPolicy(60_000, 1_000, { powerW: 1 });
  policy.reported(0, 500);
  expect(policy.due(1_000, null)).toBeNull();
  expect(policy.due(1_000, undefined)).toBeNull();
});

it('reports a power value coming back after a report without one', () => {
  const policy = new ReportPolicy(60_000, 1_000, { powerW: 1 });
  policy.reported(0, null);
  expect(policy.due(1_000, 250)).toBe('change');
  // Without thresholds it waits for the interval like any other reading.
  const plain = new ReportPolicy(60_000, 1_000);
  plain.reported(0, null);
  expect(plain.due(1_000, 250)).toBeNull();
});
