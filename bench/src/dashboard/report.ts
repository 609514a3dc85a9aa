import { fileURLToPath } from 'node:url';
import { IngestionConfig } from '@hameau/cloud-api';
import {
  renderBenchSection,
  verdictTable,
  type RunContext,
  type Verdict,
} from '../bench-section.js';
import { PRIMED, type LiveResults } from './live-bench.js';
import { liveProblems, liveVerdict, renderLive } from './live-report.js';
import type { DashboardBenchOptions } from './options.js';
import type { SeriesResults } from './series-bench.js';
import { renderSeries, seriesProblems, seriesVerdict } from './series-report.js';
import { DATASET_END } from './town-dataset.js';

/** What a run measured; a part left out (or not reached) is null. */
export interface DashboardResults {
  series: SeriesResults | null;
  live: LiveResults | null;
}

/** Problems that make the figures meaningless (the docs are then left alone). */
export function resultProblems(results: DashboardResults): string[] {
  return [
    ...(results.series === null ? [] : seriesProblems(results.series)),
    ...(results.live === null ? [] : liveProblems(results.live)),
  ];
}

/** The tables and verdicts, as printed to the terminal and written to the docs. */
export function renderResults(results: DashboardResults, _options: DashboardBenchOptions): string {
  const parts: string[] = [];
  const verdicts: Verdict[] = [];
  if (results.series !== null) {
    parts.push(renderSeries(results.series));
    verdicts.push(seriesVerdict(results.series));
  }
  if (results.live !== null) {
    parts.push(renderLive(results.live));
    verdicts.push(liveVerdict(results.live));
  }
  parts.push(verdictTable(verdicts));
  return parts.join('\n\n');
}

/** What the series part loaded and timed, for the notes. */
function seriesNotes(series: SeriesResults): string {
  const { meters, days } = series.spec;
  const settle = series.influxSettle;
  return `- **Dataset** (\`bench/src/dashboard/town-dataset.ts\`): ${meters} meters on 10 sites, one
  reading a minute each for ${days} days up to ${isoMinute(DATASET_END)} UTC (noon in Paris), at
  each meter's own second of the minute; every point carries \`power_w\` (a building's load with
  morning and evening peaks, more in winter), \`energy_import_kwh\` (the counter of that power)
  and \`seq\`, and every tenth meter, behind solar panels, also \`energy_export_kwh\`: the points
  ingestion writes (\`telemetryToPoint\`), not all of an SDM630's quantities. It is generated
  once, deterministically, and cached in \`${relativeCache(series.cacheDir)}\`, keyed by its size;
  a cached load keeps the figures of the run that made it (_loaded_).
- **Loading.** Embedded: \`EmbeddedStore.write\` in batches of ${int(series.loads.embedded?.figures.batchSize ?? 0)} points (ingestion's
  batch), oldest first, one transaction each, with the default retention applied at each UTC
  midnight of the data (what its hourly run does, since it cuts whole days): the file ends as a
  store that has run for the whole span, raw points for 7 days, 1 min rollups for 30, 15 min
  for 400, 1 h and 1 day for ever. InfluxDB: the API's \`InfluxStore.write\` (line protocol in
  requests of 5,000 lines), ${series.loads.influxdb?.figures.concurrency ?? 0} batches in flight; it keeps every raw point (no
  rollups, default retention policy). Before timing, the bench waited until influxd was idle
  (snapshots and compactions after a load): ${settle === null ? 'not run' : `${settle.idle ? 'idle' : 'still busy'} after ${Math.round(settle.seconds)} s`}.
- **Calls** are the \`EnergyService\` calls the routes make, wired as the energy plugin wires
  them, over each store, asked at the dataset's last minute: a meter's chart
  (\`meterSeries\`, \`auto\` resolution, mean: 1 min for a day, 15 min for a week, 1 h for 30
  days, 1 day for a year, on both stores), the town's kWh history (\`kwh\` over
  \`historySpans\`: counters' \`last\` per hour and per day for 50 meters, grouped per meter,
  plus the reset flags), and power now (\`latest\`). _embedded reads_ is the resolution and the
  size of the answer. Caches are warm (two untimed calls first, and both stores' files fit in
  memory). _CPU_ is per call: for the embedded store, the bench process's, call by call (the
  store runs in it), which says what a call costs whatever the machine's load; for InfluxDB,
  influxd's plus the bench's (HTTP, JSON), a mean over the calls. _same answer_: both stores
  answered the same resolution and sizes and every value within 10⁻⁶; a difference fails the
  run.
- **Why InfluxDB is slower here.** It aggregates raw points at query time: a meter's year is
  ${int(Math.min(days, 365) * 1_440)} points to average where the embedded store reads one row a day, and the town's 30
  days of counters ${int(meters * Math.min(days, 30) * 1_440)} points per counter against ${int(meters * Math.min(days, 30) * 24)} hour rows. Power now goes through
  \`latest\` bounded to the day before (\`SELECT last(…) … WHERE time >= … GROUP BY *\`), so
  influxd reads a day of each meter; the embedded store reads one raw row per series.`;
}

