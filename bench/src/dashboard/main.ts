/**
 * `npm run bench:dashboard`: the public dashboard's two budgets. Part A times the calls a
 * dashboard makes (a meter's chart, the town's kWh history, power now) on the embedded store
 * and on InfluxDB holding the same year of 1-minute readings from 50 meters; part B opens
 * 1,000 live viewers on the public feed and measures how soon an ingested reading reaches
 * each, against a single viewer. Printed as tables and written to docs/benchmarks.md.
 */
import { fileURLToPath } from 'node:url';
import { BenchRun, runMain } from '../bench-run.js';
import { parseDashboardOptions, USAGE } from './options.js';
import {
  renderDocSection,
  renderResults,
  resultProblems,
  type DashboardResults,
} from './report.js';
import { runLiveBench } from './live-bench.js';
import { runSeriesBench } from './series-bench.js';

const DOC_PATH = fileURLToPath(new URL('../../../docs/benchmarks.md', import.meta.url));
const CACHE_DIR = fileURLToPath(new URL('../../../data/bench-dashboard', import.meta.url));
const run = new BenchRun('bench:dashboard');
const log = (line: string): void => {
  run.log(line);
};

async function main(): Promise<number> {
  const options = parseDashboardOptions(process.argv.slice(2), process.env, {
    docPath: DOC_PATH,
    cacheDir: CACHE_DIR,
  });
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const results: DashboardResults = { series: null, live: null };
  let failure: unknown = null;
  try {
    if (options.parts.includes('series')) {
      results.series = await runSeriesBench(options.series, log);
    }
    if (options.parts.includes('live')) {
      results.live = await runLiveBench(options.live, log);
    }
  } catch (err) {
    failure = err;
  }
  process.stdout.write(`\n${renderResults(results, options)}\n\n`);
  return run.publish({
    docPath: options.docPath,
    failure,
    problems: resultProblems(results),
    render: (context) => renderDocSection(results, options, context),
  });
}

runMain(main);
