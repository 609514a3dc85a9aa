import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS_DOC_INTRO } from '../../src/bench-section.js';
import type { LatencyResult } from '../../src/locker/latency-sampler.js';
import { parseLockerOptions, type LockerBenchOptions } from '../../src/locker/options.js';
import {
  problemsOf,
  renderDocSection,
  renderResults,
  verdicts,
  type LockerBenchResults,
} from '../../src/locker/report.js';
import { replaceMarkdownSection } from '../../src/markdown-section.js';

const options = parseLockerOptions([], {}, '/dev/null') as LockerBenchOptions;

/** A path's result with the given p50 and p99 (ms); p95 between, max a little above. */
function path(p50: number, p99: number, split = false, failures: string[] = []): LatencyResult {
  const summary = { count: 100, min: 0.5, mean: p50, p50, p95: (p50 + p99) / 2, p99, max: p99 + 1 };
  const half = { ...summary, p50: p50 / 2, p99: p99 / 2 };
  return {
    samplesMs: [],
    summary,
    decided: split ? half : null,
    afterDecision: split ? half : null,
    failures,
    cores: 0.12,
    cloudCores: 0.05,
    seconds: 60,
    loopDelayP99Ms: 3.5,
  };
}

function results(over: Partial<LockerBenchResults> = {}): LockerBenchResults {
  return {
    driver: path(2, 10),
    local: path(20, 120, true),
    mqtt: path(0.5, 4),
    remote: path(40, 150, true),
    strays: 0,
    agentAlarms: [],
    ...over,
  };
}

describe('verdicts', () => {
  it('passes a p99 at the budget and misses one above it', () => {
    const [local, remote] = verdicts(results());
    expect(local).toMatchObject({ measured: '120.0 ms', pass: false });
    expect(remote).toMatchObject({ measured: '150.0 ms', pass: true });
    const fast = verdicts(results({ local: path(20, 50) }))[0];
    expect(fast).toMatchObject({ measured: '50.0 ms', pass: true });
  });

  it('has no verdict for a path that did not run', () => {
    const rest: LockerBenchResults = { ...results() };
    delete rest.remote;
    expect(verdicts(rest)[1]).toMatchObject({ measured: 'not measured', pass: null });
  });
});

describe('problemsOf', () => {
  it('is empty for a clean run', () => {
    expect(problemsOf(results())).toEqual([]);
  });

  it('lists failed samples, stray frames and the agent’s alarms', () => {
    const r = results({
      remote: path(40, 150, true, ['remote unlock, sample 3: command failed']),
      strays: 2,
      agentAlarms: ['lock-stuck 4'],
    });
    expect(problemsOf(r)).toEqual([
      'remote unlock, sample 3: command failed',
      '2 unlock frames no sample expected',
      'the agent raised lock-stuck 4',
    ]);
  });
});

describe('renderResults', () => {
  it('gives each path its ratio of p50s to its own baseline, and the split', () => {
    const lines = renderResults(results(), options).split('\n');
    const row = (start: string) => lines.find((l) => l.startsWith(start)) ?? '';
    expect(row('| driver alone (baseline) ')).toContain('1.00×');
    expect(row('| local pickup ')).toContain('10.00×');
    expect(row('| remote unlock ')).toContain('80.00×');
    expect(row('| local pickup ')).toContain('0 / 100');
    expect(lines.filter((l) => l.startsWith('| local pickup '))[1]).toMatch(
      /\| +10\.0 \/ 60\.0 \| +10\.0 \/ 60\.0 \| +20\.0 \/ 120\.0 \|/,
    );
    expect(row('| local pickup p99 ≤ 50 ms')).toContain('MISS');
    expect(row('| remote unlock p99 ≤ 150 ms')).toContain('PASS');
  });
});

describe('renderDocSection', () => {
  const run = {
    machine: { cores: 2, cpuModel: 'AMD EPYC', memoryGiB: 24, os: 'Linux 6.8.0', node: 'v20.20.2' },
    date: new Date(Date.UTC(2026, 10, 25, 22, 5)),
    loadAverage: [1.25, 2] as const,
  };
  const section = renderDocSection(results(), options, { pollMs: 250, boxes: 32 }, run);

  it('records the command, when, where, and the raised caps', () => {
    expect(section).toContain('Command: `npm run bench:locker` · 2026-11-25 22:05 UTC');
    expect(section).toContain('load average 1.3 before, 2.0 after');
    expect(section).toContain('raised to 60 a\n  minute and 10,000 a day');
    expect(section).toContain('(32 boxes)');
  });

  it('is already formatted the way `prettier --check` wants docs/benchmarks.md', async () => {
    const doc = replaceMarkdownSection(BENCHMARKS_DOC_INTRO, 'bench:locker', section);
    const config = await resolveConfig(new URL('../../../docs/benchmarks.md', import.meta.url));
    expect(await format(doc, { ...config, parser: 'markdown' })).toBe(doc);
  });
});
