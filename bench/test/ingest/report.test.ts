import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS_DOC_INTRO } from '../../src/bench-section.js';
import { replaceMarkdownSection } from '../../src/markdown-section.js';
import type { DirectFigures } from '../../src/ingest/direct-write.js';
import type { RunFigures, RunKind, ScenarioResult } from '../../src/ingest/end-to-end.js';
import { parseIngestOptions, type IngestBenchOptions } from '../../src/ingest/options.js';
import { renderDocSection, verdicts, type IngestBenchResults } from '../../src/ingest/report.js';
import type { E2eScenario } from '../../src/ingest/scenarios.js';

const options = parseIngestOptions([], {}, '/dev/null') as IngestBenchOptions;

const lag = (p99: number) => ({
  count: 100_000,
  min: 5,
  mean: p99 / 3,
  p50: p99 / 4,
  p95: p99 / 2,
  p99,
  max: p99 * 1.2,
});

const run = (kind: RunKind, storedPerSecond: number, p99: number): RunFigures => ({
  kind,
  askedPerSecond: kind === 'flat-out' ? null : kind === 'target-rate' ? 20_000 : 5_000,
  messages: 100_000,
  offeredPerSecond: kind === 'flat-out' ? storedPerSecond * 1.1 : storedPerSecond,
  storedPerSecond,
  seconds: 100_000 / storedPerSecond,
  lagMs: lag(p99),
  cores: { api: 0.9, broker: 0.8, loadGen: 0.3, influxd: null },
  meanBatch: 4_000,
  maxAheadMs: kind === 'flat-out' ? 40 : 0,
});

const scenario = (
  name: E2eScenario,
  flat: number,
  targetP99: number,
  missing = 0,
): ScenarioResult => ({
  scenario: name,
  devices: 100,
  setupSeconds: 5,
  runs: [
    run('flat-out', flat, 4_000),
    run('target-rate', 19_500, targetP99),
    run('half-capacity', flat / 2, 200),
  ],
  delivery: {
    devices: 100,
    sent: 310_000,
    stored: 310_000 - missing,
    missing,
    duplicates: 0,
    unexpected: 0,
    exact: missing === 0,
  },
  pipelineDuplicates: 0,
  invalid: 0,
  postgresVersion: null,
});

const direct = (name: DirectFigures['scenario'], perSecond: number): DirectFigures => ({
  scenario: name,
  messages: 100_000,
  batchSize: 4_000,
  seconds: 100_000 / perSecond,
  perSecond,
  clientCores: 0.9,
  influxdCores: name === 'influx-direct' ? 0.5 : null,
});

const results: IngestBenchResults = {
  endToEnd: {
    'embedded-sqlite': scenario('embedded-sqlite', 10_000, 3_500),
    'influx-sqlite': scenario('influx-sqlite', 12_000, 900),
  },
  direct: {
    'embedded-direct': direct('embedded-direct', 50_000),
    'influx-direct': direct('influx-direct', 80_000),
  },
  influxVersion: 'InfluxDB v1.6.7~rc0',
  postgresVersion: null,
};

describe('verdicts', () => {
  it('judges throughput and lag on the embedded store with SQLite, loss on every scenario', () => {
    expect(verdicts(results, options)).toEqual([
      {
        goal: '≥ 20,000 readings/s, embedded store, SQLite state',
        measured: '10,000/s',
        pass: false,
      },
      {
        goal: 'nothing lost, nothing stored twice (every scenario)',
        measured: '0 lost, 0 twice of 620,000',
        pass: true,
      },
      {
        goal: 'p99 lag ≤ 1,000 ms at 20,000 readings/s offered, embedded store, SQLite state',
        measured: '3,500 ms (offered 19,500/s)',
        pass: false,
      },
    ]);
  });

  it('fails on one lost reading anywhere, and says what it did not measure', () => {
    const lossy: IngestBenchResults = {
      ...results,
      endToEnd: { 'influx-sqlite': scenario('influx-sqlite', 25_000, 500, 1) },
    };
    const [rate, loss, p99] = verdicts(lossy, options);
    expect(rate).toMatchObject({ measured: 'not measured', pass: null });
    expect(loss).toMatchObject({ measured: '1 lost, 0 twice of 310,000', pass: false });
    expect(p99?.pass).toBeNull();
  });

  it('does not pass the lag when the agents could not offer the budget’s rate', () => {
    const s = scenario('embedded-sqlite', 25_000, 500);
    const slow = { ...s, runs: s.runs.map((r) => ({ ...r, offeredPerSecond: 15_000 })) };
    const [, , p99] = verdicts({ ...results, endToEnd: { 'embedded-sqlite': slow } }, options);
    expect(p99?.pass).toBe(false);
  });
});

describe('renderDocSection', () => {
  const section = renderDocSection(results, options, {
    machine: { cores: 2, cpuModel: 'CPU', memoryGiB: 8, os: 'Linux 6', node: 'v20.20.2' },
    date: new Date('2026-11-25T20:00:00Z'),
    loadAverage: [0.5, 1.25],
  });

  it('holds the command, the machine, the runs, the ratios and the verdicts', () => {
    expect(section).toContain('`npm run bench:ingest`');
    expect(section).toContain('2026-11-25 20:00 UTC');
    expect(section).toContain('2 cores (CPU)');
    // Flat out, 10,000 readings/s of 10 values, 0.20× the embedded store written straight.
    expect(section).toMatch(
      /\| embedded store, SQLite state +\| flat out +\| +11,000 \| +10,000 \| +100,000 \| +0\.20× \|/,
    );
    expect(section).toMatch(/\| InfluxDB 1\.x, SQLite state +\| flat out .*\| +0\.15× \|/);
    expect(section).toContain('paced 5,000/s (½ flat out)');
    expect(section).toContain('90 % (90 µs)');
    expect(section).toMatch(
      /\| embedded store, written straight +\| +4,000 \| +50,000 \| +500,000 \|/,
    );
    expect(section).toContain('InfluxDB v1.6.7~rc0');
    expect(section).toContain('| PASS');
    expect(section).toContain('| MISS');
  });

  it('is already formatted the way `prettier --check` wants docs/benchmarks.md', async () => {
    const doc = replaceMarkdownSection(BENCHMARKS_DOC_INTRO, 'bench:ingest', section);
    const config = await resolveConfig(new URL('../../../docs/benchmarks.md', import.meta.url));
    expect(await format(doc, { ...config, parser: 'markdown' })).toBe(doc);
  });
});
