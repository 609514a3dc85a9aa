import {
  renderBenchSection,
  verdictTable,
  type RunContext,
  type Verdict,
} from '../bench-section.js';
import { markdownTable } from '../markdown-table.js';
import type { AgentRun } from './measure-agent.js';
import type { AgentBenchOptions } from './options.js';

/** ARCHITECTURE.md §7: "edge agent with all modules, idle: RSS ≤ 100 MB, CPU ≤ 2 %". */
export const BUDGET = { rssBytes: 100e6, cpu: 0.02 } as const;

/** What a run measured; an agent whose run failed is null. */
export interface AgentBenchResults {
  readonly baseline: AgentRun | null;
  readonly full: AgentRun | null;
  /** The agents' node version (the bench runs the same binary) and flags. */
  readonly node: string;
  readonly nodeFlags: readonly string[];
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const pct = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 2 : 1)} %`;
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
const perMin = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

const LABEL = { baseline: 'baseline: link + outbox', full: 'all modules' } as const;

/** Problems that make the run's figures meaningless (docs are then left alone). */
export function problemsOf(results: AgentBenchResults): string[] {
  const problems: string[] = [];
  for (const run of [results.baseline, results.full]) {
    if (run === null) continue;
    const name = LABEL[run.variant];
    if (run.summary === null) problems.push(`${name}: too few samples`);
    if (run.exit.code !== 0) {
      problems.push(`${name}: exited with code ${run.exit.code} (${run.exit.signal})`);
    }
    for (const w of run.warnings.filter((line) => line.level >= 50)) {
      problems.push(`${name}: logged an error: ${w.msg}`);
    }
  }
  const { baseline, full } = results;
  if (baseline === null || full === null) problems.push('an agent was not measured');
  if (baseline !== null) {
    const t = baseline.trafficTotal;
    // The devices answer only the full agent: anything here is another client on their ports.
    if (t.lockBoards + t.meters + t.lampNodes > 0) {
      problems.push(`${LABEL.baseline}: the simulated devices were busy without modules`);
    }
  }
  if (full !== null) {
    const t = full.trafficTotal;
    if (t.lockBoards === 0) problems.push(`${LABEL.full}: the lock boards were never polled`);
    if (t.meters === 0) problems.push(`${LABEL.full}: the meters were never read`);
    if (t.lampNodes === 0) problems.push(`${LABEL.full}: the lamp nodes were never addressed`);
    if (full.kiosk !== null && full.kiosk.inService === 0) {
      problems.push(`${LABEL.full}: the kiosk never said the bank is in service`);
    }
  }
  return problems;
}

/** The budget, against the all-modules agent. */
export function verdicts(results: AgentBenchResults): Verdict[] {
  const s = results.full?.summary ?? null;
  return [
    {
      goal: `RSS ≤ ${mb(BUDGET.rssBytes)} MB (the largest sample)`,
      measured:
        s === null ? 'not measured' : `${mb(s.maxRssBytes)} MB (mean ${mb(s.meanRssBytes)})`,
      pass: s === null ? null : s.maxRssBytes <= BUDGET.rssBytes,
    },
    {
      goal: `CPU ≤ ${pct(BUDGET.cpu)} of one core (mean over the window)`,
      measured:
        s === null
          ? 'not measured'
          : `${pct(s.meanCpu)} (busiest ${s.windowSeconds.toFixed(0)} s: ${pct(s.peakCpu)})`,
      pass: s === null ? null : s.meanCpu <= BUDGET.cpu,
    },
  ];
}

function costTable(results: AgentBenchResults): string {
  const base = results.baseline?.summary ?? null;
  const rows = [results.baseline, results.full].flatMap((run) => {
    if (run?.summary == null) return [];
    const s = run.summary;
    return [
      [
        LABEL[run.variant],
        run.modules.length === 0 ? '—' : run.modules.join(', '),
        mb(s.meanRssBytes),
        mb(s.maxRssBytes),
        `${mb(s.meanRssAnonBytes)} / ${mb(s.meanRssBytes - s.meanRssAnonBytes)}`,
        `${mb(s.firstRssBytes)} → ${mb(s.lastRssBytes)}`,
        pct(s.meanCpu),
        pct(s.peakCpu),
        String(s.maxThreads),
        run.startSeconds.toFixed(1),
      ],
    ];
  });
  const full = results.full?.summary ?? null;
  if (base !== null && full !== null) {
    rows.push([
      '× baseline',
      '',
      ratio(full.meanRssBytes, base.meanRssBytes),
      ratio(full.maxRssBytes, base.maxRssBytes),
      `${ratio(full.meanRssAnonBytes, base.meanRssAnonBytes)} / ${ratio(
        full.meanRssBytes - full.meanRssAnonBytes,
        base.meanRssBytes - base.meanRssAnonBytes,
      )}`,
      '',
      ratio(full.meanCpu, base.meanCpu),
      ratio(full.peakCpu, base.peakCpu),
      '',
      '',
    ]);
  }
  return markdownTable(
    [
      'agent',
      'modules',
      'RSS mean MB',
      'RSS max MB',
      'of which anon / files',
      'RSS first → last',
      'CPU mean',
      'CPU busiest 10 s',
      'threads',
      'online after s',
    ],
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    rows,
  );
}

function activityTable(results: AgentBenchResults): string {
  const rows = [results.baseline, results.full].flatMap((run) => {
    if (run === null) return [];
    const t = run.trafficPerMinute;
    const errors = run.warnings.filter((w) => w.level >= 50).length;
    return [
      [
        LABEL[run.variant],
        perMin(t.lockBoards),
        perMin(t.meters),
        perMin(t.lampNodes),
        run.kiosk === null ? '—' : `${run.kiosk.inService} / ${run.kiosk.polls}`,
        run.outboxDepth === null ? 'n/a' : String(run.outboxDepth),
        `${run.warnings.length - errors} / ${errors}`,
      ],
    ];
  });
  return markdownTable(
    [
      'agent',
      'lock-board requests/min',
      'meter requests/min',
      'lamp-node requests/min',
      'kiosk in service',
      'outbox depth',
      'warnings / errors',
    ],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    rows,
  );
}

/** The tables, for the terminal and the doc. */
export function renderResults(results: AgentBenchResults, options: AgentBenchOptions): string {
  const flags = results.nodeFlags.length === 0 ? 'no flags' : `\`${results.nodeFlags.join(' ')}\``;
  const warnings = [results.baseline, results.full].flatMap((run) =>
    run === null
      ? []
      : [...new Set(run.warnings.map((w) => w.msg))].map((m) => `${LABEL[run.variant]}: ${m}`),
  );
  return [
    `**Idle cost of one agent process** (${options.warmupSeconds} s warm-up, then ${options.seconds} s sampled every ${options.intervalMs} ms; node ${results.node}, ${flags}; CPU as a share of one core)`,
    '',
    costTable(results),
    '',
    verdictTable(verdicts(results), '**Budget** (ARCHITECTURE.md §7, the all-modules agent)'),
    '',
    '**What the agents did while sampled**',
    '',
    activityTable(results),
    ...(warnings.length === 0
      ? []
      : ['', 'Warnings logged:', '', ...warnings.map((w) => `- ${w}`)]),
  ].join('\n');
}

