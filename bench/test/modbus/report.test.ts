import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { replaceMarkdownSection } from '../../src/markdown-section.js';
import { rtuLayout, tcpLayout } from '../../src/modbus/bench-layout.js';
import type { ModbusBenchResults } from '../../src/modbus/modbus-cases.js';
import {
  ceilingFromWire,
  deadBusShare,
  firstAndLastRates,
  lineTiming,
  perMeterRates,
} from '../../src/modbus/modbus-metrics.js';
import { parseModbusOptions, type ModbusBenchOptions } from '../../src/modbus/options.js';
import {
  deadMeterChange,
  efficiency,
  failedReads,
  liveRate,
  renderDocSection,
  renderResults,
  verdicts,
} from '../../src/modbus/report.js';
import { BENCHMARKS_DOC_INTRO } from '../../src/bench-section.js';
import { caseResult, rtuResult, sdm630Plan } from './case-fixtures.js';

const options = parseModbusOptions([], {}, '/dev/null') as ModbusBenchOptions;

describe('efficiency', () => {
  it('is the live meters’ reads/s over the ceiling of the plans seen on the wire', () => {
    // 4 × 130 reads in 20 s = 26 reads/s; four SDM630s at 9600 baud allow 26.3075.
    const r = rtuResult(9_600, 130);
    expect(liveRate(r)).toBeCloseTo(26, 10);
    expect(efficiency(r)).toBeCloseTo(26 / 26.3075, 4);
  });

  it('leaves the dead meter out of both the rate and the ceiling', () => {
    const r = rtuResult(9_600, 130, true);
    expect(liveRate(r)).toBeCloseTo(26, 10);
    expect(ceilingFromWire(r.sim, r.spec.layout)?.reads).toBe(28);
  });

  it('is unknown when the wire showed no plan', () => {
    const r = rtuResult(9_600, 130);
    const blind = { ...r, sim: { ...r.sim, plans: null } };
    expect(efficiency(blind)).toBeNaN();
    expect(verdicts({ rtu: [{ baud: 9_600, agent: blind }], tcp: {} })[0]?.pass).toBeNull();
  });
});

describe('deadMeterChange and the verdicts', () => {
  it('compares the live meters with and without a dead one', () => {
    const agent = rtuResult(9_600, 130);
    expect(deadMeterChange({ baud: 9_600, agent, dead: rtuResult(9_600, 120, true) })).toBeCloseTo(
      24 / 26 - 1,
      10,
    );
    expect(deadMeterChange({ baud: 9_600, dead: rtuResult(9_600, 120, true) })).toBeNaN();
  });

  it('passes 90 % of the ceiling and a loss of 10 %, and misses below', () => {
    const results: ModbusBenchResults = {
      rtu: [
        { baud: 9_600, agent: rtuResult(9_600, 130), dead: rtuResult(9_600, 120, true) },
        // 19200 baud allows 49.985 reads/s: 4 × 220 / 20 s = 44 is 88 %; 38/44 loses 13.6 %.
        { baud: 19_200, agent: rtuResult(19_200, 220), dead: rtuResult(19_200, 190, true) },
      ],
      tcp: {},
    };
    expect(verdicts(results).map((v) => [v.measured, v.pass])).toEqual([
      ['98.8 %', true],
      ['−7.7 %', true],
      ['88.0 %', false],
      ['−13.6 %', false],
    ]);
  });
});

describe('deadBusShare', () => {
  it('is the bus time the dead meter’s unanswered requests held, over the window', () => {
    const r = rtuResult(9_600, 120, true);
    const line = {
      elapsedMs: 20_000,
      otherFrames: 0,
      unanswered: { 5: { count: 1, ms: 1_006 }, 2: { count: 1, ms: 500 } },
      replyLateMs: [],
      masterGapMs: [],
    };
    // Unit 5 is the dead meter; unit 2's one lost reply is not the dead meter's cost.
    expect(deadBusShare({ ...r.sim, line }, r.spec.layout)).toBeCloseTo(0.0503, 10);
    expect(deadBusShare({ ...r.sim, line: null }, r.spec.layout)).toBeNaN();
  });
});

describe('failedReads', () => {
  it('counts the agent’s failed requests of live meters, or the bare master’s own', () => {
    const layout = rtuLayout(9_600, 2, 4, false);
    expect(failedReads(caseResult(layout, { m1: 1 }, { errors: 3 }))).toBe(3);
    const bare = caseResult(layout, { m1: 1 }, { errors: 2, master: { kind: 'bare', plan: [] } });
    expect(failedReads(bare)).toBe(2);
  });
});

