import { rtuLayout, tcpLayout } from './bench-layout.js';
import type { ModbusBenchOptions } from './options.js';
import type { CaseResult, CaseSpec } from './run-case.js';
import type { ReadShape } from './wire-tap.js';

/**
 * Health reports are the bench's view of the agent's counters: every second (the shortest the
 * config allows), so a window's two ends are within a second of the simulator's. Each is one
 * fsync'd outbox row per meter (about 0.4 ms here): 50 a second in the TCP cases.
 */
const HEALTH_INTERVAL_MS = 1_000;

type Timing = Pick<ModbusBenchOptions, 'warmupMs' | 'durationMs'>;

function timing(options: Timing) {
  return {
    healthIntervalMs: HEALTH_INTERVAL_MS,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
  };
}

/** The agent polling `rtuMeters` answering SDM630s at `baud`. */
export function rtuAgentCase(options: ModbusBenchOptions, baud: number): CaseSpec {
  return {
    key: `rtu-${baud}`,
    layout: rtuLayout(baud, options.turnaroundMs, options.rtuMeters, false),
    master: { kind: 'agent' },
    ...timing(options),
  };
}

/** Bare modbus-serial on the same bus, reading `plan` (what the agent read, from the wire). */
export function rtuBareCase(
  options: ModbusBenchOptions,
  baud: number,
  plan: readonly ReadShape[],
): CaseSpec {
  return {
    key: `rtu-${baud}-bare`,
    layout: rtuLayout(baud, options.turnaroundMs, options.rtuMeters, false),
    master: { kind: 'bare', plan },
    ...timing(options),
  };
}

/** The agent on the same bus with one more meter that never answers. */
export function rtuDeadCase(options: ModbusBenchOptions, baud: number): CaseSpec {
  return {
    key: `rtu-${baud}-dead`,
    layout: rtuLayout(baud, options.turnaroundMs, options.rtuMeters, true),
    master: { kind: 'agent' },
    ...timing(options),
  };
}

/** `tcpMeters` meters over Modbus TCP, each on its own port (`ports`) or behind gateways. */
export function tcpCase(options: ModbusBenchOptions, layout: 'ports' | 'gateways'): CaseSpec {
  const perPort = layout === 'ports' ? 1 : options.gatewaySize;
  return {
    key: `tcp-${layout}`,
    layout: tcpLayout(options.tcpMeters, perPort),
    master: { kind: 'agent' },
    ...timing(options),
  };
}

/**
 * The agent's plan as the wire showed it: the live units' reads, unit after unit, for the bare
 * master to repeat. Empty when the case saw none.
 */
export function planFromWire(result: CaseResult): ReadShape[] {
  return (result.sim.plans ?? []).flat();
}

/** The cases of one line speed, filled in as the run measures them. */
export interface RtuResults {
  readonly baud: number;
  agent?: CaseResult;
  bare?: CaseResult;
  dead?: CaseResult;
}

/** Everything a run measured, filled in as it goes. */
export interface ModbusBenchResults {
  rtu: RtuResults[];
  readonly tcp: { ports?: CaseResult; gateways?: CaseResult };
}
