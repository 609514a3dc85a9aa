import { z } from 'zod';
import { SEGMENT_PATTERN } from '@hameau/protocol';
import {
  LightingControlConfigSchema,
  LightingOverrideSchema,
  type LightingControlConfig,
  type LightingOverride,
} from './control/index.js';
import {
  builtinLampNodeDrivers,
  type LampNodeBusPlan,
  type LampNodeDrivers,
} from './nodes/lamp-node-drivers.js';

// `modules.lighting` in site.yaml and in the cloud's desired config: the controller's own keys
// (site, programs, calendar, zones…, docs/lighting.md) and the module's (lamp-node buses, which
// nodes light which zone, timing, fail-safe, energy checks, clock), side by side at one level.

const Id = (what: string) =>
  z.string().regex(SEGMENT_PATTERN, {
    error: `${what} must be 1-40 lower-case letters, digits or inner dashes`,
  });
const int = (what: string, min: number, max: number) =>
  z
    .int({ error: `${what}: a whole number ${min}-${max}` })
    .min(min, { error: `${what}: ${min}-${max}` })
    .max(max, { error: `${what}: ${min}-${max}` });

const watts = (what: string, max: number) =>
  z
    .number({ error: `${what}: watts` })
    .min(0, { error: `${what}: 0-${max} W` })
    .max(max, { error: `${what}: 0-${max} W` });

/**
 * `energyChecks.cabinet`: the cabinet's real meter, read by the metering module on this agent,
 * compared with the sum of the expected power of the zones it feeds plus an allowance.
 */
const CabinetCheckSchema = z.strictObject({
  /** The metering module's id of the cabinet's meter (`modules.metering…meters[].id`). */
  meter: Id('meter id'),
  /** The zones behind that meter (default: every zone of the module). */
  zones: z
    .union([z.literal('all'), z.array(Id('zone id')).min(1, { error: 'at least one zone id' })], {
      error: "'all' or a list of zone ids",
    })
    .default('all'),
  /** What the meter sees besides the lamps: the cabinet's controller, contactors, losses. */
  allowanceW: watts('allowanceW', 100_000).default(0),
  /** A disagreement is beyond this share of the expected power… */
  tolerancePct: int('tolerancePct', 1, 1000).default(25),
  /** …and beyond this many watts (a floor for the day, when little is expected). */
  toleranceW: watts('toleranceW', 100_000).default(50),
  /** Held this long before `cabinet-power-mismatch` is raised. */
  minutes: int('minutes', 1, 1440).default(10),
  /** A reading older than this is not judged (the meter's poll interval, with a margin). */
  maxAgeSeconds: int('maxAgeSeconds', 10, 86_400).default(300),
});

/** Why an override was given, for the console and the audit trail. */
export const OverrideReason = z
  .string()
  .trim()
  .min(1, { error: 'a reason must not be empty' })
  .max(200, { error: 'a reason must be at most 200 characters' });

/** An override the cloud puts in the desired config: the controller's, with a `reason`. */
export type ConfigOverride = LightingOverride & { readonly reason?: string };

const ConfigOverrideSchema = z.unknown().transform((input, ctx): ConfigOverride => {
  if (!isRecord(input)) {
    ctx.addIssue({ code: 'custom', message: 'an override: an object', input });
    return z.NEVER;
  }
  const { reason, ...rest } = input;
  const parsedReason = OverrideReason.optional().safeParse(reason);
  const parsed = LightingOverrideSchema.safeParse(rest);
  if (!parsedReason.success) {
    for (const issue of parsedReason.error.issues) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: issue.message, input: reason });
    }
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.issues.push(issue as z.core.$ZodRawIssue);
  }
  if (!parsed.success || !parsedReason.success) return z.NEVER;
  return parsedReason.data === undefined
    ? parsed.data
    : { ...parsed.data, reason: parsedReason.data };
});

