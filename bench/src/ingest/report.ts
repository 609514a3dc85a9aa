import { IngestionConfig } from '@hameau/cloud-api';
import {
  renderBenchSection,
  verdictTable,
  type RunContext,
  type Verdict,
} from '../bench-section.js';
import { markdownTable, textThenFigures } from '../markdown-table.js';
import type { DirectFigures } from './direct-write.js';
import {
  VALUES_PER_READING,
  type RunFigures,
  type RunKind,
  type ScenarioResult,
} from './end-to-end.js';
import type { IngestBenchOptions } from './options.js';
import {
  BASELINE_OF,
  SCENARIO_LABEL,
  STORE_OF,
  type DirectScenario,
  type E2eScenario,
} from './scenarios.js';

/** What a run measured; a scenario left out of the run has no entry. */
export interface IngestBenchResults {
  readonly endToEnd: Partial<Record<E2eScenario, ScenarioResult>>;
  readonly direct: Partial<Record<DirectScenario, DirectFigures>>;
  /** Set once influxd has started. */
  influxVersion: string | null;
  /** Set once a PostgreSQL database was created. */
  postgresVersion: string | null;
}

/** ARCHITECTURE.md §7: telemetry ingest, edge → stored, everything on one 2-core machine. */
export const GOALS = { readingsPerSecond: 20_000, p99LagMs: 1_000 } as const;

/** The scenario the budget is judged on: the defaults a town runs (embedded store, SQLite). */
const JUDGED: E2eScenario = 'embedded-sqlite';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) =>
  Number.isNaN(n) ? 'n/a' : n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US');
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');
const cores = (n: number | null) => (n === null ? 'n/a' : `${Math.round(n * 100)} %`);

/** Share of a core and what it comes to per reading, e.g. `52 % (46 µs)`. */
const cpu = (n: number | null, perSecond: number) =>
  n === null ? 'n/a' : `${cores(n)} (${Math.round((n / perSecond) * 1e6)} µs)`;

const runOf = (r: ScenarioResult | undefined, kind: RunKind) =>
  r?.runs.find((x) => x.kind === kind);

function runLabel(run: RunFigures): string {
  const asked = run.askedPerSecond === null ? '' : `paced ${int(run.askedPerSecond)}/s`;
  switch (run.kind) {
    case 'flat-out':
      return 'flat out';
    case 'target-rate':
      return asked;
    case 'half-capacity':
      return `${asked} (½ flat out)`;
  }
}

function present<K extends string, T>(byName: Partial<Record<K, T>>, order: readonly K[]) {
  return order.flatMap((k) => {
    const v = byName[k];
    return v === undefined ? [] : [[k, v] as [K, T]];
  });
}

const E2E_ORDER: readonly E2eScenario[] = ['embedded-sqlite', 'embedded-postgres', 'influx-sqlite'];
const DIRECT_ORDER: readonly DirectScenario[] = ['embedded-direct', 'influx-direct'];

export function throughputTable(results: IngestBenchResults, options: IngestBenchOptions): string {
  const rows = present(results.endToEnd, E2E_ORDER).flatMap(([name, r]) =>
    r.runs.map((run) => {
      const base = results.direct[BASELINE_OF[STORE_OF[name]]];
      return [
        SCENARIO_LABEL[name],
        runLabel(run),
        int(run.offeredPerSecond),
        int(run.storedPerSecond),
        int(run.storedPerSecond * VALUES_PER_READING),
        run.kind === 'flat-out' && base !== undefined
          ? ratio(run.storedPerSecond / base.perSecond)
          : '—',
        ms(run.lagMs.p50),
        ms(run.lagMs.p95),
        ms(run.lagMs.p99),
        ms(run.lagMs.max),
        int(run.meanBatch),
      ];
    }),
  );
  return [
    `**End to end: ${int(options.devices)} agents → broker → API → store, QoS 1** ` +
      `(${int(options.messages)} readings of ${VALUES_PER_READING} values per run, after ` +
      `${int(options.warmup)} untimed; readings/s over first publish → last stored; lag in ms ` +
      'from the reading’s `at` to stored)',
    '',
    markdownTable(
      [
        'scenario',
        'run',
        'offered/s',
        'readings/s',
        'values/s',
        '× store straight',
        'lag p50',
        'p95',
        'p99',
        'max',
        'batch',
      ],
      textThenFigures(2, 9),
      rows,
    ),
  ].join('\n');
}

