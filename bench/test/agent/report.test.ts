import { describe, expect, it } from 'vitest';
import type { IdleSummary } from '../../src/agent/idle-summary.js';
import type { AgentRun } from '../../src/agent/measure-agent.js';
import { parseAgentOptions, type AgentBenchOptions } from '../../src/agent/options.js';
import {
  problemsOf,
  renderDocSection,
  renderResults,
  verdicts,
  type AgentBenchResults,
} from '../../src/agent/report.js';

const options = parseAgentOptions([], {}, '/tmp/doc.md') as AgentBenchOptions;

function summary(rssMb: number, cpu: number): IdleSummary {
  return {
    samples: 121,
    seconds: 120,
    meanRssBytes: rssMb * 1e6,
    maxRssBytes: (rssMb + 4) * 1e6,
    meanRssAnonBytes: (rssMb - 45) * 1e6,
    firstRssBytes: rssMb * 1e6,
    lastRssBytes: (rssMb + 1) * 1e6,
    meanCpu: cpu,
    peakCpu: cpu * 2,
    windowSeconds: 10,
    maxThreads: 11,
  };
}

function run(variant: AgentRun['variant'], over: Partial<AgentRun> = {}): AgentRun {
  const full = variant === 'full';
  return {
    variant,
    modules: full ? ['locker', 'metering', 'lighting'] : [],
    summary: full ? summary(90, 0.01) : summary(60, 0.001),
    startSeconds: 1.5,
    trafficPerMinute: full
      ? { lockBoards: 480, meters: 5, lampNodes: 27 }
      : { lockBoards: 0, meters: 0, lampNodes: 0 },
    trafficTotal: full
      ? { lockBoards: 1_200, meters: 15, lampNodes: 80 }
      : { lockBoards: 0, meters: 0, lampNodes: 0 },
    kiosk: full ? { polls: 11, inService: 11 } : null,
    outboxDepth: 1,
    warnings: [],
    exit: { code: 0, signal: null },
    ...over,
  };
}

const results = (over: Partial<AgentBenchResults> = {}): AgentBenchResults => ({
  baseline: run('baseline'),
  full: run('full'),
  node: 'v20.20.2',
  nodeFlags: [],
  ...over,
});

describe('bench:agent report', () => {
  it('passes the budget on the largest RSS sample and the mean CPU', () => {
    expect(verdicts(results()).map((v) => v.pass)).toEqual([true, true]);
    // 97 MB mean but 101 MB at its largest: a miss.
    const big = results({ full: run('full', { summary: summary(97, 0.01) }) });
    expect(verdicts(big).map((v) => v.pass)).toEqual([false, true]);
    const busy = results({ full: run('full', { summary: summary(90, 0.021) }) });
    expect(verdicts(busy).map((v) => v.pass)).toEqual([true, false]);
    expect(verdicts(results({ full: null })).map((v) => v.pass)).toEqual([null, null]);
  });

  it('has no problem with a clean run', () => {
    expect(problemsOf(results())).toEqual([]);
  });

  it('flags an agent that crashed, logged errors, or did not drive its devices', () => {
    const bad = results({
      full: run('full', {
        exit: { code: 1, signal: null },
        warnings: [{ level: 50, msg: 'module failed' }],
        trafficTotal: { lockBoards: 0, meters: 3, lampNodes: 0 },
        kiosk: { polls: 3, inService: 0 },
      }),
    });
    expect(problemsOf(bad)).toEqual([
      'all modules: exited with code 1 (null)',
      'all modules: logged an error: module failed',
      'all modules: the lock boards were never polled',
      'all modules: the lamp nodes were never addressed',
      'all modules: the kiosk never said the bank is in service',
    ]);
  });

  it('flags device traffic during the baseline, and a missing agent', () => {
    const busy = results({
      baseline: run('baseline', { trafficTotal: { lockBoards: 4, meters: 0, lampNodes: 0 } }),
      full: null,
    });
    expect(problemsOf(busy)).toEqual([
      'an agent was not measured',
      'baseline: link + outbox: the simulated devices were busy without modules',
    ]);
  });

  it('shows both agents, the ratio and the warnings in its tables', () => {
    const text = renderResults(
      results({
        full: run('full', { warnings: [{ level: 40, msg: 'board slow' }] }),
        nodeFlags: ['--max-old-space-size=64'],
      }),
      options,
    );
    expect(text).toContain('node v20.20.2, `--max-old-space-size=64`');
    expect(text).toMatch(/\| baseline: link \+ outbox \| — +\| +60\.0 \|/);
    expect(text).toMatch(/\| all modules +\| locker, metering, lighting \| +90\.0 \| +94\.0 \|/);
    // 90 / 60 MB mean; 1 % / 0.1 % CPU.
    expect(text).toMatch(/\| × baseline +\| +\| +1\.50× \| .* \| +10\.00× \|/);
    // Anonymous memory against file pages: 45 + 45 MB for the full agent, 15 + 45 for the bare.
    expect(text).toMatch(/\| +45\.0 \/ 45\.0 \|/);
    expect(text).toMatch(/\| +15\.0 \/ 45\.0 \|/);
    expect(text).toMatch(/\| +3\.00× \/ 1\.00× \|/);
    expect(text).toContain('- all modules: board slow');
    expect(text).toMatch(/RSS ≤ 100\.0 MB .*\| PASS/);
  });

  it('writes a section with its command, machine and notes', () => {
    const doc = renderDocSection(results(), options, {
      machine: { cores: 2, cpuModel: 'Test CPU', memoryGiB: 24, os: 'Linux 6', node: 'v20' },
      date: new Date('2026-11-26T06:00:00Z'),
      loadAverage: [0.5, 0.7],
    });
    expect(doc).toMatch(/^## Edge agent: idle RSS and CPU\n/);
    expect(doc).toContain('Command: `npm run bench:agent` · 2026-11-26 06:00 UTC');
    expect(doc).toContain('load average 0.5 before, 0.7 after');
    expect(doc).toContain('Notes:');
  });
});
