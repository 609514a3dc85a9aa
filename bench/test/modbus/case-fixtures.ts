import { rtuLayout, tcpLayout, type SimLayout } from '../../src/modbus/bench-layout.js';
import type { CaseResult, Master } from '../../src/modbus/run-case.js';
import type { SimWindow } from '../../src/modbus/sim-window.js';
import type { ReadShape } from '../../src/modbus/wire-tap.js';

/** The agent's SDM630 plan (address, registers) as the wire shows it. */
export const SDM630_READS = [
  [0, 18],
  [52, 2],
  [56, 2],
  [60, 4],
  [70, 6],
  [342, 2],
  [346, 6],
] as const;

export function sdm630Plan(unitId: number): ReadShape[] {
  return SDM630_READS.map(([address, count]) => ({ unitId, functionCode: 4, address, count }));
}

/** A result with the given requests per meter over `elapsedMs`, the rest plausible. */
export function caseResult(
  layout: SimLayout,
  requests: Record<string, number>,
  options: {
    elapsedMs?: number;
    master?: Master;
    errors?: number;
    line?: SimWindow['line'];
    breakerOpenedAfterMs?: Record<string, number | null>;
    pollsOk?: number;
  } = {},
): CaseResult {
  const meters = layout.transport === 'rtu' ? layout.meters : layout.ports.flat();
  const master = options.master ?? { kind: 'agent' };
  return {
    spec: {
      key: 'fixture',
      layout,
      master,
      healthIntervalMs: 1_000,
      warmupMs: 5_000,
      durationMs: 20_000,
    },
    sim: {
      elapsedMs: options.elapsedMs ?? 20_000,
      requests,
      line:
        options.line ??
        (layout.transport === 'rtu'
          ? { elapsedMs: 20_000, otherFrames: 0, unanswered: {}, replyLateMs: [], masterGapMs: [] }
          : null),
      plans: layout.transport === 'rtu' ? meters.map((m) => sdm630Plan(m.unitId)) : null,
    },
    agent:
      master.kind === 'bare'
        ? {}
        : Object.fromEntries(
            meters.map((m, i) => [
              m.id,
              {
                pollsOk: options.pollsOk ?? 0,
                pollsFailed: 0,
                pollsSkipped: 0,
                errors: i === 0 ? (options.errors ?? 0) : 0,
                spanMs: 20_000,
              },
            ]),
          ),
    bareFailures: master.kind === 'bare' ? (options.errors ?? 0) : null,
    masterCores: 0.05,
    simCores: 0.03,
    breakerOpenedAfterMs: options.breakerOpenedAfterMs ?? {},
  };
}

/** Four live SDM630s at `baud`, each having answered `perMeter` requests in 20 s. */
export function rtuResult(baud: number, perMeter: number, dead = false, master?: Master) {
  const requests: Record<string, number> = {
    m1: perMeter,
    m2: perMeter,
    m3: perMeter,
    m4: perMeter,
  };
  if (dead) requests['dead'] = 1;
  return caseResult(rtuLayout(baud, 2, 4, dead), requests, {
    ...(master !== undefined && { master }),
    ...(dead && { breakerOpenedAfterMs: { dead: 6_400 } }),
  });
}

export { tcpLayout };
