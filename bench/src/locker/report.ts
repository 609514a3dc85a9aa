import {
  renderBenchSection,
  verdictTable,
  type RunContext,
  type Verdict,
} from '../bench-section.js';
import { markdownTable, textThenFigures } from '../markdown-table.js';
import type { Summary } from '../percentiles.js';
import type { LatencyResult } from './latency-sampler.js';
import { BENCH_REMOTE_CAPS } from './locker-agent.js';
import type { LockerBenchOptions } from './options.js';

/** The architecture's budgets for opening a box: p99 to the unlock frame, ms. */
export const GOALS = { localP99Ms: 50, remoteP99Ms: 150 } as const;

/** What a run measured; a path that did not run (a failure before it) has no entry. */
export interface LockerBenchResults {
  driver?: LatencyResult;
  local?: LatencyResult;
  mqtt?: LatencyResult;
  remote?: LatencyResult;
  /** Unlock frames the simulator heard that no sample expected (a wrong box, a second pulse). */
  strays: number;
  /** Warnings and alarms the agent raised about the bank (a stuck lock, a refused unlock…). */
  agentAlarms: readonly string[];
}

/** The run's context beyond the machine: the driver's poll period and the bank's size. */
export interface LockerRunFacts {
  readonly pollMs: number;
  readonly boxes: number;
}

const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : 'n/a');
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');
const cores = (n: number | null) => (n === null ? 'n/a' : `${Math.round(n * 100)} %`);

/** Everything that makes the run unfit for the docs: failed samples, stray frames, alarms. */
export function problemsOf(results: LockerBenchResults): string[] {
  const paths = [results.driver, results.local, results.mqtt, results.remote];
  return [
    ...paths.flatMap((r) => r?.failures ?? []),
    ...(results.strays > 0 ? [`${results.strays} unlock frames no sample expected`] : []),
    ...results.agentAlarms.map((a) => `the agent raised ${a}`),
  ];
}

export function latencyTable(results: LockerBenchResults, options: LockerBenchOptions): string {
  const row = (
    path: string,
    span: string,
    r: LatencyResult | undefined,
    base: LatencyResult | undefined,
  ) =>
    r === undefined
      ? []
      : [
          [
            path,
            span,
            ms(r.summary.p50),
            ms(r.summary.p95),
            ms(r.summary.p99),
            ms(r.summary.max),
            base === undefined ? '1.00×' : ratio(r.summary.p50 / base.summary.p50),
            `${r.failures.length} / ${r.summary.count + r.failures.length}`,
            cores(r.cores),
            cores(r.cloudCores),
            ms(r.loopDelayP99Ms),
          ],
        ];
  const rows = [
    ...row('driver alone (baseline)', '`KerongBus.unlock` → frame', results.driver, undefined),
    ...row('local pickup', 'kiosk `POST /api/code` → frame', results.local, results.driver),
    ...row('bare MQTT (baseline)', 'publish → subscriber', results.mqtt, undefined),
    ...row('remote unlock', 'API `POST …/commands` → frame', results.remote, results.mqtt),
  ];
  return [
    `**Latency to the unlock frame, ms** (${options.samples} timed samples per path after ` +
      `${options.warmup} untimed, one at a time, each after a random pause of up to one poll ` +
      'round; 19,200 baud emulated)',
    '',
    markdownTable(
      [
        'path',
        't0 → t1',
        'p50',
        'p95',
        'p99',
        'max',
        'p50 × baseline',
        'failed',
        'bench CPU',
        'cloud CPU',
        'loop delay p99',
      ],
      textThenFigures(2, 9),
      rows,
    ),
  ].join('\n');
}

/** `p50 / p99` of a summary, or a dash. */
function pair(s: Summary | null | undefined): string {
  return s === null || s === undefined ? '—' : `${ms(s.p50)} / ${ms(s.p99)}`;
}

export function splitTable(results: LockerBenchResults): string {
  const rows: string[][] = [];
  if (results.driver !== undefined) {
    rows.push(['driver alone', '—', pair(results.driver.summary), pair(results.driver.summary)]);
  }
  for (const [label, r] of [
    ['local pickup', results.local],
    ['remote unlock', results.remote],
  ] as const) {
    if (r !== undefined)
      rows.push([label, pair(r.decided), pair(r.afterDecision), pair(r.summary)]);
  }
  return [
    '**Where the time goes, p50 / p99 ms** (the agent writes `code-accepted` or ' +
      '`remote-unlock` to its outbox right before it calls the driver: before it is the kiosk ' +
      'or the API, the broker and the agent deciding; after it, the driver and the line)',
    '',
    markdownTable(
      ['path', 't0 → the agent’s announcement', 'announcement → frame', 't0 → frame'],
      ['left', 'right', 'right', 'right'],
      rows,
    ),
  ].join('\n');
}

export function verdicts(results: LockerBenchResults): Verdict[] {
  const verdict = (goal: string, r: LatencyResult | undefined, limit: number): Verdict => {
    const p99 = r?.summary.p99 ?? Number.NaN;
    return {
      goal,
      measured: Number.isFinite(p99) ? `${ms(p99)} ms` : 'not measured',
      pass: Number.isFinite(p99) ? p99 <= limit : null,
    };
  };
  return [
    verdict(
      `local pickup p99 ≤ ${GOALS.localP99Ms} ms (code → unlock frame)`,
      results.local,
      GOALS.localP99Ms,
    ),
    verdict(
      `remote unlock p99 ≤ ${GOALS.remoteP99Ms} ms (API command → unlock frame)`,
      results.remote,
      GOALS.remoteP99Ms,
    ),
  ];
}

