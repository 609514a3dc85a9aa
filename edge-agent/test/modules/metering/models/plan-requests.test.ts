import { expect, it } from 'vitest';
import { planRequests } from '../../../../src/modules/metering/models/plan-requests.js';
import type { RegisterField } from '../../../../src/modules/metering/models/register-map.js';
import type { Quantity } from '../../../../src/modules/metering/models/quantities.js';

const names: Quantity[] = [
  'voltage_v',
  'current_a',
  'power_w',
  'frequency_hz',
  'power_factor',
  'energy_import_kwh',
  'energy_export_kwh',
];

/** Fields at the given registers (float32 unless `[register, type]`), FC 04 unless stated. */
function fields(...specs: (number | [number, RegisterField['type'], (3 | 4)?])[]): RegisterField[] {
  return specs.map((spec, i) => {
    const [register, type, functionCode] =
      typeof spec === 'number' ? [spec, 'float32' as const, 4 as const] : spec;
    return {
      quantity: names[i] ?? 'power_w',
      register,
      functionCode: functionCode ?? 4,
      type,
      wordOrder: 'high-first',
      byteOrder: 'big',
      scale: 1,
      unit: '',
    };
  });
}

const spans = (f: RegisterField[], maxSpan: number, maxGap: number) =>
  planRequests(f, { maxSpan, maxGap }).map((s) => [
    s.functionCode,
    s.start,
    s.count,
    s.fields.length,
  ]);

it('joins adjacent fields and keeps gaps apart when maxGap is 0', () => {
  expect(spans(fields(0, 2, 4, 10, 12), 125, 0)).toEqual([
    [4, 0, 6, 3],
    [4, 10, 4, 2],
  ]);
});

it('bridges gaps up to maxGap unused registers, not more', () => {
  expect(spans(fields(0, 4, 11), 125, 2)).toEqual([
    [4, 0, 6, 2], // a gap of 2 (registers 2-3) is bridged
    [4, 11, 2, 1], // a gap of 5 is not
  ]);
  expect(spans(fields(0, 4, 11), 125, 5)).toEqual([[4, 0, 13, 3]]);
});

it('never makes a read longer than maxSpan, nor than 125 registers', () => {
  expect(spans(fields(0, 2, 4, 6), 4, 0)).toEqual([
    [4, 0, 4, 2],
    [4, 4, 4, 2],
  ]);
  const many = Array.from({ length: 70 }, (_, i) => i * 2);
  const planned = planRequests(fields(...many), { maxSpan: 500, maxGap: 0 });
  expect(planned.map((s) => s.count)).toEqual([124, 16]);
  expect(planned.flatMap((s) => s.fields)).toHaveLength(70);
});

it('keeps function codes apart and orders reads by function code, then register', () => {
  expect(
    spans(
      fields([10, 'float32', 4], [0, 'float32', 3], [2, 'float32', 4], [2, 'float32', 3]),
      125,
      10,
    ),
  ).toEqual([
    [3, 0, 4, 2],
    [4, 2, 10, 2],
  ]);
});

it('mixes 16- and 32-bit fields, and shares registers read by two fields', () => {
  expect(spans(fields([0, 'int16'], [1, 'int32'], [3, 'uint16']), 125, 0)).toEqual([[4, 0, 4, 3]]);
  // Two quantities over the same registers (a custom map may do that) take one read.
  expect(spans(fields([4, 'int32'], [4, 'uint32']), 125, 0)).toEqual([[4, 4, 2, 2]]);
});

it('refuses a span too short for one field', () => {
  expect(() => planRequests(fields(0), { maxSpan: 1, maxGap: 0 })).toThrow(/maxSpan 1/);
});
