/**
 * `npm run bench:ingest`: readings per second from simulated meters agents through the broker
 * and the API into each time-series store, with the lag from reading to stored and a check that
 * nothing was lost, compared with each store written straight; printed as tables and written
 * to docs/benchmarks.md.
 */
import { mkdirSync } from 'node:fs';
import { BENCHMARKS_DOC, benchMain, BenchRun } from '../bench-run.js';
import { runDirectWrite } from './direct-write.js';
import { runEndToEnd } from './end-to-end.js';
import { startInfluxd, type Influxd } from './influxd-process.js';
import { parseIngestOptions, USAGE, type IngestBenchOptions } from './options.js';
import { renderDocSection, renderResults, type IngestBenchResults } from './report.js';
import { isE2e, SCENARIO_LABEL, STORE_OF, type StoreKind } from './scenarios.js';

const run = new BenchRun('bench:ingest');
const log = run.log;

/** The pipeline's default `batchMaxMessages`: the direct batch when no end-to-end run set one. */
const DEFAULT_BATCH = 5_000;

async function measureAll(options: IngestBenchOptions, results: IngestBenchResults) {
  let influxd: Influxd | null = null;
  try {
    if (options.scenarios.some((s) => STORE_OF[s] === 'influxdb')) {
      influxd = await startInfluxd();
      results.influxVersion = influxd.version;
      log(`influxd: ${influxd.version} at ${influxd.url}`);
    }
    for (const scenario of options.scenarios.filter(isE2e)) {
      const r = await runEndToEnd(scenario, { options, influxd, log });
      results.endToEnd[scenario] = r;
      results.postgresVersion ??= r.postgresVersion;
    }
    for (const scenario of options.scenarios) {
      if (isE2e(scenario)) continue;
      const batchSize = directBatch(results, STORE_OF[scenario]);
      log(`${SCENARIO_LABEL[scenario]}: ${options.messages} readings in batches of ${batchSize}`);
      const r = await runDirectWrite(scenario, {
        messages: options.messages,
        devices: options.devices,
        batchSize,
        influxd,
      });
      results.direct[scenario] = r;
      log(`${SCENARIO_LABEL[scenario]}: ${Math.round(r.perSecond)} readings/s`);
    }
  } finally {
    await influxd?.stop();
  }
}

/** The mean batch of the store's flat-out end-to-end run: the batches ingestion really wrote. */
function directBatch(results: IngestBenchResults, store: StoreKind): number {
  const runs = Object.values(results.endToEnd)
    .filter((r) => STORE_OF[r.scenario] === store)
    .flatMap((r) => r.runs.filter((run) => run.kind === 'flat-out'));
  const first = runs[0];
  return first === undefined ? DEFAULT_BATCH : Math.max(1, Math.round(first.meanBatch));
}

/** Lost or duplicated readings: the outcome that fails a finished run. */
function deliveryProblems(results: IngestBenchResults): string[] {
  return Object.values(results.endToEnd).flatMap((r) => {
    const d = r.delivery;
    return d.exact
      ? []
      : [
          `${SCENARIO_LABEL[r.scenario]}: ${d.missing} missing, ${d.duplicates} stored twice, ` +
            `${d.unexpected} never sent, of ${d.sent}`,
        ];
  });
}

async function main(options: IngestBenchOptions): Promise<number> {
  if (options.profileDir !== null) mkdirSync(options.profileDir, { recursive: true });
  const results: IngestBenchResults = {
    endToEnd: {},
    direct: {},
    influxVersion: null,
    postgresVersion: null,
  };
  const failure = await run.attempt(() => measureAll(options, results));
  return run.finish(renderResults(results, options), {
    docPath: options.docPath,
    failure,
    problems: deliveryProblems(results),
    problemLabel: 'readings lost',
    render: (context) => renderDocSection(results, options, context),
  });
}

benchMain({
  parse: (argv, env) => parseIngestOptions(argv, env, BENCHMARKS_DOC),
  usage: USAGE,
  main,
});
