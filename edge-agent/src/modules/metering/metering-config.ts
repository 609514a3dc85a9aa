import { z } from 'zod';
import { SEGMENT_PATTERN, StreamName } from '@hameau/protocol';
import { BUILTIN_MODELS } from './models/model-registry.js';
import { ByteOrder, RegisterMapSchema, WordOrder } from './models/register-map.js';

const Id = (what: string) =>
  z.string().regex(SEGMENT_PATTERN, {
    error: `${what} must be 1-40 lower-case letters, digits or inner dashes`,
  });
const int = (min: number, max: number) => z.int().min(min).max(max);
const DAY_MS = 86_400_000;

const Reconnect = z
  .strictObject({
    minMs: int(100, DAY_MS).default(1_000),
    maxMs: int(100, DAY_MS).default(30_000),
  })
  .prefault({})
  .refine((b) => b.minMs <= b.maxMs, { error: 'a value >= minMs', path: ['maxMs'] });

const OnChange = z
  .strictObject({
    /** Report early when `power_w` moved by more than this many W since the last report. */
    powerW: z.number().positive().optional(),
    /** …or by more than this % of the last reported value. */
    powerPct: z.number().positive().max(1000).optional(),
  })
  .refine((c) => c.powerW !== undefined || c.powerPct !== undefined, {
    error: 'powerW, powerPct or both',
  });

const Meter = z.strictObject({
  /** The meter's id: the `source` of its readings and the subject of its events. */
  id: Id('meter id'),
  /** A built-in model id or one of `models:`. */
  model: z.string().min(1),
  unitId: int(0, 255).default(1),
  /** A reading is reported at least this often. */
  intervalMs: int(100, DAY_MS).default(60_000),
  /** The meter is read this often (default: `intervalMs`); shorter only makes sense with `onChange`. */
  pollMs: int(10, DAY_MS).optional(),
  /** Overrides the bus's `timeoutMs`. */
  timeoutMs: int(10, 60_000).optional(),
  onChange: OnChange.optional(),
  /** Overrides the model's `maxGap` (unused registers a read may span). */
  maxGap: int(0, 123).optional(),
  /** Overrides the model's word order of 32-bit values (some gateways swap words). */
  wordOrder: WordOrder.optional(),
  /** Overrides the model's byte order inside registers. */
  byteOrder: ByteOrder.optional(),
});

const busCommon = {
  /** The bus's id, in logs and events. */
  id: Id('bus id'),
  /** A request not answered by then is a `timeout`. */
  timeoutMs: int(10, 60_000).default(1_000),
  /** Extra silence between two requests (Eastron meters want some); RTU adds t3.5 anyway. */
  pauseMs: int(0, 10_000).default(0),
  /** Registers one read may take (the Modbus limit is 125). */
  maxSpan: int(2, 125).default(125),
  connectTimeoutMs: int(100, 120_000).default(5_000),
  /** Reopening a lost link: at once, then after minMs, doubling up to maxMs. */
  reconnect: Reconnect,
  /** A meter failing `failures` polls in a row is probed after minMs, doubling up to maxMs. */
  breaker: z
    .strictObject({
      failures: int(1, 100).default(3),
      minMs: int(100, DAY_MS).default(10_000),
      maxMs: int(100, DAY_MS).default(300_000),
    })
    .prefault({})
    .refine((b) => b.minMs <= b.maxMs, { error: 'a value >= minMs', path: ['maxMs'] }),
  meters: z.array(Meter).min(1),
};

