import { z } from 'zod';
import { ALL_NIGHT_PROGRAM, ProgramSchema } from './control-program.js';
import { DimmingCurveSchema } from './dimming-curve.js';
import { CalendarRuleSchema } from './lighting-calendar.js';
import { ClassMinimumsSchema, LightingClassSchema } from './lighting-class.js';
import { LightingEventSchema } from './lighting-event.js';
import { HOLIDAY_SETS, isTimeZone } from './lighting-constants.js';
import { DisplayName, LightingId, OffsetMinutes, type ZoneSelector } from './schema-parts.js';
import { WeatherConfigSchema } from './weather-config.js';

// The lighting controller's configuration: what the cloud sends as the desired config of
// `modules.lighting` and what site.yaml holds. Everything has a default but the zones, so an
// empty entry is a valid (if dark) controller.

/** Where the lamps are: Chantilly by default. */
export const SiteSchema = z
  .strictObject({
    latitude: z
      .number({ error: 'latitude: degrees, north positive' })
      .min(-90, { error: 'latitude: -90 to 90' })
      .max(90, { error: 'latitude: -90 to 90' })
      .default(49.1939),
    longitude: z
      .number({ error: 'longitude: degrees, east positive' })
      .min(-180, { error: 'longitude: -180 to 180' })
      .max(180, { error: 'longitude: -180 to 180' })
      .default(2.4711),
    timeZone: z
      .string()
      .refine(isTimeZone, { error: 'an IANA time zone, such as Europe/Paris' })
      .default('Europe/Paris'),
  })
  .prefault({});
export type Site = z.output<typeof SiteSchema>;

/** When the lamps switch on: at sunset or civil dusk, plus an offset (± 3 h). */
export const SwitchOnSchema = z.strictObject({
  at: z.enum(['sunset', 'civil-dusk'], { error: "switch-on at 'sunset' or 'civil-dusk'" }),
  offsetMinutes: OffsetMinutes(180),
});
export type SwitchOn = z.output<typeof SwitchOnSchema>;

/** When they switch off: at sunrise or civil dawn, plus an offset (± 3 h). */
export const SwitchOffSchema = z.strictObject({
  at: z.enum(['sunrise', 'civil-dawn'], { error: "switch-off at 'sunrise' or 'civil-dawn'" }),
  offsetMinutes: OffsetMinutes(180),
});
export type SwitchOff = z.output<typeof SwitchOffSchema>;

/** A group of identical lamps of a zone, for the energy estimate. */
export const LampGroupSchema = z.strictObject({
  model: DisplayName('a lamp model').optional(),
  count: z
    .int({ error: 'count: a whole number of lamps' })
    .min(1, { error: 'count: 1-10000 lamps' })
    .max(10_000, { error: 'count: 1-10000 lamps' })
    .default(1),
  /** Rated power at 100 %, W (driver included). */
  ratedW: z
    .number({ error: 'ratedW: the rated power, W' })
    .positive({ error: 'ratedW: the rated power, W (more than 0)' })
    .max(5_000, { error: 'ratedW: at most 5000 W' }),
  /** What the lamp draws when off but powered (a DALI/D4i node), W. */
  standbyW: z
    .number({ error: 'standbyW: W' })
    .min(0, { error: 'standbyW: 0-50 W' })
    .max(50, { error: 'standbyW: 0-50 W' })
    .default(0),
});
export type LampGroup = z.output<typeof LampGroupSchema>;

/** A zone: lamps dimmed together, of one lighting class. */
export const ZoneSchema = z.strictObject({
  id: LightingId('zone id'),
  name: DisplayName('a zone name'),
  class: LightingClassSchema,
  lamps: z.array(LampGroupSchema).default([]),
  /** This zone's program when no calendar rule matches (default: the site's). */
  defaultProgram: LightingId('program id').optional(),
  /** This zone's switch rules (default: the site's). */
  switchOn: SwitchOnSchema.optional(),
  switchOff: SwitchOffSchema.optional(),
});
export type Zone = z.output<typeof ZoneSchema>;

