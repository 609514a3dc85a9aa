import type { WeatherInput } from '@hameau/edge-agent';
import type { Decider } from './sun-only-controller.js';

// One timed pass: every zone decided once per simulated minute, the weather report of the hour
// passed in, and the reason trace read whenever a zone's level changes (what the agent logs).

const MINUTE_MS = 60_000;

/** What a pass did and how long it took. */
export interface LoopResult {
  readonly decisions: number;
  readonly wallMs: number;
  /** CPU time of the process (user + system) during the pass. */
  readonly cpuMs: number;
  /** Zone-minutes lit: both controllers must agree on them. */
  readonly litMinutes: number;
  /** Traces read (one per level change). */
  readonly traces: number;
  /** Σ levels: the loop's result, so that no work can be skipped. */
  readonly levelSum: number;
}

/** Decides `zones` every minute of [from, to). */
export function runDecisionLoop(
  decider: Decider,
  zones: readonly string[],
  from: number,
  to: number,
  weather: readonly WeatherInput[],
): LoopResult {
  const last = new Int16Array(zones.length).fill(-1);
  let report = 0;
  let decisions = 0;
  let litMinutes = 0;
  let traces = 0;
  let levelSum = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let t = from; t < to; t += MINUTE_MS) {
    while ((weather[report + 1]?.observedAt ?? Infinity) <= t) report++;
    const current = weather[report];
    const inputs = { weather: current !== undefined && current.observedAt <= t ? current : null };
    for (let z = 0; z < zones.length; z++) {
      const decision = decider.decide(zones[z] ?? '', inputs, t);
      decisions++;
      if (decision.lit) litMinutes++;
      levelSum += decision.level;
      if (decision.level !== last[z]) {
        last[z] = decision.level;
        traces += decision.reasons.length > 0 ? 1 : 0;
      }
    }
  }
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    decisions,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    litMinutes,
    traces,
    levelSum,
  };
}