const RtuBus = z.strictObject({
  transport: z.literal('rtu'),
  /** The serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/… */
  path: z.string().min(1),
  baud: int(300, 4_000_000).default(9_600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  ...busCommon,
});

const TcpBus = z.strictObject({
  transport: z.literal('tcp'),
  host: z.string().min(1),
  port: int(1, 65_535).default(502),
  ...busCommon,
});

const RtuOverTcpBus = z.strictObject({
  transport: z.literal('rtu-over-tcp'),
  host: z.string().min(1),
  port: int(1, 65_535),
  ...busCommon,
});

const Bus = z.discriminatedUnion('transport', [RtuBus, TcpBus, RtuOverTcpBus], {
  error: 'a transport: rtu, tcp or rtu-over-tcp',
});

/**
 * A lenient view of the config for the checks across entries, so they run even when a shape
 * error elsewhere (a baud of "fast") stops the strict schema: every problem is listed at once.
 * A value that is itself invalid reads as empty and is not checked again.
 */
const Peek = z
  .object({
    models: z.record(z.string(), z.unknown()).catch({}),
    buses: z
      .array(
        z
          .object({
            id: z.string().catch(''),
            transport: z.string().catch(''),
            meters: z
              .array(
                z
                  .object({
                    id: z.string().catch(''),
                    model: z.string().catch(''),
                    unitId: z.number().default(1).catch(Number.NaN),
                    intervalMs: z.number().default(60_000).catch(Number.NaN),
                    pollMs: z.number().optional().catch(undefined),
                  })
                  .catch({ id: '', model: '', unitId: Number.NaN, intervalMs: Number.NaN }),
              )
              .catch([]),
          })
          .catch({ id: '', transport: '', meters: [] }),
      )
      .catch([]),
  })
  .catch({ models: {}, buses: [] });

/** The checks across entries: unique ids, known models, unit ids, poll versus report period. */
function checkAcross(value: unknown, ctx: z.RefinementCtx): void {
  const config = Peek.parse(value);
  const issue = (path: (string | number)[], message: string, input: unknown) => {
    ctx.addIssue({ code: 'custom', message, path, input });
  };
  for (const id of Object.keys(config.models)) {
    if (BUILTIN_MODELS.has(id)) {
      issue(['models', id], `expected a model id not taken by a built-in model, found ${id}`, id);
    }
  }
  const known = [...new Set([...BUILTIN_MODELS.keys(), ...Object.keys(config.models)])];
  const busIds = new Set<string>();
  const meterIds = new Set<string>();
  config.buses.forEach((bus, b) => {
    if (bus.id !== '' && busIds.has(bus.id)) {
      issue(['buses', b, 'id'], `expected a bus id used once, found ${bus.id} again`, bus.id);
    }
    busIds.add(bus.id);
    const units = new Set<number>();
    bus.meters.forEach((meter, m) => {
      const at = ['buses', b, 'meters', m];
      if (meter.id !== '' && meterIds.has(meter.id)) {
        issue([...at, 'id'], `expected a meter id used once, found ${meter.id} again`, meter.id);
      }
      meterIds.add(meter.id);
      if (meter.model !== '' && !known.includes(meter.model)) {
        issue(
          [...at, 'model'],
          `expected a model (${known.join(', ')}), found ${meter.model}`,
          meter.model,
        );
      }
      const unit = meter.unitId;
      if (bus.transport !== 'tcp' && (unit < 1 || unit > 247)) {
        issue([...at, 'unitId'], `expected a unit id 1-247 on an RTU line, found ${unit}`, unit);
      }
      if (units.has(unit)) {
        issue([...at, 'unitId'], `expected a unit id used once per bus, found ${unit} again`, unit);
      }
      if (!Number.isNaN(unit)) units.add(unit);
      if (meter.pollMs !== undefined && meter.pollMs > meter.intervalMs) {
        issue(
          [...at, 'pollMs'],
          `expected a value <= intervalMs (${meter.intervalMs}), found ${meter.pollMs}`,
          meter.pollMs,
        );
      }
    });
  });
}

/**
 * `modules.metering` in site.yaml (docs/metering.md): buses, their meters, and custom register
 * maps. The checks across entries (unique ids, known models, unit ids) are reported together
 * with the shape errors, each at its path.
 */
export const MeteringConfig = z
  .strictObject({
    /** Telemetry stream of the readings. */
    stream: StreamName.default('energy'),
    /** Telemetry stream of each meter's health. */
    healthStream: StreamName.default('meter-health'),
    healthIntervalMs: int(1_000, DAY_MS).default(60_000),
    /** Custom register maps, by model id. */
    models: z.record(Id('model id'), RegisterMapSchema).default({}),
    buses: z.array(Bus).default([]),
  })
  .superRefine(checkAcross, { when: () => true });

/** The metering module's configuration, defaults applied. */
export type MeteringConfig = z.output<typeof MeteringConfig>;
/** One bus of it. */
export type BusConfig = MeteringConfig['buses'][number];
/** One meter of a bus. */
export type MeterConfig = BusConfig['meters'][number];