describe('lineTiming', () => {
  it('splits a request’s time into the ceiling cycle, the reply’s lateness and the master’s gap', () => {
    const layout = rtuLayout(9_600, 2, 4, false);
    const r = caseResult(
      layout,
      { m1: 130, m2: 130, m3: 130, m4: 130 },
      {
        line: {
          elapsedMs: 20_000,
          otherFrames: 0,
          unanswered: {},
          replyLateMs: [0.5, 1.5],
          masterGapMs: [5, 6],
        },
      },
    );
    const t = lineTiming(r.sim, layout);
    const short = lineTiming(
      {
        ...r.sim,
        line: {
          elapsedMs: 1,
          otherFrames: 0,
          unanswered: {},
          replyLateMs: [],
          masterGapMs: [3.9, 4.5, 2],
        },
      },
      layout,
    );
    expect([short?.gapsUnderT35, short?.shortestGapMs]).toEqual([2, 2]);
    expect(t?.idealMs).toBeCloseTo(1064.3333 / 28, 4);
    expect(t?.measuredMs).toBeCloseTo(20_000 / 520, 10);
    expect(t?.replyLateMs).toBeCloseTo(1, 10);
    expect(t?.gapMs).toBeCloseTo(4.0104, 4);
    expect(t?.masterExtraMs).toBeCloseTo(5.5 - 4.0104, 4);
    expect(t?.shortestGapMs).toBe(5);
    expect([t?.gapsUnderT35, t?.gaps]).toEqual([0, 2]);
  });
});

describe('perMeterRates', () => {
  it('gives the spread of reads/s across meters', () => {
    const r = caseResult(tcpLayout(3, 1), { m1: 2_000, m2: 4_000, m3: 6_000 });
    expect(perMeterRates(r.sim, ['m1', 'm2', 'm3'])).toEqual({ min: 100, mean: 200, max: 300 });
  });
});

describe('firstAndLastRates', () => {
  it('compares the first and last meter of each gateway', () => {
    const layout = tcpLayout(6, 3);
    const r = caseResult(layout, { m1: 6_000, m2: 5_000, m3: 2_000, m4: 8_000, m5: 1, m6: 4_000 });
    expect(firstAndLastRates(r.sim, layout)).toEqual({ first: 350, last: 150 });
  });

  it('has nothing to compare when every meter has its own port', () => {
    const layout = tcpLayout(2, 1);
    expect(firstAndLastRates(caseResult(layout, { m1: 1, m2: 1 }).sim, layout)).toBeNull();
  });
});

describe('renderDocSection', () => {
  const results: ModbusBenchResults = {
    rtu: [
      {
        baud: 9_600,
        agent: rtuResult(9_600, 130),
        bare: rtuResult(9_600, 131, false, { kind: 'bare', plan: sdm630Plan(1) }),
        dead: rtuResult(9_600, 120, true),
      },
      { baud: 19_200, agent: rtuResult(19_200, 220) },
    ],
    tcp: {
      ports: caseResult(
        tcpLayout(50, 1),
        Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`m${i + 1}`, 7_000])),
        { pollsOk: 1_000 },
      ),
    },
  };
  const section = renderDocSection(results, options, {
    machine: { cores: 2, cpuModel: 'AMD EPYC', memoryGiB: 24, os: 'Linux 6.1', node: 'v20.20.2' },
    date: new Date(Date.UTC(2026, 10, 26, 1, 2)),
    loadAverage: [0.4, 1.2],
  });

  it('prints every table that was measured, with the verdicts', () => {
    expect(section).toContain('2026-11-26 01:02 UTC');
    expect(section).toContain('load average 0.4 before, 1.2 after');
    expect(section).toMatch(
      /\| 9,600 baud, 4 × SDM630 +\| +26\.3 \| +26\.2 \(99\.6 %\) \| +26\.0 \(98\.8 %\) \| +0\.99× \|/,
    );
    expect(section).toContain('Dead meter');
    expect(section).toContain('7 requests its planner makes');
    expect(section).toContain('(18, 2, 2, 4, 6, 2 and 6 registers, as seen on the wire)');
    expect(section).toMatch(/\| 19,200 baud, 4 × SDM630 \| agent +\|/);
    expect(section).toMatch(
      /\| 50 meters, one port each +\| +17,500 \| +350 \/ 350 \/ 350 \| +— \| +50\.0 \|/,
    );
    expect(section).toContain('| PASS');
    expect(section).toContain('| MISS');
    expect(section).not.toContain('gateways of');
  });

  it('leaves out what the run did not measure', () => {
    const tcpOnly = renderResults({ rtu: [], tcp: results.tcp }, options);
    expect(tcpOnly).not.toContain('RTU efficiency');
    expect(tcpOnly).not.toContain('Targets');
  });

  it('is already formatted the way `prettier --check` wants docs/benchmarks.md', async () => {
    const doc = replaceMarkdownSection(BENCHMARKS_DOC_INTRO, 'bench:modbus', section);
    const config = await resolveConfig(new URL('../../../docs/benchmarks.md', import.meta.url));
    expect(await format(doc, { ...config, parser: 'markdown' })).toBe(doc);
  });
});