export function integrityTable(results: IngestBenchResults): string {
  const rows = present(results.endToEnd, E2E_ORDER).map(([name, r]) => {
    const d = r.delivery;
    const flat = runOf(r, 'flat-out');
    return [
      SCENARIO_LABEL[name],
      `${int(d.stored)} / ${int(d.sent)}`,
      int(d.missing),
      int(d.duplicates + d.unexpected),
      int(r.pipelineDuplicates),
      ...(flat === undefined
        ? ['n/a', 'n/a', 'n/a', 'n/a']
        : [
            cpu(flat.cores.api, flat.storedPerSecond),
            cpu(flat.cores.broker, flat.storedPerSecond),
            cpu(flat.cores.loadGen, flat.storedPerSecond),
            cpu(flat.cores.influxd, flat.storedPerSecond),
          ]),
    ];
  });
  return [
    '**Nothing lost, and CPU** (every reading of the scenario, warm-up included, looked up by ' +
      '(device, seq) in the store afterwards; CPU is the share of one core each process used ' +
      'during the flat-out run, and the CPU time per reading stored)',
    '',
    markdownTable(
      [
        'scenario',
        'stored / sent',
        'missing',
        'stored twice',
        'replays dropped',
        'API CPU',
        'broker CPU',
        'agents CPU',
        'influxd CPU',
      ],
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows,
    ),
  ].join('\n');
}

export function directTable(results: IngestBenchResults): string {
  const rows = present(results.direct, DIRECT_ORDER).map(([name, d]) => [
    SCENARIO_LABEL[name],
    int(d.batchSize),
    int(d.perSecond),
    int(d.perSecond * VALUES_PER_READING),
    cores(d.clientCores),
    cores(d.influxdCores),
  ]);
  return [
    '**Each store written straight** (the same readings’ points, `TimeSeriesStore.write` one ' +
      'batch after the other in the bench process, no broker, no MQTT; only the writes timed)',
    '',
    markdownTable(
      ['store', 'batch', 'readings/s', 'values/s', 'writer CPU', 'influxd CPU'],
      ['left', 'right', 'right', 'right', 'right', 'right'],
      rows,
    ),
  ].join('\n');
}

export function verdicts(results: IngestBenchResults, options: IngestBenchOptions): Verdict[] {
  const judged = results.endToEnd[JUDGED];
  const flat = runOf(judged, 'flat-out');
  const paced = runOf(judged, 'target-rate');
  const all = Object.values(results.endToEnd);
  const lost = all.reduce((a, r) => a + r.delivery.missing, 0);
  const twice = all.reduce((a, r) => a + r.delivery.duplicates + r.delivery.unexpected, 0);
  const sent = all.reduce((a, r) => a + r.delivery.sent, 0);
  const atGoalRate = options.ratePerSecond >= GOALS.readingsPerSecond;
  return [
    {
      goal: `≥ ${int(GOALS.readingsPerSecond)} readings/s, ${SCENARIO_LABEL[JUDGED]}`,
      measured: flat === undefined ? 'not measured' : `${int(flat.storedPerSecond)}/s`,
      pass: flat === undefined ? null : flat.storedPerSecond >= GOALS.readingsPerSecond,
    },
    {
      goal: 'nothing lost, nothing stored twice (every scenario)',
      measured:
        all.length === 0
          ? 'not measured'
          : `${int(lost)} lost, ${int(twice)} twice of ${int(sent)}`,
      pass: all.length === 0 ? null : lost === 0 && twice === 0,
    },
    {
      goal:
        `p99 lag ≤ ${int(GOALS.p99LagMs)} ms at ${int(options.ratePerSecond)} readings/s ` +
        `offered, ${SCENARIO_LABEL[JUDGED]}` +
        (atGoalRate ? '' : ' (below the budget’s rate)'),
      measured:
        paced === undefined
          ? 'not measured'
          : `${ms(paced.lagMs.p99)} ms (offered ${int(paced.offeredPerSecond)}/s)`,
      pass:
        paced === undefined
          ? null
          : paced.lagMs.p99 <= GOALS.p99LagMs &&
            paced.offeredPerSecond >= 0.95 * GOALS.readingsPerSecond,
    },
  ];
}

/** The tables and verdicts, as printed to the terminal and written to the docs. */
export function renderResults(results: IngestBenchResults, options: IngestBenchOptions): string {
  const parts: string[] = [];
  if (Object.keys(results.endToEnd).length > 0) {
    parts.push(throughputTable(results, options), integrityTable(results));
  }
  if (Object.keys(results.direct).length > 0) parts.push(directTable(results));
  parts.push(
    verdictTable(
      verdicts(results, options),
      '**Targets** (ARCHITECTURE.md §7: telemetry ingest, edge → stored, 2 cores, everything on ' +
        'one machine)',
    ),
  );
  return parts.join('\n\n');
}