/** The tables and verdicts, as printed to the terminal and written to the docs. */
export function renderResults(results: LockerBenchResults, options: LockerBenchOptions): string {
  return [
    latencyTable(results, options),
    splitTable(results),
    verdictTable(verdicts(results), '**Targets** (the architecture’s budgets for opening a box)'),
  ].join('\n\n');
}

/** The `bench:locker` section of docs/benchmarks.md. */
export function renderDocSection(
  results: LockerBenchResults,
  options: LockerBenchOptions,
  facts: LockerRunFacts,
  run: RunContext,
): string {
  return renderBenchSection({
    title: 'Lockers: pickup and remote-unlock latency to the unlock frame',
    name: 'bench:locker',
    quick: options.quick,
    flags: options.boards === 2 ? '' : ` --boards=${options.boards}`,
    run,
    tables: renderResults(results, options),
    notes: `- **What runs: the town's two sides, on loopback.** _The cloud_, a child process: our broker
  (\`startBroker\`, authenticating from the API's registry) and the API (\`startApiServer\`,
  SQLite in a throw-away folder), as the CLI's end-to-end tests run them. _The bank_, the bench
  process: the edge agent (\`startAgent\`, as \`hameau agent\` runs it) with only the locker
  module and its kiosk on a loopback port, connected to that broker; the simulated bank,
  firmware-sim's \`LockBoardBank\` with ${options.boards} Kerong boards (${facts.boxes} boxes),
  on the far end of a \`socat\` pty pair whose other end the agent's \`KerongBus\` opens; and
  the bench's own clients (the kiosk's \`POST\`s, the API calls, the MQTT baseline). The agent,
  the simulator and the bench share one event loop, so their timestamps share one clock;
  \`socat\` is a third process, and all of them share the machine's ${run.machine.cores} cores
  with whatever else runs. In the field the cloud is a server, the bank has a computer of its
  own, and a network lies between them. Logs go to stderr at \`warn\` (the API's at
  \`error\`); production writes \`info\`.
- **Timing.** t0 is \`performance.now()\` just before the request (or the driver call, or the
  publish); t1 is \`performance.now()\` in the simulator's unlock listener when the frame
  arrives, on the same clock. The simulator delays each status reply by its wire time at
  19,200 baud 8N1 plus a 2 ms turnaround (9.3 ms a poll), so an unlock that comes while a poll
  is on the wire waits for it, as on a real line. The bank is polled at the module's default
  rate (a round of every board each ${facts.pollMs} ms), and each sample starts after a random
  pause of up to ${facts.pollMs} ms, so unlocks land anywhere in a round. A pty hands the
  unlock frame over at once: on a real line its last byte arrives 2.6 ms (5 characters) later,
  for every path alike.
- **Local pickup.** A valid 8-digit code for a box holding a parcel, \`POST\`ed to the kiosk as
  its page does; the kiosk's answer must be \`opened\` for that box. Between samples (untimed)
  the box is emptied and shut, and once the agent reports it shut a new parcel goes in; the
  boxes are used in turn. Codes are single-use: each credential set holds one new code per box
  and is published, retained, on the bank's \`credentials\` topic as the API's \`cloud\`
  account (the API's reservations routes are not part of this bench), and the next sample waits
  until the agent holds it.
- **Remote unlock.** \`unlock {box, reason}\` sent as the admin with
  \`POST /api/v1/devices/bench/lockers-1/commands\`; the command must end \`succeeded\`.
  The bench's bank has its remote-unlock caps raised to ${BENCH_REMOTE_CAPS.maxPerMinute} a
  minute and ${BENCH_REMOTE_CAPS.maxPerDay.toLocaleString('en-US')} a day (the defaults, 3 and
  20, would refuse the 4th sample), and the bench waits whenever the sliding minute is full, so
  ${options.samples} samples take about ${Math.ceil((options.samples + options.warmup) / BENCH_REMOTE_CAPS.maxPerMinute)} minutes.
- **Baselines, measured in the same run.** _Driver alone_: a \`KerongBus\` with the module's
  defaults on the same pty and simulator, \`unlock\` called straight (before the agent opens the
  line); what local pickup adds is the kiosk's HTTP, the code check and the durable writes
  before the pulse. _Bare MQTT_: a cloud-role account publishes a message the size of the
  \`unlock\` command, QoS 1, to a second registered device's command topic, through the same
  broker, with mqtt.js defaults as the API and the agent use; what remote unlock adds is the
  API (HTTP, SQLite, its publish), the agent's command dispatch and durable writes, and the
  driver.
- **Where the time goes.** The module writes \`code-accepted\` (or \`remote-unlock\`) to the
  agent's outbox right after its durable writes and right before it calls the driver; the
  bench notes when it lands there. Before it: the kiosk's HTTP and the code check, or the API,
  the broker and the agent's command dispatch. After it: \`KerongBus.unlock\` (waiting for a
  poll on the wire, if any), socat and the pty — the same work as _driver alone_.
- **Failures and the machine.** A sample fails when its frame does not come within 5 s, the
  kiosk refuses the code, or the command does not succeed; any failure, any unlock frame no
  sample expected, and any warning or alarm the agent raises about the bank fail the run and
  leave this file alone. _Bench CPU_ and _cloud CPU_ are each process's share of one core over
  each path's timed samples, upkeep included; _loop delay p99_ is how late the bench process's
  event loop ran timers then (\`monitorEventLoopDelay\`), which is also how late the simulator,
  the agent and the kiosk could react. Percentiles are nearest-rank.
  \`npm run bench:locker -- --help\` lists the options (\`--quick\` leaves this file alone).`,
  });
}
