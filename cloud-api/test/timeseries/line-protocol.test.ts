import { describe, expect, it } from 'vitest';
import {
  escapeKey,
  escapeMeasurement,
  formatFieldValue,
  toLine,
  toLines,
} from '../../src/timeseries/line-protocol.js';

describe('line protocol', () => {
  it.each([
    ['energy', 'energy'],
    ['m,x y', 'm\\,x\\ y'],
    // `=` and quotes need no escape in a measurement; a lone backslash stays literal.
    ['a=b"c\\d', 'a=b"c\\d'],
  ])('escapes measurement %j as %j', (name, escaped) => {
    expect(escapeMeasurement(name)).toBe(escaped);
  });

  it.each([
    ['meter-7', 'meter-7'],
    ['a b', 'a\\ b'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    [' ,=', '\\ \\,\\='],
    [`it's "x"`, `it's\\ "x"`],
    ['c:\\meters', 'c:\\meters'],
  ])('escapes key or tag value %j as %j', (text, escaped) => {
    expect(escapeKey(text)).toBe(escaped);
  });

  it.each([
    ['power_w', 1.5, '1.5'],
    ['power_w', 5, '5'],
    ['power_w', -0.0025, '-0.0025'],
    ['power_w', 1e21, '1e+21'],
    ['power_w', 1e-7, '1e-7'],
    ['power_w', 0.1 + 0.2, '0.30000000000000004'],
    ['seq', 123, '123i'],
    ['seq', 0, '0i'],
    ['seq', Number.MAX_SAFE_INTEGER, '9007199254740991i'],
  ])('formats field %s = %d as %s', (key, value, text) => {
    expect(formatFieldValue(key, value)).toBe(text);
  });

  it('writes one line: sorted tags, fields in order, ms timestamp', () => {
    expect(
      toLine({
        measurement: 'energy use',
        tags: { source: 'meter 7,east', site: 'town-hall', device: 'a=b' },
        fields: { 'power w': 230.5, seq: 42, 'energy,kwh': 12 },
        time: 1767225600000,
      }),
    ).toBe(
      'energy\\ use,device=a\\=b,site=town-hall,source=meter\\ 7\\,east power\\ w=230.5,seq=42i,energy\\,kwh=12 1767225600000',
    );
  });

  it('writes a point without tags', () => {
    expect(toLine({ measurement: 'm', tags: {}, fields: { v: 1 }, time: 0 })).toBe('m v=1 0');
  });

  it('skips points without fields, which line protocol cannot carry', () => {
    const empty = { measurement: 'm', tags: { a: 'b' }, fields: {}, time: 1 };
    const full = { measurement: 'm', tags: {}, fields: { v: 2 }, time: 3 };
    expect(toLine(empty)).toBeNull();
    expect(toLines([empty, full, empty])).toEqual(['m v=2 3']);
  });
});
