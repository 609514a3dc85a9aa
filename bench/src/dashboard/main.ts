/**
 * `npm run bench:dashboard`: the public dashboard's two budgets. Part A times the calls a
 * dashboard makes (a meter's chart, the town's kWh history, power now) on the embedded store
 * and on InfluxDB holding the same year of 1-minute readings from 50 meters; part B opens
 * 1,000 live viewers on the public feed and measures how soon an ingested reading reaches
 * each, against a single viewer. Printed as tables and written to docs/benchmarks.md.
 */
import { fileURLToPath } from 'node:url';
import { BENCHMARKS_DOC, benchMain, BenchRun } from '../bench-run.js';
import { parseDashboardOptions, USAGE, type DashboardBenchOptions } from './options.js';
import {
  renderDocSection,
  renderResults,
  resultProblems,
  type DashboardResults,
} from './report.js';
import { runLiveBench } from './live-bench.js';
import { runSeriesBench } from './series-bench.js';

const CACHE_DIR = fileURLToPath(new URL('../../../data/bench-dashboard', import.meta.url));
const run = new BenchRun('bench:dashboard');
const log = run.log;

async function main(options: DashboardBenchOptions): Promise<number> {
  const results: DashboardResults = { series: null, live: null };
  const failure = await run.attempt(async () => {
    if (options.parts.includes('series')) {
      results.series = await runSeriesBench(options.series, log);
    }
    if (options.parts.includes('live')) {
      results.live = await runLiveBench(options.live, log);
    }
  });
  return run.finish(renderResults(results, options), {
    docPath: options.docPath,
    failure,
    problems: resultProblems(results),
    render: (context) => renderDocSection(results, options, context),
  });
}

benchMain({
  parse: (argv, env) =>
    parseDashboardOptions(argv, env, { docPath: BENCHMARKS_DOC, cacheDir: CACHE_DIR }),
  usage: USAGE,
  main,
});
