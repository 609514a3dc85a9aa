import { DeviceId } from '@hameau/protocol';
import { z } from 'zod';
import { MeterList } from '../meters/meter-options.js';
import { DimmingCurve, TYPICAL_LED_CURVE } from './dimming-curve.js';
import { LampNodeFaultPlan } from './lamp-node-fault.js';
import { LAMP_NODE_DEFAULTS } from './lamp-node-registers.js';

const SerialPath = z.string().min(1).startsWith('/', 'must be an absolute path');
const Level = z.number().int().min(0).max(100);
/** Hundredths of an hour in a uint32. */
const MAX_BURNING_HOURS = 0xffffffff / 100;

/** One lamp node: a `nodes:` entry, or `SimLampNode`'s options. */
export const LampNodeOptions = z
  .object({
    id: DeviceId,
    /** Modbus unit id (RTU address), 1-247. */
    unit: z.number().int().min(1).max(247),
    /** The lamp's power at 100 %, W (served as input register 6). */
    ratedW: z.number().int().min(1).max(6_553).default(60),
    /** Power share by level; a typical LED driver by default. */
    curve: DimmingCurve.default(() => TYPICAL_LED_CURVE.map((p) => ({ ...p }))),
    /** Holding register 1 at start (kept across reboots, as in the node's EEPROM). */
    failureLevel: Level.default(LAMP_NODE_DEFAULTS.failureLevel),
    /** Holding register 2 at start, s (0 = off). */
    watchdogSeconds: z
      .number()
      .int()
      .min(0)
      .max(0xffff)
      .default(LAMP_NODE_DEFAULTS.watchdogSeconds),
    /**
     * The level a controller commanded just before start (the watchdog counts from start).
     * Absent, the node starts as just powered up: at its failure level, restarted bit set.
     */
    level: Level.optional(),
    /** Relay closed at start. */
    relay: z.boolean().default(true),
    /** The burning-hours counter at start, h. */
    burningHours: z.number().min(0).max(MAX_BURNING_HOURS).default(0),
    /** Faults injected on the device clock, relative to the node's start. */
    faults: LampNodeFaultPlan,
  })
  .strict();
export type LampNodeOptions = Readonly<z.output<typeof LampNodeOptions>>;
export type LampNodeOptionsInput = z.input<typeof LampNodeOptions>;

/** The fields of a lamp-node group, shared by `LampNodeGroupOptions` and the scenario entry. */
export const LampNodeGroupFields = z.object({
  id: DeviceId,
  /** Serve the nodes over Modbus TCP, as a TCP-to-RTU gateway in front of the line does. */
  tcp: z
    .object({
      /** Loopback by default, so a simulator is never exposed by accident. */
      host: z.string().min(1).default('127.0.0.1'),
      /** 0 picks a free port, printed at start. */
      port: z.number().int().min(0).max(65535).default(0),
    })
    .strict()
    .optional(),
  /** Path the agent opens: the simulator starts `socat` and keeps the other end itself. */
  pty: SerialPath.optional(),
  /** A serial device the simulator opens itself (one end of your own socat pair, an adapter). */
  serial: SerialPath.optional(),
  /** With `serial`: the path the agent opens, printed as the endpoint (default: `serial`). */
  peer: SerialPath.optional(),
  baud: z.number().int().min(300).max(921_600).default(9_600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  /** Delay each RTU reply by the request and reply wire time, t3.5 and the turnaround. */
  timing: z.boolean().default(true),
  /** The nodes' time to prepare a reply, ms (added when `timing` is on). */
  turnaroundMs: z.number().min(0).max(10_000).default(5),
  /** Nominal supply voltage the nodes measure, V. */
  voltage: z.number().min(50).max(500).default(230),
  /** Smooth ±1 % wander of the supply voltage; false gives exactly `voltage`. */
  noise: z.boolean().default(true),
  /** Seeds the wander. */
  seed: z.number().int().default(1),
  nodes: z.array(LampNodeOptions).min(1, 'needs at least one node'),
  /**
   * Meters on the same line (a cabinet's meter). A meter whose load is `lighting` measures the
   * nodes' total power, plus its `standbyW`.
   */
  meters: MeterList.optional(),
});

/** Where the group is served, and ids and unit ids used once among nodes and meters. */
export function checkLampNodeGroup(
  group: {
    readonly tcp?: unknown;
    readonly pty?: string | undefined;
    readonly serial?: string | undefined;
    readonly peer?: string | undefined;
    readonly nodes: readonly { readonly id: string; readonly unit: number }[];
    readonly meters?: readonly { readonly id: string; readonly unit: number }[] | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if (group.tcp === undefined && group.pty === undefined && group.serial === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['tcp'],
      message:
        'give tcp (a gateway), pty (socat is started), serial (an existing device), or tcp with one of them',
    });
  }
  if (group.pty !== undefined && group.serial !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['pty'], message: 'give pty or serial, not both' });
  }
  if (group.peer !== undefined && group.serial === undefined) {
    ctx.addIssue({ code: 'custom', path: ['peer'], message: 'peer goes with serial only' });
  }
  // Nodes among themselves, then meters against nodes (`MeterList` checks meters among
  // themselves already).
  const ids = new Map<string, number>();
  const units = new Map<number, number>();
  group.nodes.forEach((node, index) => {
    const sameId = ids.get(node.id);
    if (sameId === undefined) ids.set(node.id, index);
    else {
      ctx.addIssue({
        code: 'custom',
        path: ['nodes', index, 'id'],
        message: `"${node.id}" is already the id of nodes[${sameId}]`,
      });
    }
    const sameUnit = units.get(node.unit);
    if (sameUnit === undefined) units.set(node.unit, index);
    else {
      ctx.addIssue({
        code: 'custom',
        path: ['nodes', index, 'unit'],
        message: `unit ${node.unit} is already the unit of nodes[${sameUnit}]`,
      });
    }
  });
  (group.meters ?? []).forEach((meter, index) => {
    const sameId = ids.get(meter.id);
    if (sameId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['meters', index, 'id'],
        message: `"${meter.id}" is already the id of nodes[${sameId}]`,
      });
    }
    const sameUnit = units.get(meter.unit);
    if (sameUnit !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['meters', index, 'unit'],
        message: `unit ${meter.unit} is already the unit of nodes[${sameUnit}]`,
      });
    }
  });
}

/** Settings of a `LampNodeGroup` (a scenario entry of `type: lamp-nodes`, without `type`). */
export const LampNodeGroupOptions = LampNodeGroupFields.strict().superRefine(checkLampNodeGroup);
export type LampNodeGroupOptions = Readonly<z.output<typeof LampNodeGroupOptions>>;
export type LampNodeGroupOptionsInput = z.input<typeof LampNodeGroupOptions>;
