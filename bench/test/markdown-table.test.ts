import { describe, expect, it } from 'vitest';
import { markdownTable, textThenFigures } from '../src/markdown-table.js';

describe('markdownTable', () => {
  it('pads every column to its widest cell, as Prettier does', () => {
    expect(
      markdownTable(
        ['target', 'msg/s'],
        ['left', 'right'],
        [
          ['bare aedes', '15,426'],
          ['hameau', '9,000'],
        ],
      ),
    ).toBe(
      [
        '| target     |  msg/s |',
        '| ---------- | -----: |',
        '| bare aedes | 15,426 |',
        '| hameau     |  9,000 |',
      ].join('\n'),
    );
  });

  it('counts symbols such as × and ≥ as one column each', () => {
    expect(markdownTable(['r'], ['right'], [['0.9×'], ['≥ 1']])).toBe(
      ['|    r |', '| ---: |', '| 0.9× |', '|  ≥ 1 |'].join('\n'),
    );
  });

  it('keeps rules at least three dashes wide and escapes pipes', () => {
    expect(markdownTable(['a'], ['left'], [['x|y']])).toBe(
      ['| a    |', '| ---- |', '| x\\|y |'].join('\n'),
    );
    expect(markdownTable(['a', 'b'], ['left', 'right'], [['1']])).toBe(
      ['| a   |   b |', '| --- | --: |', '| 1   |     |'].join('\n'),
    );
  });
});

describe('textThenFigures', () => {
  it('aligns the text columns left and the figures right', () => {
    expect(textThenFigures(2, 3)).toEqual(['left', 'left', 'right', 'right', 'right']);
    expect(textThenFigures(0, 1)).toEqual(['right']);
  });
});
