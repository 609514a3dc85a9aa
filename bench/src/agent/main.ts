/**
 * `npm run bench:agent`: what one edge agent costs when idle, RSS and CPU, measured on its own
 * process with everything real around it: our broker and the API ingesting, the demo town's
 * simulated lock boards, meters and lamp nodes. An agent with all modules against a baseline
 * agent with none, in the same run, and the budget of ARCHITECTURE.md §7 (RSS ≤ 100 MB,
 * CPU ≤ 2 %). Printed as tables and written to docs/benchmarks.md.
 */
import { pino } from 'pino';
import { BENCHMARKS_DOC, benchMain, BenchRun } from '../bench-run.js';
import { AgentProcess } from './agent-process.js';
import { IdleTown } from './idle-town.js';
import { measureAgent, type AgentRun } from './measure-agent.js';
import { parseAgentOptions, USAGE, type AgentBenchOptions } from './options.js';
import { problemsOf, renderDocSection, renderResults, type AgentBenchResults } from './report.js';

const run = new BenchRun('bench:agent');
const log = run.log;
/** The cloud and the simulators log warnings and errors only, to stderr. */
const componentLog = pino({ level: 'warn' }, pino.destination(2));

function logRun(r: AgentRun): void {
  const s = r.summary;
  if (s === null) return;
  log(
    `${r.variant}: RSS mean ${(s.meanRssBytes / 1e6).toFixed(1)} MB, max ${(s.maxRssBytes / 1e6).toFixed(1)} MB; ` +
      `CPU mean ${(s.meanCpu * 100).toFixed(2)} %, busiest ${s.windowSeconds.toFixed(0)} s ` +
      `${(s.peakCpu * 100).toFixed(2)} %; ${r.warnings.length} warning(s)`,
  );
}

async function main(options: AgentBenchOptions): Promise<number> {
  AgentProcess.requireBuild();
  let baseline: AgentRun | null = null;
  let full: AgentRun | null = null;
  const failure = await run.attempt(async () => {
    log('starting the broker, the API and the demo town’s devices');
    const town = await IdleTown.start(componentLog);
    try {
      const measure = { ...options, log };
      // One agent at a time, so neither shares the machine with the other.
      baseline = await measureAgent('baseline', town, measure);
      logRun(baseline);
      full = await measureAgent('full', town, measure);
      logRun(full);
    } finally {
      await town.stop();
    }
  });
  const results: AgentBenchResults = {
    baseline,
    full,
    // The agents run this process's node binary.
    node: process.version,
    nodeFlags: options.nodeFlags,
  };
  return run.finish(renderResults(results, options), {
    docPath: options.docPath,
    failure,
    problems: failure === null ? problemsOf(results) : [],
    render: (context) => renderDocSection(results, options, context),
  });
}

benchMain({
  parse: (argv, env) => parseAgentOptions(argv, env, BENCHMARKS_DOC),
  usage: USAGE,
  main,
});
