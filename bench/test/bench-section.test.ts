import { describe, expect, it } from 'vitest';
import { renderBenchSection, verdictTable, type RunContext } from '../src/bench-section.js';

const run: RunContext = {
  machine: { cores: 2, cpuModel: 'CPU', memoryGiB: 8, os: 'Linux 6', node: 'v20.20.2' },
  date: new Date('2026-11-25T20:00:59Z'),
  loadAverage: [0.5, 1.25],
};

describe('renderBenchSection', () => {
  it('gives the title, the command as run, the machine and load, the tables, then the notes', () => {
    const section = renderBenchSection({
      title: 'Demo: a bench',
      name: 'bench:demo',
      quick: true,
      flags: ' --boards=4',
      run,
      tables: '| a |\n| - |',
      notes: '- a note',
    });
    expect(section).toBe(
      [
        '## Demo: a bench',
        '',
        'Command: `npm run bench:demo` --quick --boards=4 · 2026-11-25 20:00 UTC ·',
        '2 cores (CPU), 8 GiB, Linux 6, Node v20.20.2 · load average 0.5 before, 1.3 after',
        '',
        '| a |',
        '| - |',
        '',
        'Notes:',
        '',
        '- a note',
      ].join('\n'),
    );
  });

  it('shows the plain command for a full run with the defaults', () => {
    const section = renderBenchSection({
      title: 't',
      name: 'bench:demo',
      quick: false,
      run,
      tables: '',
      notes: '',
    });
    expect(section).toContain('Command: `npm run bench:demo` · 2026-11-25 20:00 UTC ·');
  });
});

describe('verdictTable', () => {
  it('marks each goal PASS, MISS or — when the run did not measure it, under its heading', () => {
    const table = verdictTable(
      [
        { goal: 'fast', measured: '1 ms', pass: true },
        { goal: 'faster', measured: '9 ms', pass: false },
        { goal: 'fastest', measured: 'not measured', pass: null },
      ],
      '**Targets** (demo)',
    );
    const lines = table.split('\n');
    expect(lines[0]).toBe('**Targets** (demo)');
    expect(lines[1]).toBe('');
    expect(lines[2]).toMatch(/^\| target +\| +measured \| result \|$/);
    expect(lines.slice(4).map((l) => l.split('|').map((c) => c.trim()))).toEqual([
      ['', 'fast', '1 ms', 'PASS', ''],
      ['', 'faster', '9 ms', 'MISS', ''],
      ['', 'fastest', 'not measured', '—', ''],
    ]);
    expect(verdictTable([])).toMatch(/^\*\*Targets\*\* \(ARCHITECTURE\.md §7\)\n/);
  });
});
