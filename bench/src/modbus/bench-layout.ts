/**
 * What one case of the Modbus bench puts on the simulator's side, and how the agent reaches it.
 * The bench process builds the layout; the simulator child builds its devices from it.
 */

/** A simulated SDM630: its id (the same on both sides), its unit id, and whether it is dead. */
export interface BenchMeter {
  readonly id: string;
  readonly unitId: number;
  /** Never answers (the simulator's `no-answer` fault from the start). */
  readonly dead: boolean;
}

/** The simulator's side of a case. */
export type SimLayout =
  | {
      readonly transport: 'rtu';
      readonly baud: number;
      /** The meters' time to prepare a reply, ms. */
      readonly turnaroundMs: number;
      /** The meters sharing the one line. */
      readonly meters: readonly BenchMeter[];
    }
  | {
      readonly transport: 'tcp';
      /** One entry per TCP port: a single meter, or the meters behind one gateway. */
      readonly ports: readonly (readonly BenchMeter[])[];
    };

/** Where the simulator's devices are, once started. */
export type SimEndpoints =
  | { readonly transport: 'rtu'; readonly path: string }
  | { readonly transport: 'tcp'; readonly ports: readonly number[] };

/** `m1`, `m2`…: the id of the i-th live meter (from 0). */
export function liveMeterId(i: number): string {
  return `m${i + 1}`;
}

/** The id of the dead meter of a case. */
export const DEAD_METER_ID = 'dead';

/** An RTU line with `live` answering meters (units 1…) and, if `dead`, one more that never does. */
export function rtuLayout(
  baud: number,
  turnaroundMs: number,
  live: number,
  dead: boolean,
): SimLayout {
  const meters: BenchMeter[] = Array.from({ length: live }, (_, i) => ({
    id: liveMeterId(i),
    unitId: i + 1,
    dead: false,
  }));
  if (dead) meters.push({ id: DEAD_METER_ID, unitId: live + 1, dead: true });
  return { transport: 'rtu', baud, turnaroundMs, meters };
}

/**
 * `meters` meters over Modbus TCP, `perPort` behind each port (1: each meter has its own port,
 * as an Ethernet meter; more: TCP-to-RTU gateways, units 1… behind each).
 */
export function tcpLayout(meters: number, perPort: number): SimLayout {
  if (!(perPort >= 1)) throw new RangeError('at least one meter per port');
  const ports: BenchMeter[][] = [];
  for (let i = 0; i < meters; i++) {
    const unitId = (i % perPort) + 1;
    if (unitId === 1) ports.push([]);
    ports.at(-1)?.push({ id: liveMeterId(i), unitId, dead: false });
  }
  return { transport: 'tcp', ports };
}

/** Every meter of a layout, in order. */
export function layoutMeters(layout: SimLayout): readonly BenchMeter[] {
  return layout.transport === 'rtu' ? layout.meters : layout.ports.flat();
}