/** The configuration of the lighting controller. */
export const LightingControlConfigSchema = z
  .strictObject({
    site: SiteSchema,
    switchOn: SwitchOnSchema.default({ at: 'sunset', offsetMinutes: 0 }),
    switchOff: SwitchOffSchema.default({ at: 'sunrise', offsetMinutes: 0 }),
    /** Lowest level per lighting class while lit (see lighting-class.ts for the defaults). */
    classMinimums: ClassMinimumsSchema,
    holidays: z.enum(HOLIDAY_SETS, { error: `holidays: ${HOLIDAY_SETS.join(', ')}` }).default('fr'),
    programs: z.array(ProgramSchema).default([ALL_NIGHT_PROGRAM]),
    defaultProgram: LightingId('program id').default(ALL_NIGHT_PROGRAM.id),
    /** First matching rule wins. */
    calendar: z.array(CalendarRuleSchema).default([]),
    zones: z.array(ZoneSchema).default([]),
    /** The town's schedule. */
    events: z.array(LightingEventSchema).default([]),
    weather: WeatherConfigSchema.prefault({}),
    dimmingCurve: DimmingCurveSchema,
    clockTrust: z
      .strictObject({
        /** A wall-clock jump against the monotonic clock beyond this makes time untrusted. */
        jumpThresholdSeconds: z
          .int({ error: 'jumpThresholdSeconds: whole seconds' })
          .min(1, { error: 'jumpThresholdSeconds: 1-86400' })
          .max(86_400, { error: 'jumpThresholdSeconds: 1-86400' })
          .default(120),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const issue = (path: (string | number)[], message: string) => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    const unique = (list: readonly string[], path: string, key: string, what: string) => {
      const seen = new Set<string>();
      list.forEach((value, i) => {
        if (seen.has(value)) issue([path, i, key], `duplicate ${what} ${JSON.stringify(value)}`);
        seen.add(value);
      });
    };
    unique(
      config.zones.map((zone) => zone.id),
      'zones',
      'id',
      'zone id',
    );
    unique(
      config.programs.map((p) => p.id),
      'programs',
      'id',
      'program id',
    );
    unique(
      config.calendar.map((r) => r.name),
      'calendar',
      'name',
      'rule name',
    );
    unique(
      config.events.map((e) => e.id),
      'events',
      'id',
      'event id',
    );

    const programs = new Set(config.programs.map((p) => p.id));
    const programList = [...programs].join(', ');
    const checkProgram = (id: string, path: (string | number)[]) => {
      if (!programs.has(id))
        issue(path, `unknown program ${JSON.stringify(id)} (programs: ${programList})`);
    };
    checkProgram(config.defaultProgram, ['defaultProgram']);
    config.calendar.forEach((r, i) => {
      checkProgram(r.program, ['calendar', i, 'program']);
    });
    config.zones.forEach((zone, i) => {
      if (zone.defaultProgram !== undefined)
        checkProgram(zone.defaultProgram, ['zones', i, 'defaultProgram']);
    });

    const zones = new Set(config.zones.map((zone) => zone.id));
    const zoneList = [...zones].join(', ') || 'none';
    const checkZones = (selector: ZoneSelector, path: (string | number)[]) => {
      if (selector === 'all') return;
      selector.forEach((id, j) => {
        if (!zones.has(id))
          issue([...path, j], `unknown zone ${JSON.stringify(id)} (zones: ${zoneList})`);
      });
    };
    config.calendar.forEach((r, i) => {
      checkZones(r.zones, ['calendar', i, 'zones']);
    });
    config.events.forEach((e, i) => {
      checkZones(e.zones, ['events', i, 'zones']);
    });
  });
export type LightingControlConfig = z.output<typeof LightingControlConfigSchema>;
/** The configuration as written (defaults may be left out). */
export type LightingControlConfigInput = z.input<typeof LightingControlConfigSchema>;