/** The `bench:agent` section of docs/benchmarks.md. */
export function renderDocSection(
  results: AgentBenchResults,
  options: AgentBenchOptions,
  run: RunContext,
): string {
  return renderBenchSection({
    title: 'Edge agent: idle RSS and CPU',
    name: 'bench:agent',
    quick: options.quick,
    ...(options.nodeFlags.length > 0 && {
      flags: ` --node-flags="${options.nodeFlags.join(' ')}"`,
    }),
    run,
    tables: renderResults(results, options),
    notes: NOTES,
  });
}

const NOTES = `- **What runs.** One edge agent at a time, as a process of its own, the way a site's box runs
  it: \`node cli/bin/hameau.js agent --config site.yaml\` on the built JavaScript
  (\`npm run build\`; no tsx, no \`NODE_OPTIONS\`), logging at \`warn\`. The pid sampled is
  node's own. Around it, in the bench process: our broker and the API (SQLite, ingesting and
  acknowledging what the agent sends), and the demo town's simulated devices
  (\`firmware-sim/scenarios/demo-town.yaml\`) on loopback TCP.
- **The two agents.** The _baseline_ has no module: the MQTT link, the outbox and its stats,
  the database, the command and desired-config machinery, which every agent runs. The
  _all modules_ agent adds \`locker\` (the town hall's two lock boards behind a TCP gateway,
  polled at the driver's default 250 ms, and its kiosk page, asked for the bank's status every
  15 s as the page on the screen does), \`metering\` (the town's five meters, including the
  lighting cabinet's, at the default 60 s interval) and \`lighting\` (nine lamp nodes in three
  zones, a decision a minute, the cabinet check against its meter). Every other setting is the
  agent's default (\`bench/src/agent/agent-site.ts\`). _× baseline_ is what the modules cost.
- **How it is sampled.** After the warm-up, \`/proc/<pid>/status\` (\`VmRSS\`, \`RssAnon\`,
  \`Threads\`) and \`/proc/<pid>/stat\` (user + system ticks) once per interval; CPU is the
  tick delta over the wall time between the first and the last sample, so no tick between
  samples is missed; _busiest 10 s_ is the highest such share over any 10 s stretch. The
  budget's RSS is checked against the largest sample, and MB is 10⁶ bytes (the stricter
  reading of the budget).
- **Anon / files.** \`RssAnon\` is what the agent allocated: the V8 heap, malloc (SQLite's
  page cache among it), thread stacks. The rest is file pages, most of them node's own binary
  (about 47 MB of the 99 MB official build in the all-modules agent; a node process that runs
  nothing has 43 MB of RSS): they count in RSS, but they are clean pages shared with every
  other node process on the box, which the kernel can drop and read again under memory pressure.
- **What it does not say.** RSS follows the garbage collector: it grows between collections
  and falls after one, so two runs differ by a few MB (the _first → last_ column shows the drift
  within one). V8 sizes its heap limits from the machine's memory (24 GiB here); the heap the
  agent uses is far below them, but a Pi was not measured. Its cores are slower than these x86
  ones, so the CPU share there will be a few times this one. \`--node-flags\` runs both agents
  with other flags (e.g. \`--max-semi-space-size=1\`).
- \`npm run bench:agent -- --help\` lists the options (\`--quick\` leaves this file alone).`;
