import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));

// The whole live part, small, as `npm run bench:dashboard` runs it (its services are child
// processes that need the tsx loader, which a test worker does not have): the real broker and
// API, two agents, three viewers on the real public feed. The bench exits 1 when a viewer
// missed a reading, was cut off, or saw an event it could not read.
describe('bench:dashboard --parts=live', () => {
  it('measures every viewer’s latency for every marker reading, one viewer then many', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        'bench/src/dashboard/main.ts',
        '--parts=live',
        '--viewers=3',
        '--devices=2',
        '--rate=10',
        '--seconds=1',
        '--no-write',
      ],
      { cwd: repo, timeout: 110_000 },
    );
    // Agent 0 publishes every other reading: 5 in the window, each seen by every viewer.
    const rows = stdout.split('\n').filter((l) => /^\| +[13] \| +\d+ \|/.test(l));
    expect(rows).toHaveLength(2);
    const cells = rows.map((r) => r.split('|').map((c) => c.trim()));
    expect(cells.map((c) => [c[1], c[2], c[10]])).toEqual([
      ['1', '5', '0'],
      ['3', '15', '0'],
    ]);
    expect(cells[0]?.[4]).toBe('1 (baseline)');
    expect(cells[1]?.[4]).toMatch(/^\d+\.\d\d×$/);
  }, 120_000);
});
