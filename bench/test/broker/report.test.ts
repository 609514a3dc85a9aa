import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { replaceMarkdownSection } from '../../src/markdown-section.js';
import type { FanInResult } from '../../src/broker/fan-in-latency.js';
import { parseBenchOptions, type BenchOptions } from '../../src/broker/options.js';
import { BENCHMARKS_DOC_INTRO } from '../../src/bench-section.js';
import { renderDocSection, verdicts, type BrokerBenchResults } from '../../src/broker/report.js';
import type { ThroughputResult } from '../../src/broker/throughput.js';

const options = parseBenchOptions([], {}, '/dev/null') as BenchOptions;

const tp = (perSecond: number): ThroughputResult => ({
  messages: 50_000,
  seconds: 50_000 / perSecond,
  perSecond,
  brokerCores: 0.7,
  loadGenCores: 0.8,
});

const fan = (p99: number, delivered = 75_000): FanInResult => ({
  clients: 3_000,
  ratePerClient: 1,
  sent: 75_000,
  delivered,
  duplicates: 0,
  unacked: 0,
  latencyMs: { count: 60_000, min: 0.2, mean: 1, p50: 0.9, p95: 2, p99, max: 30 },
  measuredSeconds: 20,
  connectSeconds: 3.2,
  brokerCores: 0.4,
  loadGenCores: 0.5,
  loadGenLagP99Ms: 7.5,
});

const results: BrokerBenchResults = {
  throughput: { aedes: tp(15_000), hameau: tp(13_800), mosquitto: tp(20_000) },
  fanIn: { aedes: fan(4), hameau: fan(6.2), mosquitto: fan(3) },
  versions: { mosquitto: 'mosquitto version 2.0.11' },
};

describe('verdicts', () => {
  it('compares hameau with bare aedes and with the p99 budget', () => {
    expect(verdicts(results, options)).toEqual([
      { goal: 'hameau throughput ≥ 0.9× bare aedes', measured: '0.92×', pass: true },
      { goal: 'hameau p99 ≤ 5 ms at 3,000 clients × 1 msg/s', measured: '6.20 ms', pass: false },
    ]);
  });

  it('says when a goal was not measured or the load was not the issue’s', () => {
    const quick = parseBenchOptions(['--quick'], {}, '/dev/null') as BenchOptions;
    const [tpVerdict, p99Verdict] = verdicts({ throughput: {}, fanIn: {}, versions: {} }, quick);
    expect(tpVerdict?.pass).toBeNull();
    expect(p99Verdict?.goal).toMatch(/this run: 300 clients/);
    expect(p99Verdict?.pass).toBeNull();
  });
});

describe('renderDocSection', () => {
  const section = renderDocSection(results, options, {
    machine: { cores: 2, cpuModel: 'CPU', memoryGiB: 8, os: 'Linux 6', node: 'v20.20.2' },
    date: new Date('2026-11-25T20:00:00Z'),
    loadAverage: [0.5, 1.25],
  });

  it('holds the command, the machine, every target and the ratios', () => {
    expect(section).toContain('`npm run bench:broker`');
    expect(section).toContain('2026-11-25 20:00 UTC');
    expect(section).toContain('2 cores (CPU)');
    expect(section).toMatch(/\| hameau +\| +13,800 \| +0\.92× \|/);
    expect(section).toMatch(/\| mosquitto +\| +20,000 \| +1\.33× \|/);
    expect(section).toContain('6.20 (1.55×)');
    expect(section).toContain('| PASS');
    expect(section).toContain('| MISS');
  });

  it('is already formatted the way `prettier --check` wants docs/benchmarks.md', async () => {
    const doc = replaceMarkdownSection(BENCHMARKS_DOC_INTRO, 'bench:broker', section);
    const config = await resolveConfig(new URL('../../../docs/benchmarks.md', import.meta.url));
    expect(await format(doc, { ...config, parser: 'markdown' })).toBe(doc);
  });
});
