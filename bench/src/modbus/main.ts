/**
 * `npm run bench:modbus`: the edge agent's metering poller against firmware-sim meters, on real
 * time: how close one RTU bus comes to what its baud rate allows, what a dead meter costs the
 * others, and how many reads per second 50 meters over Modbus TCP give. Printed as tables and
 * written to docs/benchmarks.md.
 */
import { pino } from 'pino';
import { BENCHMARKS_DOC, benchMain, BenchRun } from '../bench-run.js';
import {
  planFromWire,
  rtuAgentCase,
  rtuBareCase,
  rtuDeadCase,
  tcpCase,
  type ModbusBenchResults,
  type RtuResults,
} from './modbus-cases.js';
import { parseModbusOptions, USAGE, type ModbusBenchOptions } from './options.js';
import { efficiency, failedReads, liveRate, renderDocSection, renderResults } from './report.js';
import { runCase, type CaseResult, type CaseSpec } from './run-case.js';

const run = new BenchRun('bench:modbus');
const log = run.log;

/** The agent logs errors only: its MQTT link fails on purpose, and dead meters are expected. */
const agentLog = pino({ name: 'agent', level: 'error' }, pino.destination(2));

async function measure(spec: CaseSpec): Promise<CaseResult> {
  log(`${spec.key}: ${spec.warmupMs / 1000} s warm-up, ${spec.durationMs / 1000} s timed`);
  const result = await runCase(spec, agentLog);
  const e = efficiency(result);
  log(
    `${spec.key}: ${liveRate(result).toFixed(1)} reads/s` +
      (Number.isFinite(e) ? ` (${(e * 100).toFixed(1)} % of the ceiling)` : '') +
      `, ${failedReads(result)} failed`,
  );
  return result;
}

async function measureAll(options: ModbusBenchOptions, results: ModbusBenchResults): Promise<void> {
  const wants = (g: ModbusBenchOptions['groups'][number]) => options.groups.includes(g);
  for (const baud of options.bauds) {
    const r: RtuResults = { baud };
    results.rtu.push(r);
    // The dead-meter case right after the one it is compared with, so the machine's other load
    // has the least time to change between the two.
    if (wants('rtu')) r.agent = await measure(rtuAgentCase(options, baud));
    if (wants('dead')) r.dead = await measure(rtuDeadCase(options, baud));
    if (wants('bare') && r.agent !== undefined) {
      r.bare = await measure(rtuBareCase(options, baud, planFromWire(r.agent)));
    }
  }
  if (wants('tcp')) results.tcp.ports = await measure(tcpCase(options, 'ports'));
  if (wants('gateways')) results.tcp.gateways = await measure(tcpCase(options, 'gateways'));
}

async function main(options: ModbusBenchOptions): Promise<number> {
  const results: ModbusBenchResults = { rtu: [], tcp: {} };
  const failure = await run.attempt(() => measureAll(options, results));
  // Baud rates whose cases did not run (a failure part-way) leave nothing to print.
  results.rtu = results.rtu.filter((r) => r.agent ?? r.bare ?? r.dead);
  return run.finish(renderResults(results, options), {
    docPath: options.docPath,
    failure,
    render: (context) => renderDocSection(results, options, context),
  });
}

benchMain({
  parse: (argv, env) => parseModbusOptions(argv, env, BENCHMARKS_DOC),
  usage: USAGE,
  main,
});