/** The `bench:ingest` section of docs/benchmarks.md. */
export function renderDocSection(
  results: IngestBenchResults,
  options: IngestBenchOptions,
  run: RunContext,
): string {
  const allRuns = Object.values(results.endToEnd).flatMap((r) => r.runs);
  const ahead = (paced: boolean) =>
    Math.max(
      0,
      ...allRuns.filter((r) => (r.kind !== 'flat-out') === paced).map((r) => r.maxAheadMs),
    );
  const influx = results.influxVersion ?? 'InfluxDB not run';
  const batching = IngestionConfig.parse({ url: 'mqtt://127.0.0.1' });
  return renderBenchSection({
    title: 'Telemetry ingest: agents → broker → API → store',
    name: 'bench:ingest',
    quick: options.quick,
    run,
    tables: renderResults(results, options),
    notes: `- **A reading** is one MQTT message from one meter at one instant: an SDM630 reading of
  ${VALUES_PER_READING} quantities (voltages, currents, power, power factor, frequency, energy;
  ~300 bytes, built by \`TOPICS.telemetry.encode\`), which the store keeps as one point with
  ${VALUES_PER_READING} values plus its \`seq\`. _readings/s_ is what the budget counts;
  _values/s_ (${VALUES_PER_READING} per reading) is the "points/s" figure time-series databases
  advertise.
- **Pieces.** Each piece runs as in production, in its own process: the broker
  (\`startBroker\`, authenticating against the API's device registry), the API
  (\`startApiServer\` with \`mqtt\`: it provisions its \`cloud\` account, subscribes with a
  persistent session, journals each message before its PUBACK, batches of ≤
  ${int(batching.batchMaxMessages)} messages or ${batching.batchMaxDelayMs} ms (its defaults),
  dedup on (device, seq), store write, device status, seq ledger), and the
  ${int(options.devices)} simulated meters agents in the bench process (mqtt.js 5, one
  connection each, created through the API's \`DeviceService\` and authenticated by the broker,
  births first, ≤ ${options.window} publishes awaiting PUBACK each, round-robin). PostgreSQL
  state is a throw-away database on the machine's PostgreSQL
  (${results.postgresVersion ?? 'not run'}; its CPU is not counted);
  InfluxDB is a private \`influxd\` (${influx}) on ephemeral ports.
- **Runs.** After a warm-up: a _flat-out_ run, agents publishing as fast as PUBACKs come back
  (the throughput figure); a run _paced_ at ${int(options.ratePerSecond)} readings/s, sent
  evenly (the lag at the budget's rate); and one paced at half the flat-out rate (the lag of a
  pipeline that keeps up). _offered/s_ is what the agents really published; below the asked
  rate they were held back by full windows, i.e. by the broker. The API acknowledges a message
  once journalled, so when the store side falls behind, its journal grows and the lag with it.
- **Lag** is from the reading's \`at\` to the moment its batch reaches the API's last ingestion
  listener, after the store write and the device-status update (only the seq ledger save comes
  after); agents and API share the machine's clock. Paced, \`at\` is when the reading was due
  on the agents' schedule, so a reading held back by a full window counts that wait too (edge
  → stored, as on a real agent); flat out, \`at\` is when it was published, and that lag is
  mostly the API's backlog. A meter's readings get distinct milliseconds, because both stores
  keep one point per series and time: \`at\` was pushed at most ${ms(ahead(true))} ms past
  the reading's time in paced runs (${ms(ahead(false))} ms flat out, where a window's worth
  goes at once). Percentiles are nearest-rank.
- **Nothing lost** is checked in the store, not in counters: after each scenario every stored
  point's \`seq\` is read back per device and compared with what each agent sent (1..n, each
  exactly once). _replays dropped_ is the pipeline's own duplicate counter.
- **× store straight** is the flat-out rate over the same store written straight by the bench
  (batches the size of the end-to-end run's mean batch), i.e. how much of the store's own speed
  survives the way there.
- Figures move with whatever else the machine runs; on 2 cores the agents, the broker, the API
  and the store all share them. \`npm run bench:ingest -- --help\` lists the options
  (\`--quick\` leaves this file alone, \`--profile=DIR\` writes CPU profiles of the broker and
  the API).`,
  });
}