/** The module's own keys (the rest of the section is the controller's configuration). */
export function modulePart(drivers: LampNodeDrivers) {
  return z.strictObject({
    /** Lamp-node buses, each validated by its driver (`type: modbus`, docs/lamp-node.md). */
    buses: z.array(drivers.busSchema()).default([]),
    /** Zone id → the ids of the nodes that light it. Every node belongs to exactly one zone. */
    zoneNodes: z
      .record(Id('zone id'), z.array(Id('node id')).min(1, { error: 'at least one node id' }))
      .default({}),
    /** A decision at every multiple of this (the minute by default), and on any input change. */
    decisionSeconds: int('decisionSeconds', 10, 600).default(60),
    /** A node is told its level again at least this often, even when it has not changed. */
    reassertMinutes: int('reassertMinutes', 1, 60).default(5),
    /** `lighting` telemetry at least this often per zone (and at once on a change). */
    reportMinutes: int('reportMinutes', 1, 60).default(5),
    /** What a node does on its own when the agent goes silent (see docs/lighting.md). */
    failsafe: z
      .strictObject({
        failureLevel: int('failureLevel', 0, 100).default(100),
        watchdogSeconds: int('watchdogSeconds', 0, 65_535).default(300),
      })
      .prefault({}),
    energyChecks: z
      .strictObject({
        /** A lit node drawing under `belowPct` % of its expected power for `minutes`. */
        lampFailure: z
          .strictObject({
            belowPct: int('belowPct', 1, 100).default(50),
            minutes: int('minutes', 1, 1440).default(10),
          })
          .prefault({}),
        /** A zone the program has off drawing over its standby + `aboveW` for `minutes`. */
        dayBurning: z
          .strictObject({
            aboveW: z
              .number({ error: 'aboveW: watts' })
              .min(0, { error: 'aboveW: 0-100000 W' })
              .max(100_000, { error: 'aboveW: 0-100000 W' })
              .default(5),
            minutes: int('minutes', 1, 1440).default(10),
          })
          .prefault({}),
        /** The cabinet's own meter against what its zones should draw (cabinet-check.ts). */
        cabinet: CabinetCheckSchema.optional(),
      })
      .prefault({}),
    /** Cycles in a row a node must fail to answer before `node-unreachable`. */
    unreachableCycles: int('unreachableCycles', 1, 100).default(3),
    clock: z
      .strictObject({
        /**
         * `timesyncd`: wall time is believed once systemd-timesyncd has synchronised (its
         * `syncFile` exists), and again at its next synchronisation after a jump;
         * `assume-synced`: believed from the start, and `retrustMinutes` after a jump.
         */
        source: z
          .enum(['timesyncd', 'assume-synced'], { error: "'timesyncd' or 'assume-synced'" })
          .default('timesyncd'),
        syncFile: z.string().min(1).default('/run/systemd/timesync/synchronized'),
        retrustMinutes: int('retrustMinutes', 1, 1440).default(10),
      })
      .prefault({}),
    /** Overrides from the cloud, next to those given by command (the last issued wins). */
    overrides: z.array(ConfigOverrideSchema).default([]),
  });
}

type ModulePart = z.output<ReturnType<typeof modulePart>>;

/** The lighting module's configuration, defaults applied. */
export interface LightingConfig extends ModulePart {
  /** The controller's configuration (the keys of `LightingControlConfigSchema`). */
  readonly control: LightingControlConfig;
}

/** The clock settings of the module. */
export type LightingClockConfig = LightingConfig['clock'];
/** The cabinet meter check's settings. */
export type CabinetCheckConfig = NonNullable<LightingConfig['energyChecks']['cabinet']>;
/** The node fail-safe settings. */
export type LightingFailsafeConfig = LightingConfig['failsafe'];

/**
 * The schema of `modules.lighting`: the module's keys by their own strict schema, every other
 * key by the controller's; every problem of both is listed, then the references across them
 * (zones, nodes, override zones) and the watchdog against the decision period.
 */
export function lightingConfigSchema(
  drivers: LampNodeDrivers = builtinLampNodeDrivers(),
): z.ZodType<LightingConfig> {
  const part = modulePart(drivers);
  const moduleKeys = new Set(Object.keys(part.shape));
  return z.unknown().transform((input, ctx): LightingConfig => {
    if (!isRecord(input)) {
      ctx.addIssue({ code: 'custom', message: 'the lighting module: an object', input });
      return z.NEVER;
    }
    const own: Record<string, unknown> = {};
    const control: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      (moduleKeys.has(key) ? own : control)[key] = value;
    }
    const a = part.safeParse(own);
    const b = LightingControlConfigSchema.safeParse(control);
    for (const issue of [...(a.error?.issues ?? []), ...(b.error?.issues ?? [])]) {
      ctx.issues.push(issue as z.core.$ZodRawIssue);
    }
    const issue = (path: (string | number)[], message: string) => {
      ctx.addIssue({ code: 'custom', path, message, input });
    };
    checkAcross(a.data ?? null, b.data ?? null, issue);
    if (!a.success || !b.success || ctx.issues.length > 0) return z.NEVER;
    return { ...a.data, control: b.data };
  });
}

