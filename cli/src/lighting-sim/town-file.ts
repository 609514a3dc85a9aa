import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  CalendarRuleSchema,
  LightingControlConfigSchema,
  type LightingControlConfig,
} from '@hameau/edge-agent';
import { ConfigError } from '@hameau/protocol';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';

// The town a lighting simulation runs: the lighting configuration as the cloud would send it
// (`lighting`, validated by the controller's own schema), plus what a real year brings and a
// configuration cannot say once for every year: the town's yearly events, written out as dated
// events for each simulated year, and incidents (technicians' overrides, a clock fault).

/** The town `hameau sim lighting` runs without `--town`. */
export const DEFAULT_TOWN_FILE = fileURLToPath(
  new URL('../../scenarios/lighting-town.yaml', import.meta.url),
);

const NOON = 12 * 60;

/** An id that still fits a lighting id (40 characters) once `-YYYYMMDD` is added. */
const BaseId = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,29}[a-z0-9])?$/, {
  error: 'an id of 1-31 lower-case letters, digits or inner dashes (the date is added to it)',
});

const Name = z.string().trim().min(1, { error: 'must not be empty' }).max(80);

const Zones = z.union([z.literal('all'), z.array(z.string()).min(1)], {
  error: "'all' or a list of zone ids",
});

/** `HH:MM`, as minutes after midnight. */
const WallTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a local time HH:MM, 00:00-23:59' })
  .transform((v) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3, 5)));

/** Which dates: the calendar's own conditions (`dates`, `nthWeekday`, `months`, `holiday`…). */
const When = CalendarRuleSchema.shape.when;

const Level = z.int({ error: 'a whole percentage' }).min(0).max(100);

/**
 * An event of every year: on each night `when` matches, from `from` to `until` (times from noon
 * are that evening, times before noon the next morning, as in a program).
 */
const YearlyEventSchema = z
  .strictObject({
    id: BaseId,
    name: Name,
    zones: Zones,
    when: When,
    from: WallTime,
    until: WallTime,
    level: Level,
    rampMinutes: z.int().min(0).max(120).default(0),
  })
  .refine((e) => nightOrder(e.until) > nightOrder(e.from), {
    error: 'until must come after from in the night (a night runs from noon to noon)',
    path: ['until'],
  });
export type YearlyEvent = z.output<typeof YearlyEventSchema>;

/** An override given on each date `when` matches, at `at` that date, for `minutes`. */
const OverrideIncidentSchema = z.strictObject({
  id: BaseId,
  /** Why, for the docs and the trace readers. */
  reason: Name.optional(),
  zones: Zones,
  when: When,
  at: WallTime,
  minutes: z.int().min(1).max(1440),
  level: Level,
  rampSeconds: z.int().min(0).max(3600).default(0),
});
export type OverrideIncident = z.output<typeof OverrideIncidentSchema>;

/** The wall clock jumps by `jumpMinutes` at `at` on each date `when` matches, until NTP puts it right `minutes` later. */
const ClockFaultSchema = z.strictObject({
  name: Name,
  when: When,
  at: WallTime,
  minutes: z.int().min(1).max(1440),
  jumpMinutes: z
    .int()
    .min(-1440)
    .max(1440)
    .refine((v) => v !== 0, { error: 'a jump of 0 minutes is no fault' }),
});
export type ClockFault = z.output<typeof ClockFaultSchema>;

const TownFileSchema = z.strictObject({
  name: Name,
  /** `modules.lighting` as the cloud sends it: LightingControlConfigSchema. */
  lighting: z.unknown(),
  yearlyEvents: z.array(YearlyEventSchema).default([]),
  incidents: z
    .strictObject({
      overrides: z.array(OverrideIncidentSchema).default([]),
      clockFaults: z.array(ClockFaultSchema).default([]),
    })
    .prefault({}),
});

/** A validated town file. */
export interface Town {
  readonly name: string;
  readonly source: string;
  readonly config: LightingControlConfig;
  readonly yearlyEvents: readonly YearlyEvent[];
  readonly overrides: readonly OverrideIncident[];
  readonly clockFaults: readonly ClockFault[];
}

/** Where a wall time falls in a night that starts at noon. */
function nightOrder(minutes: number): number {
  return minutes >= NOON ? minutes - NOON : minutes + NOON;
}

type Path = readonly PropertyKey[];

/** The 1-based line of the node at `path`, or of its nearest parent that exists. */
function lineOf(doc: Document, lines: LineCounter, path: Path): number | null {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return null;
}

const formatPath = (path: Path) =>
  path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');

/** Parses a town file's text; every problem is reported at once, with its path and line. */
export function parseTown(text: string, source: string): Town {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => e.message.split('\n')[0] ?? e.message),
    );
  }
  const problems: string[] = [];
  const report = (path: Path, message: string) => {
    const line = lineOf(doc, lines, path);
    problems.push(
      `${formatPath(path) || '(file)'}: ${message}${line === null ? '' : ` (line ${line})`}`,
    );
  };
  const shape = TownFileSchema.safeParse(doc.toJS());
  if (!shape.success) {
    for (const issue of shape.error.issues) report(issue.path, issue.message);
    throw new ConfigError(source, problems);
  }
  const file = shape.data;
  const lighting = LightingControlConfigSchema.safeParse(file.lighting);
  if (!lighting.success) {
    for (const issue of lighting.error.issues) report(['lighting', ...issue.path], issue.message);
    throw new ConfigError(source, problems);
  }
  const config = lighting.data;

  const zoneIds = new Set(config.zones.map((zone) => zone.id));
  const checkZones = (zones: 'all' | readonly string[], path: Path) => {
    if (zones === 'all') return;
    zones.forEach((id, i) => {
      if (!zoneIds.has(id)) {
        report(
          [...path, 'zones', i],
          `unknown zone ${JSON.stringify(id)} (zones: ${[...zoneIds].join(', ')})`,
        );
      }
    });
  };
  const checkUnique = (ids: readonly string[], path: Path, what: string) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) report([...path, i, 'id'], `duplicate ${what} ${JSON.stringify(id)}`);
      seen.add(id);
    });
  };
  file.yearlyEvents.forEach((e, i) => {
    checkZones(e.zones, ['yearlyEvents', i]);
  });
  file.incidents.overrides.forEach((o, i) => {
    checkZones(o.zones, ['incidents', 'overrides', i]);
  });
  checkUnique(
    file.yearlyEvents.map((e) => e.id),
    ['yearlyEvents'],
    'event id',
  );
  checkUnique(
    file.incidents.overrides.map((o) => o.id),
    ['incidents', 'overrides'],
    'override id',
  );
  if (problems.length > 0) throw new ConfigError(source, problems);

  return {
    name: file.name,
    source,
    config,
    yearlyEvents: file.yearlyEvents,
    overrides: file.incidents.overrides,
    clockFaults: file.incidents.clockFaults,
  };
}

/** Reads and parses a town file. */
export async function loadTown(path: string): Promise<Town> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read the town file: ${(err as Error).message}`]);
  }
  return parseTown(text, path);
}
