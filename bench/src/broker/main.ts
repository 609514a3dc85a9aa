/**
 * `npm run bench:broker`: Hameau's broker against bare aedes and mosquitto under the same two
 * loads, printed as a ratio table and written to docs/benchmarks.md.
 */
import { mkdirSync } from 'node:fs';
import { requireOpenFiles } from '../fd-limit.js';
import { BENCHMARKS_DOC, benchMain, BenchRun } from '../bench-run.js';
import { runFanInLatency } from './fan-in-latency.js';
import { parseBenchOptions, USAGE, type BenchOptions } from './options.js';
import { renderDocSection, renderResults, type BrokerBenchResults } from './report.js';
import { startTarget, TARGET_LABEL, type Target } from './targets.js';
import { runThroughput } from './throughput.js';

const run = new BenchRun('bench:broker');
const log = run.log;

/** Sockets besides the fan-in clients: subscribers, the throughput pair, files, IPC. */
const SPARE_FILES = 256;

async function measureAll(options: BenchOptions, results: BrokerBenchResults): Promise<void> {
  const targets: Target[] = [];
  try {
    // Every broker is started before anything is timed: hameau's accounts cost minutes of
    // scrypt, which must not overlap a measurement. An idle broker costs nothing meanwhile.
    for (const name of options.targets) {
      const target = await startTarget(name, {
        devices: options.loads.includes('fan-in') ? options.fanIn.clients : 0,
        connectionsPerSecond: options.connectionsPerSecond,
        mosquittoUrl: options.mosquittoUrl,
        profileDir: options.profileDir,
        log,
      });
      targets.push(target);
      if (target.version !== null) results.versions[name] = target.version;
    }
    // Load by load, so the targets of one row are measured close together in time.
    if (options.loads.includes('throughput')) {
      for (const target of targets) {
        log(`${TARGET_LABEL[target.name]}: throughput, ${options.throughput.messages} messages`);
        const r = await runThroughput(target, options.throughput);
        results.throughput[target.name] = r;
        log(`${TARGET_LABEL[target.name]}: ${Math.round(r.perSecond)} msg/s`);
      }
    }
    if (options.loads.includes('fan-in')) {
      for (const target of targets) {
        log(`${TARGET_LABEL[target.name]}: fan-in, connecting ${options.fanIn.clients} clients`);
        const r = await runFanInLatency(target, { ...options.fanIn, log });
        results.fanIn[target.name] = r;
        log(
          `${TARGET_LABEL[target.name]}: p50 ${r.latencyMs.p50.toFixed(2)} ms, ` +
            `p99 ${r.latencyMs.p99.toFixed(2)} ms, delivered ${r.delivered}/${r.sent}`,
        );
      }
    }
  } finally {
    await Promise.all(targets.map((t) => t.close()));
  }
}

/** Lost, duplicated or unacknowledged messages: the one outcome that fails a finished run. */
function deliveryProblems(results: BrokerBenchResults): string[] {
  return Object.entries(results.fanIn).flatMap(([name, r]) => {
    const problems: string[] = [];
    if (r.delivered < r.sent) problems.push(`${name}: lost ${r.sent - r.delivered} of ${r.sent}`);
    if (r.unacked > 0) problems.push(`${name}: ${r.unacked} publishes never acknowledged`);
    return problems;
  });
}

async function main(options: BenchOptions): Promise<number> {
  if (options.loads.includes('fan-in')) {
    requireOpenFiles(
      options.fanIn.clients + SPARE_FILES,
      `${options.fanIn.clients} fan-in clients`,
    );
  }
  if (options.profileDir !== null) mkdirSync(options.profileDir, { recursive: true });

  const results: BrokerBenchResults = { throughput: {}, fanIn: {}, versions: {} };
  const failure = await run.attempt(() => measureAll(options, results));
  return run.finish(renderResults(results, options), {
    docPath: options.docPath,
    failure,
    problems: deliveryProblems(results),
    problemLabel: 'message loss',
    render: (context) => renderDocSection(results, options, context),
  });
}

benchMain({
  parse: (argv, env) => parseBenchOptions(argv, env, BENCHMARKS_DOC),
  usage: USAGE,
  main,
});
