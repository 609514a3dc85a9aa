import type { Summary } from '../percentiles.js';
import {
  renderBenchSection,
  verdictTable,
  type RunContext,
  type Verdict,
} from '../bench-section.js';
import { markdownTable } from '../markdown-table.js';
import type { FanInResult } from './fan-in-latency.js';
import type { BenchOptions } from './options.js';
import { TARGET_LABEL, TARGET_NAMES, type TargetName } from './targets.js';
import type { ThroughputResult } from './throughput.js';

/** What a run measured, per target; a target or load left out of the run has no entry. */
export interface BrokerBenchResults {
  readonly throughput: Partial<Record<TargetName, ThroughputResult>>;
  readonly fanIn: Partial<Record<TargetName, FanInResult>>;
  readonly versions: Partial<Record<TargetName, string>>;
}

/** The issue's targets for Hameau's broker (ARCHITECTURE.md §7). */
export const GOALS = { throughputRatio: 0.9, p99Ms: 5, clients: 3_000 } as const;

const BASELINE: TargetName = 'aedes';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (Number.isNaN(n) ? 'n/a' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');
const cores = (n: number | null) => (n === null ? 'n/a' : `${Math.round(n * 100)} %`);
/** Share of a core and what it comes to per message, e.g. `70 % (45 µs/msg)`. */
const cpu = (n: number | null, perSecond: number) =>
  n === null ? 'n/a' : `${cores(n)} (${Math.round((n / perSecond) * 1e6)} µs/msg)`;

function withRatio(value: number, base: number | undefined): string {
  return base === undefined ? ms(value) : `${ms(value)} (${ratio(value / base)})`;
}

function present<T>(byTarget: Partial<Record<TargetName, T>>): [TargetName, T][] {
  return TARGET_NAMES.flatMap((t) => {
    const r = byTarget[t];
    return r === undefined ? [] : [[t, r] as [TargetName, T]];
  });
}

export function throughputTable(results: BrokerBenchResults, options: BenchOptions): string {
  const t = options.throughput;
  const base = results.throughput[BASELINE]?.perSecond;
  const rows = present(results.throughput).map(([name, r]) => [
    TARGET_LABEL[name],
    int(r.perSecond),
    base === undefined ? 'n/a' : ratio(r.perSecond / base),
    cpu(r.brokerCores, r.perSecond),
    cores(r.loadGenCores),
  ]);
  return [
    `**Throughput, 1 publisher → 1 subscriber, QoS 1** (${int(t.messages)} messages timed after ` +
      `${int(t.warmup)} untimed; ≤ ${t.window} awaiting PUBACK; ~120-byte payloads)`,
    '',
    markdownTable(
      ['target', 'msg/s delivered', '× bare aedes', 'broker CPU', 'load-gen CPU'],
      ['left', 'right', 'right', 'right', 'right'],
      rows,
    ),
  ].join('\n');
}

export function fanInTable(results: BrokerBenchResults, options: BenchOptions): string {
  const f = options.fanIn;
  const base: Summary | undefined = results.fanIn[BASELINE]?.latencyMs;
  const rows = present(results.fanIn).map(([name, r]) => [
    TARGET_LABEL[name],
    withRatio(r.latencyMs.p50, base?.p50),
    withRatio(r.latencyMs.p95, base?.p95),
    withRatio(r.latencyMs.p99, base?.p99),
    withRatio(r.latencyMs.max, base?.max),
    `${int(r.delivered)} / ${int(r.sent)}${r.duplicates > 0 ? ` (+${r.duplicates} dup)` : ''}`,
    cpu(r.brokerCores, r.clients * r.ratePerClient),
    `${ms(r.loadGenLagP99Ms)} ms`,
    `${r.connectSeconds.toFixed(1)} s`,
  ]);
  return [
    `**Fan-in latency, ${int(f.clients)} clients × ${f.ratePerClient} msg/s, QoS 1, publish → ` +
      `deliver in ms (× bare aedes)** (${f.durationSeconds} s timed after ${f.warmupSeconds} s ` +
      'warm-up; sends spread evenly over each second)',
    '',
    markdownTable(
      [
        'target',
        'p50',
        'p95',
        'p99',
        'max',
        'delivered / sent',
        'broker CPU',
        'load-gen lag p99',
        'connect all',
      ],
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows,
    ),
  ].join('\n');
}

export function verdicts(results: BrokerBenchResults, options: BenchOptions): Verdict[] {
  const out: Verdict[] = [];
  const hameauTp = results.throughput.hameau?.perSecond;
  const bareTp = results.throughput[BASELINE]?.perSecond;
  out.push({
    goal: `hameau throughput ≥ ${GOALS.throughputRatio}× bare aedes`,
    measured:
      hameauTp === undefined || bareTp === undefined ? 'not measured' : ratio(hameauTp / bareTp),
    pass:
      hameauTp === undefined || bareTp === undefined
        ? null
        : hameauTp / bareTp >= GOALS.throughputRatio,
  });
  const fan = results.fanIn.hameau;
  const atIssueLoad = options.fanIn.clients === GOALS.clients && options.fanIn.ratePerClient === 1;
  out.push({
    goal:
      `hameau p99 ≤ ${GOALS.p99Ms} ms at ${int(GOALS.clients)} clients × 1 msg/s` +
      (atIssueLoad
        ? ''
        : ` (this run: ${int(options.fanIn.clients)} clients, not the issue's load)`),
    measured: fan === undefined ? 'not measured' : `${ms(fan.latencyMs.p99)} ms`,
    pass: fan === undefined ? null : fan.latencyMs.p99 <= GOALS.p99Ms,
  });
  return out;
}

/** The tables and verdicts, as printed to the terminal and written to the docs. */
export function renderResults(results: BrokerBenchResults, options: BenchOptions): string {
  const parts: string[] = [];
  if (options.loads.includes('throughput')) parts.push(throughputTable(results, options));
  if (options.loads.includes('fan-in')) parts.push(fanInTable(results, options));
  parts.push(verdictTable(verdicts(results, options)));
  return parts.join('\n\n');
}

/** The `bench:broker` section of docs/benchmarks.md. */
export function renderDocSection(
  results: BrokerBenchResults,
  options: BenchOptions,
  run: RunContext,
): string {
  const mosquitto = results.versions.mosquitto ?? 'version not reported';
  return renderBenchSection({
    title: 'Broker: hameau vs bare aedes vs mosquitto',
    name: 'bench:broker',
    quick: options.quick,
    run,
    tables: renderResults(results, options),
    notes: `- **Targets.** _hameau_ is \`startBroker\` with a \`MemoryCredentialStore\` holding one scrypt
  (N=2^14) hash per device, the protocol-table ACL on every publish and subscribe, and the packet
  size guard; WebSocket and HTTP are off. _bare aedes_ is \`Aedes.createBroker()\` with its
  defaults on \`net.createServer({ noDelay: true })\`. _mosquitto_ is the machine's own
  (${mosquitto}), anonymous, with this run's topics under a random \`bench/<run>/\` prefix.
  hameau and bare aedes get the same client ids and topics
  (\`hameau/v1/bench/<device>/telemetry/energy\`, the cloud subscribed to
  \`hameau/v1/+/+/telemetry/+\`).
- **Processes.** Each Node broker runs in a child process of its own, so like mosquitto it does
  not share an event loop with the load generator (one Node process, mqtt.js 5, MQTT 3.1.1,
  \`noDelay\` sockets). On 2 cores the broker, the load generator and anything else running
  share the CPU. Broker CPU is the broker process's share of one core while timed, and the CPU
  time that comes to per delivered message.
- **Connection limits.** hameau's per-address connection rate limit is raised to
  ${int(options.connectionsPerSecond)}/s (burst the same) for the bench, because every client
  comes from 127.0.0.1; the defaults (10/s, burst 50) would refuse the fan-in clients. Clients
  connect ${options.fanIn.connectBatch} at a time; hameau's connect time is its scrypt checks.
- **Throughput.** The publisher keeps ≤ ${options.throughput.window} publishes awaiting PUBACK
  and also waits while ${int(options.throughput.maxBacklog)} messages are published but not yet
  delivered: brokers ack a QoS 1 publish on receipt, and mosquitto drops QoS 1 messages queued
  for a subscriber past its default \`max_queued_messages\` (1,000).
- **Latency.** Each payload carries its send time (\`performance.now()\`) and publisher and
  subscriber live in the same process, so publish → deliver needs no clock sync. It includes
  the load generator's own pauses (garbage collection, being descheduled): its event-loop
  delay p99 is the load-gen lag column, and mosquitto's p99 shows the floor this machine and
  load generator can resolve. Percentiles are nearest-rank. Any lost message fails the run.
- Figures move with whatever else the machine runs; compare the ratios within one run.
  \`npm run bench:broker -- --help\` lists the options (\`--quick\` for a short run that leaves
  this file alone, \`--profile=DIR\` for CPU profiles of the Node brokers).`,
  });
}