/** The lighting module's schema with the built-in drivers. */
export const LightingConfigSchema = lightingConfigSchema();

type Issue = (path: (string | number)[], message: string) => void;

/** The checks across keys; each runs when the keys it reads are valid. */
function checkAcross(own: ModulePart | null, control: LightingControlConfig | null, issue: Issue) {
  const zones = control === null ? null : new Set(control.zones.map((z) => z.id));
  const zoneList = zones === null ? '' : [...zones].join(', ') || 'none';
  if (own === null) return;

  const busIds = new Set<string>();
  const nodeBus = new Map<string, string>();
  own.buses.forEach((bus: LampNodeBusPlan, b) => {
    if (busIds.has(bus.id))
      issue(['buses', b, 'id'], `expected a bus id used once, found ${bus.id} again`);
    busIds.add(bus.id);
    bus.nodeIds.forEach((id, n) => {
      const other = nodeBus.get(id);
      if (other !== undefined && other !== bus.id) {
        issue(
          ['buses', b, 'nodes', n, 'id'],
          `expected a node id used once across buses, found ${id} again (on bus ${other})`,
        );
      }
      nodeBus.set(id, bus.id);
    });
  });

  const zoneOf = new Map<string, string>();
  for (const [zone, nodes] of Object.entries(own.zoneNodes)) {
    if (zones !== null && !zones.has(zone)) {
      issue(['zoneNodes', zone], `expected a zone id (${zoneList}), found ${zone}`);
    }
    nodes.forEach((id, i) => {
      if (!nodeBus.has(id)) {
        const known = [...nodeBus.keys()].join(', ') || 'none';
        issue(['zoneNodes', zone, i], `expected a node id of the buses (${known}), found ${id}`);
      }
      const other = zoneOf.get(id);
      if (other !== undefined) {
        issue(
          ['zoneNodes', zone, i],
          `expected a node in one zone only, found ${id} again (already in zone ${other})`,
        );
      }
      zoneOf.set(id, zone);
    });
  }
  own.buses.forEach((bus, b) => {
    bus.nodeIds.forEach((id, n) => {
      if (!zoneOf.has(id)) {
        issue(
          ['buses', b, 'nodes', n, 'id'],
          `expected node ${id} in a zone of zoneNodes (a node never commanded falls back to its failure level), found it in none`,
        );
      }
    });
  });

  const cabinetZones = own.energyChecks.cabinet?.zones ?? 'all';
  if (zones !== null && cabinetZones !== 'all') {
    cabinetZones.forEach((zone, i) => {
      if (!zones.has(zone)) {
        issue(
          ['energyChecks', 'cabinet', 'zones', i],
          `expected a zone id (${zoneList}), found ${zone}`,
        );
      }
    });
  }

  const overrideIds = new Set<string>();
  own.overrides.forEach((o, i) => {
    if (overrideIds.has(o.id)) {
      issue(['overrides', i, 'id'], `expected an override id used once, found ${o.id} again`);
    }
    overrideIds.add(o.id);
    if (zones === null || o.zones === 'all') return;
    o.zones.forEach((zone, j) => {
      if (!zones.has(zone)) {
        issue(['overrides', i, 'zones', j], `expected a zone id (${zoneList}), found ${zone}`);
      }
    });
  });

  const { watchdogSeconds } = own.failsafe;
  if (watchdogSeconds !== 0 && watchdogSeconds < 3 * own.decisionSeconds) {
    issue(
      ['failsafe', 'watchdogSeconds'],
      `expected a watchdog of 0 (off) or at least 3 decision periods (${3 * own.decisionSeconds} s: two lost writes must not let a node fall back), found ${watchdogSeconds}`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
