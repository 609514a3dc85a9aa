/**
 * `npm run bench:lighting`: how fast the street-lighting controller decides: 50 zones × a year
 * of minutes through the real `LightingController`, against a sun-only controller in the same
 * loop. The override latency (cloud API → lamp node register) has its place in the report and
 * is not measured yet. Printed as tables and written to docs/benchmarks.md.
 */
import { fileURLToPath } from 'node:url';
import { dayNumber, LightingController, ZonedTime } from '@hameau/edge-agent';
import { BenchRun, runMain } from '../bench-run.js';
import { benchConfig, benchWeather } from './bench-town.js';
import { runDecisionLoop, type LoopResult } from './decision-loop.js';
import { parseLightingOptions, USAGE } from './options.js';
import {
  problemsOf,
  renderDocSection,
  renderResults,
  type LightingBenchResults,
} from './report.js';
import { SunOnlyController } from './sun-only-controller.js';

const DOC_PATH = fileURLToPath(new URL('../../../docs/benchmarks.md', import.meta.url));
const MINUTE_MS = 60_000;
const run = new BenchRun('bench:lighting');

function main(): number {
  const options = parseLightingOptions(process.argv.slice(2), process.env, DOC_PATH);
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = benchConfig(options.zones, options.year);
  const time = new ZonedTime(config.site.timeZone);
  const firstDay = dayNumber(options.year, 1, 1);
  const from = time.instantOf(firstDay, 0);
  const to = time.instantOf(firstDay + options.days, 0);
  const minutes = (to - from) / MINUTE_MS;
  const zones = config.zones.map((z) => z.id);
  const weather = benchWeather(from, to);
  run.log(
    `${zones.length} zones × ${minutes.toLocaleString('en-US')} minutes, ${config.events.length} events, ` +
      `${weather.length} weather reports, ${options.rounds} round(s)`,
  );

  const baseline: LoopResult[] = [];
  const controller: LoopResult[] = [];
  let failure: unknown = null;
  try {
    // Untimed: a day of each, so both are compiled by the JIT before the clock starts.
    const warmTo = Math.min(to, from + 1_440 * MINUTE_MS);
    runDecisionLoop(new SunOnlyController(config, from, to), zones, from, warmTo, weather);
    runDecisionLoop(new LightingController(config), zones, from, warmTo, weather);
    for (let round = 1; round <= options.rounds; round++) {
      // Fresh controllers each round: no plan or cache carried over from the last pass.
      const sunOnly = new SunOnlyController(config, from, to);
      const b = runDecisionLoop(sunOnly, zones, from, to, weather);
      baseline.push(b);
      run.log(`round ${round}: sun-only ${(b.wallMs / 1000).toFixed(2)} s`);
      const c = runDecisionLoop(new LightingController(config), zones, from, to, weather);
      controller.push(c);
      run.log(
        `round ${round}: controller ${(c.wallMs / 1000).toFixed(2)} s (${(c.wallMs / b.wallMs).toFixed(2)}× sun-only)`,
      );
    }
  } catch (err) {
    failure = err;
  }
  const results: LightingBenchResults = {
    zones: zones.length,
    minutes,
    baseline,
    controller,
    overrideLatency: null,
  };
  if (failure === null) process.stdout.write(`\n${renderResults(results, options)}\n\n`);
  return run.publish({
    docPath: options.docPath,
    failure,
    problems: failure === null ? problemsOf(results) : [],
    render: (context) => renderDocSection(results, options, context),
  });
}

// The executor turns a throw (bad options) into a rejection, which runMain reports.
runMain(
  () =>
    new Promise<number>((resolve) => {
      resolve(main());
    }),
);