function liveNotes(live: LiveResults): string {
  const batchDelayMs = IngestionConfig.parse({ url: 'mqtt://127.0.0.1' }).batchMaxDelayMs;
  return `- **Live viewers.** The broker (\`startBroker\`, devices from the API's registry) and the
  API (\`startApiServer\` with \`mqtt\`: ingestion batches of ≤ ${batchDelayMs} ms into the embedded store,
  then the public feed's listener) each run in a process of their own, as
  \`npm run bench:ingest\` starts them; the store starts with ${int(live.primedPoints)} points (${PRIMED.meters} meters, the last ${PRIMED.days}
  days) so that each update computes today's and yesterday's kWh and the green share over a
  town, not an empty store. ${live.devices} meters agents (registered devices, one MQTT connection
  each) publish QoS 1 readings round-robin in the bench process, ${int(live.ratePerSecond)}/s on average with
  each gap drawn between ½ and 1½ of the mean (evenly spaced readings would lock onto the
  feed's throttle period and all wait the same share of it); the viewers are plain HTTP event
  streams, one TCP connection each, in a third process.
- **Latency** is per viewer and per reading of the marker meter (agent 0), from its publish in
  the agents' process to the arrival of the first event that reflects it in the viewers'
  process (both on the machine's clock). The marker's power is its \`seq\` in megawatts, so
  \`floor(consumptionW / 10⁶)\` in the energy section says which reading an event reflects;
  updates are coalesced, so a reading counts as shown by the first event reflecting it or a
  later one. It covers MQTT, the broker, ingestion's batch and store write, the feed's throttle
  (\`minIntervalMs\`), the sections' computation and the fan-out; _feed → viewer_ is the last
  two alone (the payload's \`at\`, when computation began, to arrival). The baseline is the
  same run with one viewer, on the same API just before. _missed_ counts readings a viewer never
  saw, streams the server ended and unreadable events: any fails the run.`;
}

/** The `bench:dashboard` section of docs/benchmarks.md. */
export function renderDocSection(
  results: DashboardResults,
  options: DashboardBenchOptions,
  run: RunContext,
): string {
  const notes = [
    ...(results.series === null ? [] : [seriesNotes(results.series)]),
    ...(results.live === null ? [] : [liveNotes(results.live)]),
    `- Figures move with whatever else the machine runs (the load average above; on 2 cores the
  stores, broker, API, agents and viewers share them): wall-clock percentiles under load are
  upper bounds, and the ratios, measured in the same run, compare better than the absolute
  figures. \`npm run bench:dashboard -- --help\` lists the options (\`--quick\` leaves this file
  alone).`,
  ];
  return renderBenchSection({
    title: 'Dashboard: series queries and live viewers',
    name: 'bench:dashboard',
    quick: options.quick,
    run,
    tables: renderResults(results, options),
    notes: notes.join('\n'),
  });
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const isoMinute = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

/** The cache folder as the repository sees it, or as given. */
function relativeCache(dir: string): string {
  const repo = fileURLToPath(new URL('../../../', import.meta.url));
  return dir.startsWith(repo) ? dir.slice(repo.length) : dir;
}
