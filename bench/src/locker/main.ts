/**
 * `npm run bench:locker`: how fast a locker bank opens, on real time, with everything real: the
 * API, our broker, the edge agent with its locker module, the KerongBus driver on a pty, and
 * firmware-sim's lock boards with their wire timing at 19,200 baud. Local pickup (kiosk code →
 * unlock frame) and remote unlock (API command → unlock frame), each against its baseline
 * measured in the same run (the driver alone; a bare MQTT publish). Printed as tables and
 * written to docs/benchmarks.md.
 */
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { KerongBusConfig } from '@hameau/edge-agent';
import { BENCHMARKS_DOC, benchMain, BenchRun } from '../bench-run.js';
import { BenchBank } from './bench-bank.js';
import { BenchCloud } from './bench-cloud.js';
import { measureDriver, type PathOptions } from './driver-baseline.js';
import type { LatencyResult } from './latency-sampler.js';
import { measureLocalPickup } from './local-pickup.js';
import { LockerAgent } from './locker-agent.js';
import { measureMqtt } from './mqtt-baseline.js';
import { parseLockerOptions, USAGE, type LockerBenchOptions } from './options.js';
import { measureRemoteUnlock } from './remote-unlock.js';
import {
  problemsOf,
  renderDocSection,
  renderResults,
  type LockerBenchResults,
  type LockerRunFacts,
} from './report.js';

const run = new BenchRun('bench:locker');
const log = run.log;

/** Every component logs warnings and errors only, to stderr. */
const componentLog = pino({ level: 'warn' }, pino.destination(2));

/** The driver's poll period with the module's defaults (a round of every board). */
const POLL_MS = KerongBusConfig.parse({
  transport: { type: 'serial', path: '/dev/null' },
  boards: [0],
}).pollMs;

function logResult(label: string, r: LatencyResult): void {
  const s = r.summary;
  log(
    `${label}: p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms, ` +
      `${r.failures.length} failed`,
  );
}

async function measureAll(
  options: LockerBenchOptions,
  results: LockerBenchResults,
  facts: { boxes: number },
): Promise<void> {
  let cloud: BenchCloud | null = null;
  let bank: BenchBank | null = null;
  let agent: LockerAgent | null = null;
  try {
    log('starting the API and the broker');
    cloud = await BenchCloud.start();
    bank = await BenchBank.start(options.boards, componentLog.child({ component: 'sim' }));
    facts.boxes = bank.boxes;
    const path: PathOptions = {
      samples: options.samples,
      warmup: options.warmup,
      log,
      cloudPid: cloud.pid,
    };

    log(`driver alone: ${options.boards} boards, ${bank.boxes} boxes on ${bank.path}`);
    results.driver = await measureDriver(bank, options.boards, path, componentLog);
    logResult('driver alone', results.driver);
    if (!bank.allLocked()) throw new Error('a door was left open after the driver baseline');

    log('starting the agent');
    agent = await LockerAgent.start({
      path: bank.path,
      boards: options.boards,
      mqttUrl: cloud.mqttUrl,
      login: cloud.agentLogin,
      log: componentLog.child({ component: 'agent' }),
    });
    await agent.untilInService();
    await cloud.untilAgentOnline();
    const rig = { bank, agent, cloud, pollMs: POLL_MS };

    results.local = await measureLocalPickup(rig, path);
    logResult('local pickup', results.local);

    results.mqtt = await measureMqtt(cloud, path, POLL_MS);
    logResult('bare MQTT', results.mqtt);

    log(
      `remote unlock: at most 60 a minute, about ${Math.ceil(
        (options.samples + options.warmup) / 60,
      )} min`,
    );
    results.remote = await measureRemoteUnlock(rig, path);
    logResult('remote unlock', results.remote);
  } finally {
    if (agent !== null) results.agentAlarms = [...agent.boxes.unexpected];
    if (bank !== null) results.strays = bank.strays.length;
    await agent?.stop();
    await bank?.stop();
    await cloud?.close();
  }
}

async function main(options: LockerBenchOptions): Promise<number> {
  const loadBefore = loadavg()[0] ?? 0;
  const results: LockerBenchResults = { strays: 0, agentAlarms: [] };
  const facts = { boxes: options.boards * 16 };
  const failure = await run.attempt(() => measureAll(options, results, facts));
  const loadAfter = loadavg()[0] ?? 0;
  const runFacts: LockerRunFacts = { pollMs: POLL_MS, boxes: facts.boxes };
  return run.finish(
    `${renderResults(results, options)}\n\n` +
      `Load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.`,
    {
      docPath: options.docPath,
      failure,
      problems: problemsOf(results),
      render: (context) => renderDocSection(results, options, runFacts, context),
    },
  );
}

benchMain({
  parse: (argv, env) => parseLockerOptions(argv, env, BENCHMARKS_DOC),
  usage: USAGE,
  main,
});
