/**
 * `npm run bench:lighting`: how fast the street-lighting controller decides (50 zones × a year
 * of minutes through the real `LightingController`, against a sun-only controller in the same
 * loop), and how long a technician's override takes from the cloud API to the lamp nodes'
 * registers, on real time with everything real, against a bare MQTT publish and a bare Modbus
 * write measured in the same run. Printed as tables and written to docs/benchmarks.md.
 */
import { pino } from 'pino';
import { dayNumber, LightingController, ZonedTime } from '@hameau/edge-agent';
import { BENCHMARKS_DOC, benchMain, BenchRun } from '../bench-run.js';
import { benchConfig, benchWeather } from './bench-town.js';
import { runDecisionLoop, type LoopResult } from './decision-loop.js';
import { parseLightingOptions, USAGE, type LightingBenchOptions } from './options.js';
import { measureOverrideLatency, type OverrideLatencyResult } from './override-latency.js';
import {
  problemsOf,
  renderDocSection,
  renderResults,
  type LightingBenchResults,
} from './report.js';
import { SunOnlyController } from './sun-only-controller.js';

const MINUTE_MS = 60_000;
const run = new BenchRun('bench:lighting');
const log = run.log;
/** Every component of the override path logs warnings and errors only, to stderr. */
const componentLog = pino({ level: 'warn' }, pino.destination(2));

function logLatency(latency: OverrideLatencyResult): void {
  for (const [label, r] of [
    ['Modbus write', latency.modbus],
    ['bare MQTT', latency.mqtt],
    ['API override', latency.override],
  ] as const) {
    const s = r.summary;
    log(
      `${label}: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms, ` +
        `${r.failures.length} failed`,
    );
  }
}

async function overrideLatency(
  options: LightingBenchOptions,
): Promise<OverrideLatencyResult | null> {
  if (options.overrides === 0) return null;
  const latency = await measureOverrideLatency(
    { samples: options.overrides, warmup: options.warmup, log, cloudPid: null },
    componentLog,
  );
  logLatency(latency);
  return latency;
}

async function main(options: LightingBenchOptions): Promise<number> {
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
  let latency: OverrideLatencyResult | null = null;
  const failure = await run.attempt(async () => {
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
    // After the decisions, which are timed on this process's CPU alone.
    latency = await overrideLatency(options);
  });
  const results: LightingBenchResults = {
    zones: zones.length,
    minutes,
    baseline,
    controller,
    overrideLatency: latency,
  };
  return run.finish(failure === null ? renderResults(results, options) : null, {
    docPath: options.docPath,
    failure,
    problems: failure === null ? problemsOf(results) : [],
    render: (context) => renderDocSection(results, options, context),
  });
}

benchMain({
  parse: (argv, env) => parseLightingOptions(argv, env, BENCHMARKS_DOC),
  usage: USAGE,
  main,
});
