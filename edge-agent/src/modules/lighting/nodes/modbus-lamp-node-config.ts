import { z } from 'zod';
import { SEGMENT_PATTERN } from '@hameau/protocol';
import type { BusLinkSettings } from '../../metering/transport/modbus-serial-client.js';
import { rtuFrameGapMs } from '../../metering/transport/rtu-timing.js';

const Id = (what: string) =>
  z.string().regex(SEGMENT_PATTERN, {
    error: `${what} must be 1-40 lower-case letters, digits or inner dashes`,
  });
const int = (min: number, max: number) => z.int().min(min).max(max);
const DAY_MS = 86_400_000;

/** One node of a bus: what the driver needs, no more (zones are the module's business). */
export const LampNodeConfig = z.strictObject({
  /** The node's id: the subject of its readings and events. */
  id: Id('node id'),
  unitId: int(0, 255),
  /** The lamp's power at 100 %, W, when the node cannot tell or tells it wrong. */
  ratedW: z.number().positive().max(100_000).optional(),
});
export type LampNodeConfig = z.output<typeof LampNodeConfig>;

const common = {
  type: z.literal('modbus'),
  /** The bus's id, in logs and events. */
  id: Id('bus id'),
  /** A request not answered by then is a `timeout`. */
  timeoutMs: int(10, 60_000).default(1_000),
  /** Extra silence between two requests; an RTU line adds t3.5 anyway. */
  pauseMs: int(0, 10_000).default(0),
  connectTimeoutMs: int(100, 120_000).default(5_000),
  /** Reopening a lost link: at once, then after minMs, doubling up to maxMs. */
  reconnect: z
    .strictObject({
      minMs: int(100, DAY_MS).default(1_000),
      maxMs: int(100, DAY_MS).default(30_000),
    })
    .prefault({})
    .refine((b) => b.minMs <= b.maxMs, { error: 'a value >= minMs', path: ['maxMs'] }),
  /** Read back each command (the applied level, the failsafe registers); costs one request. */
  verify: z.boolean().default(true),
  nodes: z.array(LampNodeConfig).min(1),
};

const RtuBus = z.strictObject({
  transport: z.literal('rtu'),
  /** The serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/… */
  path: z.string().min(1),
  baud: int(300, 4_000_000).default(9_600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  ...common,
});

const TcpBus = z.strictObject({
  transport: z.literal('tcp'),
  host: z.string().min(1),
  port: int(1, 65_535).default(502),
  ...common,
});

const RtuOverTcpBus = z.strictObject({
  transport: z.literal('rtu-over-tcp'),
  host: z.string().min(1),
  port: int(1, 65_535),
  ...common,
});

/** Node ids and unit ids used once on the bus; unit ids 1–247 on an RTU line. */
function checkNodes(
  bus: {
    readonly transport: string;
    readonly nodes: readonly { readonly id: string; readonly unitId: number }[];
  },
  ctx: z.RefinementCtx,
): void {
  const ids = new Set<string>();
  const units = new Set<number>();
  bus.nodes.forEach((node, n) => {
    const issue = (key: string, message: string, input: unknown) => {
      ctx.addIssue({ code: 'custom', path: ['nodes', n, key], message, input });
    };
    if (ids.has(node.id))
      issue('id', `expected a node id used once, found ${node.id} again`, node.id);
    ids.add(node.id);
    if (bus.transport !== 'tcp' && (node.unitId < 1 || node.unitId > 247)) {
      issue('unitId', `expected a unit id 1-247 on an RTU line, found ${node.unitId}`, node.unitId);
    }
    if (units.has(node.unitId)) {
      issue(
        'unitId',
        `expected a unit id used once per bus, found ${node.unitId} again`,
        node.unitId,
      );
    }
    units.add(node.unitId);
  });
}

/**
 * A bus of Modbus lamp nodes (`type: modbus`): how to reach it, as for a metering bus, and its
 * nodes by unit id.
 */
export const ModbusLampNodeBusConfig = z
  .discriminatedUnion('transport', [RtuBus, TcpBus, RtuOverTcpBus], {
    error: 'a transport: rtu, tcp or rtu-over-tcp',
  })
  .superRefine(checkNodes);
export type ModbusLampNodeBusConfig = z.output<typeof ModbusLampNodeBusConfig>;
export type ModbusLampNodeBusConfigInput = z.input<typeof ModbusLampNodeBusConfig>;

/** Where the bus is and how to reach it. */
export function nodeBusLink(bus: ModbusLampNodeBusConfig): BusLinkSettings {
  switch (bus.transport) {
    case 'rtu': {
      const { path, baud, parity, dataBits, stopBits } = bus;
      return { transport: 'rtu', path, baud, parity, dataBits, stopBits };
    }
    case 'tcp':
    case 'rtu-over-tcp':
      return { transport: bus.transport, host: bus.host, port: bus.port };
  }
}

/** Node timers count whole ms and a write callback may fire early: 1 ms over t3.5, as metering. */
const RTU_GAP_MARGIN_MS = 1;

/** The silence between two requests: the pause, and on a serial line at least t3.5. */
export function nodeBusGapMs(bus: ModbusLampNodeBusConfig): number {
  if (bus.transport !== 'rtu') return bus.pauseMs;
  return Math.max(Math.ceil(rtuFrameGapMs(bus.baud)) + RTU_GAP_MARGIN_MS, bus.pauseMs);
}
