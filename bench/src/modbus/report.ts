import {
  renderBenchSection,
  verdictTable,
  type RunContext,
  type Verdict,
} from '../bench-section.js';
import { markdownTable } from '../markdown-table.js';
import type { ModbusBenchResults, RtuResults } from './modbus-cases.js';
import {
  ceilingFromWire,
  deadBusShare,
  deadMeters,
  firstAndLastRates,
  lineTiming,
  liveMeters,
  perMeterRates,
  readsPerSecond,
} from './modbus-metrics.js';
import type { ModbusBenchOptions } from './options.js';
import type { CaseResult } from './run-case.js';

/** The budget of ARCHITECTURE.md §7 for one RTU bus. */
export const GOALS = { efficiency: 0.9, deadMeterLoss: 0.1 } as const;

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const rate = (n: number) =>
  !Number.isFinite(n) ? 'n/a' : n >= 1_000 ? int(n) : n >= 100 ? n.toFixed(0) : n.toFixed(1);
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)} %` : 'n/a');
const signedPct = (n: number) =>
  Number.isFinite(n)
    ? `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n * 100).toFixed(1)} %`
    : 'n/a';
const cores = (n: number | null) => (n === null ? 'n/a' : `${Math.round(n * 100)} %`);
/** Share of a core and the CPU time per read, e.g. `57 % (30 µs/read)`. */
const cpuPerRead = (n: number | null, perSecond: number) =>
  n === null || !(perSecond > 0)
    ? cores(n)
    : `${cores(n)} (${Math.round((n / perSecond) * 1e6)} µs/read)`;

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Failed requests of the live meters, as the master counted them. */
export function failedReads(result: CaseResult): number {
  if (result.bareFailures !== null) return result.bareFailures;
  return liveMeters(result.spec.layout).reduce((n, id) => n + (result.agent[id]?.errors ?? 0), 0);
}

/** Reads per second of the live meters of a case. */
export function liveRate(result: CaseResult): number {
  return readsPerSecond(result.sim, liveMeters(result.spec.layout));
}

/** Measured over theoretical reads per second; NaN when the plan was not seen. */
export function efficiency(result: CaseResult): number {
  const ceiling = ceilingFromWire(result.sim, result.spec.layout);
  return ceiling === null ? Number.NaN : liveRate(result) / ceiling.readsPerSecond;
}

/** What the live meters lost to a dead one: rate with it over rate without, minus one. */
export function deadMeterChange(r: RtuResults): number {
  if (r.agent === undefined || r.dead === undefined) return Number.NaN;
  return liveRate(r.dead) / liveRate(r.agent) - 1;
}

function busLabel(baud: number, options: ModbusBenchOptions): string {
  return `${baud.toLocaleString('en-US')} baud, ${options.rtuMeters} × SDM630`;
}

export function rtuTable(results: ModbusBenchResults, options: ModbusBenchOptions): string {
  const rows = results.rtu.map((r) => {
    const ceiling =
      r.agent === undefined ? null : ceilingFromWire(r.agent.sim, r.agent.spec.layout);
    const cell = (c: CaseResult | undefined) =>
      c === undefined ? '—' : `${rate(liveRate(c))} (${pct(efficiency(c))})`;
    const ratio =
      r.agent === undefined || r.bare === undefined
        ? '—'
        : `${(liveRate(r.agent) / liveRate(r.bare)).toFixed(2)}×`;
    return [
      busLabel(r.baud, options),
      ceiling === null ? 'n/a' : rate(ceiling.readsPerSecond),
      cell(r.bare),
      cell(r.agent),
      ratio,
      r.agent === undefined ? '—' : cores(r.agent.masterCores),
      [r.bare, r.agent]
        .filter((c) => c !== undefined)
        .map((c) => String(failedReads(c)))
        .join(' / '),
    ];
  });
  return [
    `**RTU efficiency: reads/s on one bus (% of the ceiling)** (each case ${
      options.durationMs / 1000
    } s timed after ${options.warmupMs / 1000} s warm-up; turnaround ${
      options.turnaroundMs
    } ms; every meter read flat out)`,
    '',
    markdownTable(
      [
        'bus',
        'ceiling',
        'bare modbus-serial',
        'agent',
        'agent × bare',
        'agent CPU',
        'failed reads (bare / agent)',
      ],
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows,
    ),
  ].join('\n');
}

export function timingTable(results: ModbusBenchResults, options: ModbusBenchOptions): string {
  const rows = results.rtu.flatMap((r) =>
    (
      [
        ['bare modbus-serial', r.bare],
        ['agent', r.agent],
      ] as const
    ).flatMap(([master, c]) => {
      const t = c === undefined ? null : lineTiming(c.sim, c.spec.layout);
      if (t === null) return [];
      return [
        [
          busLabel(r.baud, options),
          master,
          ms(t.idealMs),
          ms(t.gapMs),
          ms(t.measuredMs),
          ms(t.replyLateMs),
          ms(t.masterExtraMs),
          `${int(t.gapsUnderT35)} of ${int(t.gaps)} (${ms(t.shortestGapMs)})`,
        ],
      ];
    }),
  );
  return [
    '**Where a request’s time goes, mean ms per request** (from a tap on the simulator’s end ' +
      'of the line: when each request arrived and each reply left)',
    '',
    markdownTable(
      [
        'bus',
        'master',
        'ceiling cycle',
        'of which t3.5',
        'real cycle',
        'reply late',
        'master beyond t3.5',
        'gaps under t3.5 (shortest)',
      ],
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows,
    ),
  ].join('\n');
}

export function deadTable(results: ModbusBenchResults, options: ModbusBenchOptions): string {
  const rows = results.rtu.flatMap((r) => {
    if (r.dead === undefined) return [];
    const dead = r.dead;
    const probes = deadMeters(dead.spec.layout).reduce(
      (n, id) => n + (dead.sim.requests[id] ?? 0),
      0,
    );
    const opened = Object.values(dead.breakerOpenedAfterMs)[0];
    return [
      [
        busLabel(r.baud, options),
        r.agent === undefined ? 'n/a' : rate(liveRate(r.agent)),
        rate(liveRate(dead)),
        signedPct(deadMeterChange(r)),
        `${probes} in ${(dead.sim.elapsedMs / 1000).toFixed(0)} s`,
        pct(deadBusShare(dead.sim, dead.spec.layout)),
        opened === undefined || opened === null ? 'never' : `${(opened / 1000).toFixed(1)} s`,
        String(failedReads(dead)),
      ],
    ];
  });
  return [
    '**Dead meter: the live meters’ reads/s with one more meter that never answers** (window ' +
      'starts once the agent has opened the dead meter’s breaker)',
    '',
    markdownTable(
      [
        'bus',
        'without',
        'with a dead meter',
        'change',
        'dead meter probed',
        'bus time it held',
        'breaker opened after',
        'failed reads of live meters',
      ],
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows,
    ),
  ].join('\n');
}

export function tcpTable(results: ModbusBenchResults, options: ModbusBenchOptions): string {
  const entries: [string, CaseResult | undefined][] = [
    [`${options.tcpMeters} meters, one port each`, results.tcp.ports],
    [
      `${options.tcpMeters} meters behind ${Math.ceil(options.tcpMeters / options.gatewaySize)} gateways of ${options.gatewaySize}`,
      results.tcp.gateways,
    ],
  ];
  const rows = entries.flatMap(([label, c]) => {
    if (c === undefined) return [];
    const meters = liveMeters(c.spec.layout);
    const total = readsPerSecond(c.sim, meters);
    const each = perMeterRates(c.sim, meters);
    const ends = firstAndLastRates(c.sim, c.spec.layout);
    const polls = mean(
      meters.map((id) => {
        const counts = c.agent[id];
        return counts === undefined || counts.spanMs <= 0
          ? Number.NaN
          : (counts.pollsOk * 1000) / counts.spanMs;
      }),
    );
    return [
      [
        label,
        rate(total),
        `${rate(each.min)} / ${rate(each.mean)} / ${rate(each.max)}`,
        ends === null ? '—' : `${rate(ends.first)} / ${rate(ends.last)}`,
        rate(polls),
        cpuPerRead(c.masterCores, total),
        cpuPerRead(c.simCores, total),
        String(failedReads(c)),
      ],
    ];
  });
  return [
    '**Modbus TCP: reads/s across the meters** (SDM630s; the agent reads each meter as often ' +
      'as the module allows)',
    '',
    markdownTable(
      [
        'layout',
        'reads/s',
        'per meter min / mean / max',
        'first / last meter of a gateway',
        'polls/s per meter',
        'agent CPU',
        'simulator CPU',
        'failed reads',
      ],
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows,
    ),
  ].join('\n');
}

export function verdicts(results: ModbusBenchResults): Verdict[] {
  const out: Verdict[] = [];
  for (const r of results.rtu) {
    const baud = r.baud.toLocaleString('en-US');
    if (r.agent !== undefined) {
      const e = efficiency(r.agent);
      out.push({
        goal: `RTU poll rate at ${baud} baud ≥ ${GOALS.efficiency * 100} % of the ceiling`,
        measured: pct(e),
        pass: Number.isFinite(e) ? e >= GOALS.efficiency : null,
      });
    }
    if (r.dead !== undefined) {
      const change = deadMeterChange(r);
      out.push({
        goal: `a dead meter costs the others ≤ ${GOALS.deadMeterLoss * 100} % at ${baud} baud`,
        measured: signedPct(change),
        pass: Number.isFinite(change) ? -change <= GOALS.deadMeterLoss : null,
      });
    }
  }
  return out;
}

/** The tables and verdicts, as printed to the terminal and written to the docs. */
export function renderResults(results: ModbusBenchResults, options: ModbusBenchOptions): string {
  const parts: string[] = [];
  const has = (pick: (r: RtuResults) => unknown) => results.rtu.some((r) => pick(r) !== undefined);
  if (has((r) => r.agent ?? r.bare)) {
    parts.push(rtuTable(results, options), timingTable(results, options));
  }
  if (has((r) => r.dead)) parts.push(deadTable(results, options));
  if (results.tcp.ports !== undefined || results.tcp.gateways !== undefined) {
    parts.push(tcpTable(results, options));
  }
  const list = verdicts(results);
  if (list.length > 0) parts.push(verdictTable(list));
  return parts.join('\n\n');
}

/** The `bench:modbus` section of docs/benchmarks.md. */
export function renderDocSection(
  results: ModbusBenchResults,
  options: ModbusBenchOptions,
  run: RunContext,
): string {
  return renderBenchSection({
    title: 'Modbus: RTU efficiency, the dead-meter cost, and TCP rate',
    name: 'bench:modbus',
    quick: options.quick,
    run,
    tables: renderResults(results, options),
    notes: `- **What runs.** The agent is the whole edge agent (\`startAgent\`, as \`hameau agent\` runs
  it) with only the metering module, in the bench process; its cloud is out of reach, so
  readings stay in its outbox (SQLite, fsync per commit), and it reports each meter's health
  every second, which is where the bench reads its counters. The meters are firmware-sim
  SDM630s (steady load, no noise) in a child process of their own. An RTU bus is an
  \`RtuBusDevice\` on one end of a \`socat\` pty pair and the agent's \`modbus-serial\`
  (\`connectRTUBuffered\`) on the other. Over TCP, a meter on its own port is a
  \`ModbusTcpDevice\` on an ephemeral loopback port, one agent bus each; a gateway is one
  \`modbus-gateway\` port with its meters by unit id, one agent bus whose meters are read one
  after the other, as on the RTU line behind a real gateway.
- **Flat out.** Each meter has \`pollMs: 10\`, the shortest the config accepts; everything else
  is the module's default (\`pauseMs: 0\`, so the gap between two RTU requests is t3.5;
  \`timeoutMs: 1000\`; breaker: 3 failed polls, then probes after 10 s doubling to 300 s).
  ${planNote(results)}On RTU the bus is saturated, so \`pollMs\` never binds; over TCP it
  caps a meter at 100 polls/s.
- **Emulated wire time.** A pty moves bytes at once, whatever its baud rate. The simulator
  holds each reply back by what the request and reply would take on the wire at that speed
  (11 bits per character), the t3.5 that ends the request and the meters' turnaround
  (${options.turnaroundMs} ms). So these figures measure the poller's overhead against emulated
  wire timing, not a physical RS485 line (where a USB adapter adds latency of its own).
- **Ceiling** is the reference's shortest cycle, (8 + 5 + 2N) × 11 / baud + 2 × t3.5 +
  turnaround, summed over one round of every live meter's reads (shared/reference/meters.md;
  the bench computes it apart from the simulator's own arithmetic). _Reads/s_ are the requests
  the live meters received in the window (the simulator's count), all answered; _failed
  reads_ are the master's own count of requests that failed (for the agent, its
  \`meter-health\` counters), so a read counted here is one the master got.
- **Bare modbus-serial** is the floor of any Node master on this line: the same library and
  plan (read back from the agent's run), unit after unit, with nothing between two requests
  but t3.5 on the monotonic clock. _Agent × bare_ is the poller's own cost; _bare_ against
  the ceiling is the pty, socat, serialport and modbus-serial. In the timing table, _reply
  late_ is how much later than its emulated wire time the simulator sent a reply (Node timers
  fire up to a millisecond early or late), and _master beyond t3.5_ is what the master took
  from a reply leaving the simulator to its next request arriving there, over the t3.5 it has
  to keep; a gap under t3.5 is one the master cut short.
- **Dead meter.** One more SDM630 on the bus that reads requests and never answers (the
  simulator's \`no-answer\` fault). Until its breaker opens, every poll of it is a 1 s timeout:
  3 of the seconds before _breaker opened after_ went to it. After that it is probed once per
  backoff (10 s, then 20 s, 40 s… up to 300 s). The window starts once the breaker is open, so
  it holds the first probe, the costliest; over hours the cost falls to one timeout per 300 s.
  _Change_ compares two runs, each with the machine's other load of its moment; _bus time it
  held_ is the cost itself, from the line tap: each request to the dead meter up to the
  master's next request.
- **CPU** is the share of one core each process used in the window and what it comes to per
  read; the bench process is the agent's. Over TCP every request crosses loopback between the
  two processes, which share the machine's ${run.machine.cores} cores with anything else
  running. \`npm run bench:modbus -- --help\` lists the options (\`--quick\` leaves this file
  alone).`,
  });
}

/** The agent's plan of one meter as the wire showed it, for the notes; empty if not seen. */
function planNote(results: ModbusBenchResults): string {
  const plan = results.rtu.map((r) => r.agent?.sim.plans?.[0]).find((p) => p !== undefined);
  if (plan === undefined || plan.length === 0) return '';
  const counts = plan.map((r) => r.count);
  const list =
    counts.length === 1
      ? String(counts[0])
      : `${counts.slice(0, -1).join(', ')} and ${String(counts.at(-1))}`;
  return `The agent reads an SDM630 in the ${counts.length} requests its planner makes from the register map (${list} registers, as seen on the wire). `;
}
