import { z } from 'zod';
import { DeviceId, SiteId } from '@hameau/protocol';
import { apiSchemas } from '../http/api-schemas.js';
import { IsoTime, isoTime, isoTimeOrNull } from '../http/common-schemas.js';
import { RESOLUTIONS } from '../timeseries/time-series-store.js';
import type { LightingConfigState } from './lighting-config-service.js';
import type {
  NightSavings,
  Savings,
  SavingsReport,
  TonightSavings,
} from './lighting-report-service.js';
import type { ZoneLevel, ZoneNight, ZoneTonight } from './lighting-store.js';

export { ClearOverrideInput as ClearOverrideBody } from './lighting-order-service.js';

export const ControllerParams = z.object({ site: SiteId, device: DeviceId }).strict();

/** The id is checked by the service, so its problems read `params.id` like the others. */
export const ItemParams = z.object({ site: SiteId, device: DeviceId, id: z.string() }).strict();

const ETAG = /^(?:W\/)?"?(\d{1,15})"?$/;

/**
 * `If-Match: "7"`: the version the change was made from (`"0"`: none yet), as the `ETag` of
 * every answer gives it. Other headers pass through untouched.
 */
export const IfMatchHeaders = z.looseObject({
  'if-match': z
    .string()
    .regex(ETAG, { error: 'the ETag of the version the change was made from, e.g. "7"' })
    .optional()
    .describe(
      'The `ETag` the configuration was read with; a concurrent change then answers 409 ' +
        '`CONFIG_VERSION_CONFLICT` instead of being overwritten',
    ),
});

/** The version of an `If-Match` header; undefined without one. */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = ETAG.exec(header.trim());
  return m === null ? undefined : Number(m[1]);
}

/** The `ETag` of a configuration version. */
export const etagOf = (version: number): string => `"${version}"`;

const Section = z
  .record(z.string(), z.unknown())
  .describe('`modules.lighting`: a LightingControlConfig as written (docs/lighting.md)');

export const SectionBody = Section;

export const ItemBody = z
  .record(z.string(), z.unknown())
  .describe(
    'The zone, program or event as docs/lighting.md writes it; `id` may be left out (the path ' +
      'gives it)',
  );

export const CalendarBody = z
  .object({
    rules: z
      .array(z.unknown())
      .describe('Calendar rules in priority order: the first that matches a night wins'),
  })
  .strict();

export const OverrideBody = z
  .record(z.string(), z.unknown())
  .describe(
    '`{zones: "all" | [zone ids], level, minutes | until, rampSeconds?, reason, ttlSeconds?, ' +
      'id?}`: the `override` command of the lighting module',
  );

export const LightingConfigView = z
  .object({
    version: z
      .number()
      .int()
      .describe("The device's latest desired configuration version (0: none); the ETag"),
    desired: z
      .object({
        lighting: Section.nullable().describe('Null when the configuration has no lighting'),
        issuedAt: IsoTime,
        issuedBy: z.string(),
        publishedAt: IsoTime.nullable(),
      })
      .strict()
      .nullable(),
    reported: z
      .object({
        configVersion: z.number().int().nullable(),
        rejected: z.object({ version: z.number().int(), reason: z.string() }).strict().nullable(),
        at: IsoTime,
      })
      .strict()
      .nullable()
      .describe("The device's last report on `…/state`; null until it reports"),
    applied: z
      .object({
        version: z.number().int(),
        lighting: Section.nullable().describe(
          'The lighting section of the version it runs; null when it has none, or the cloud ' +
            'does not have that version',
        ),
      })
      .strict()
      .nullable()
      .describe('What the device runs; null while it runs no desired version (its site.yaml)'),
    inSync: z
      .boolean()
      .describe('The device runs the desired lighting section (other modules do not count)'),
  })
  .strict()
  .register(apiSchemas, { id: 'LightingConfig' });

/** A controller's lighting configuration as the API shows it. */
export function lightingConfigView(s: LightingConfigState): z.output<typeof LightingConfigView> {
  return {
    version: s.version,
    desired: s.desired && {
      lighting: s.desired.lighting,
      issuedAt: isoTime(s.desired.issuedAt),
      issuedBy: s.desired.issuedBy,
      publishedAt: isoTimeOrNull(s.desired.publishedAt),
    },
    reported: s.reported && {
      configVersion: s.reported.configVersion,
      rejected: s.reported.rejected,
      at: isoTime(s.reported.at),
    },
    applied: s.applied,
    inSync: s.inSync,
  };
}

export const ZoneLevelsView = z
  .object({
    zones: z.array(
      z
        .object({
          zone: z.string(),
          name: z
            .string()
            .describe(
              "The zone's name in the controller's latest desired configuration, else in the " +
                'version it reports running, else its id',
            ),
          level: z.number().int().describe('Percent of full light output; 0 is off'),
          mode: z.string().describe('`off`, `program`, `event`, `override` or `failsafe`'),
          reasons: z.array(z.string()).describe('The reason trace, one line per stage'),
          at: IsoTime.describe('When the level changed, by the controller clock'),
        })
        .strict(),
    ),
  })
  .strict();

export function zoneLevelsView(
  levels: readonly ZoneLevel[],
  names: ReadonlyMap<string, string>,
): z.output<typeof ZoneLevelsView> {
  return {
    zones: levels.map((l) => ({
      zone: l.zone,
      name: names.get(l.zone) ?? l.zone,
      level: l.level,
      mode: l.mode,
      reasons: [...l.reasons],
      at: isoTime(l.changedAt),
    })),
  };
}

const NIGHT = z.iso.date();

export const HistoryQuery = z
  .object({
    zone: z.string().min(1).max(40).optional().describe('One zone; default: every zone'),
    from: IsoTime.optional().describe('Default: 24 hours before `to`'),
    to: IsoTime.optional().describe('Default: now'),
    resolution: z.enum([...RESOLUTIONS, 'auto']).default('auto'),
  })
  .strict();

export const HistoryView = z
  .object({
    resolution: z.enum(RESOLUTIONS),
    series: z.array(z.string()).describe('The fields after the times, in order'),
    zones: z.array(
      z
        .object({
          zone: z.string(),
          data: z
            .array(z.array(z.number().nullable()))
            .describe('`[times (Unix seconds), level, expected_power_w, measured_power_w]`'),
        })
        .strict(),
    ),
  })
  .strict();

export const SavingsQuery = z
  .object({
    from: NIGHT.optional().describe(
      'The first night (the date it starts on); default: 6 before `to`',
    ),
    to: NIGHT.optional().describe('The last night; default: the latest summarised'),
    site: SiteId.optional().describe('One site; default: the whole town'),
  })
  .strict();

const SavingsFigures = {
  energyWh: z.number().describe('Energy drawn, Wh'),
  baselineWh: z.number().describe('The same nights at full power, Wh'),
  savingsWh: z.number(),
  savingsPct: z.number().nullable().describe('Null when the baseline is 0'),
};

/** A zone's figures for one night, whole or so far. */
const ZoneNightFigures = {
  site: z.string(),
  device: z.string(),
  zone: z.string(),
  energyWh: z.number(),
  baselineWh: z.number(),
  savingsPct: z.number(),
  litHours: z.number(),
};

const ZoneNightView = z
  .object({
    ...ZoneNightFigures,
    minLevel: z.number().int().nullable().describe('The lowest lit level; null if never lit'),
  })
  .strict();

const ZoneTonightView = z
  .object({
    ...ZoneNightFigures,
    minLevel: z.number().int().nullable().describe('The lowest level so far'),
    coveredHours: z.number().describe('Hours of the night so far its controller ran'),
    at: IsoTime.describe("The report's time, by the controller's clock"),
  })
  .strict();

/** The night in progress, so far. */
export const TonightView = z
  .object({
    night: z.string().describe('The local date the night started on'),
    since: IsoTime.nullable().describe('The earliest switch-on of its zones'),
    until: IsoTime.nullable().describe('The latest switch-off planned for its zones'),
    at: IsoTime.describe('The newest report the figures include'),
    ...SavingsFigures,
    zones: z.array(ZoneTonightView),
  })
  .strict();

export const SavingsView = z
  .object({
    tonight: TonightView.nullable().describe(
      'The night in progress so far, as the controllers report it every few minutes; null ' +
        'by day (from switch-off) and before any report. Not bound by `from` and `to`',
    ),
    from: z.string().nullable(),
    to: z.string().nullable().describe('Null when no night has been summarised yet'),
    nights: z.array(
      z
        .object({
          night: z.string().describe('The local date the night starts on'),
          ...SavingsFigures,
          zones: z.array(ZoneNightView),
        })
        .strict(),
    ),
    total: z.object(SavingsFigures).strict().describe('Every night of the range together'),
  })
  .strict()
  .register(apiSchemas, { id: 'LightingSavings' });

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

function figures(s: Savings): z.output<z.ZodObject<typeof SavingsFigures>> {
  return {
    energyWh: round(s.energyWh, 1),
    baselineWh: round(s.baselineWh, 1),
    savingsWh: round(s.savingsWh, 1),
    savingsPct: s.savingsPct === null ? null : round(s.savingsPct, 1),
  };
}

function zoneNightView(n: ZoneNight): z.output<typeof ZoneNightView> {
  return {
    site: n.site,
    device: n.device,
    zone: n.zone,
    energyWh: round(n.energyWh, 1),
    baselineWh: round(n.baselineWh, 1),
    savingsPct: round(n.savingsPct, 1),
    litHours: round(n.litHours, 2),
    minLevel: n.minLevel,
  };
}

function zoneTonightView(t: ZoneTonight): z.output<typeof ZoneTonightView> {
  // The night so far carries every figure of a summary, rounded alike.
  return {
    ...zoneNightView(t),
    coveredHours: round(t.coveredHours, 2),
    at: isoTime(t.at),
  };
}

export function tonightView(t: TonightSavings): z.output<typeof TonightView> {
  return {
    night: t.night,
    since: isoTimeOrNull(t.since),
    until: isoTimeOrNull(t.until),
    at: isoTime(t.at),
    ...figures(t),
    zones: t.zones.map(zoneTonightView),
  };
}

export function savingsView(
  r: SavingsReport,
  tonight: TonightSavings | null,
): z.output<typeof SavingsView> {
  return {
    tonight: tonight === null ? null : tonightView(tonight),
    from: r.from,
    to: r.to,
    nights: r.nights.map((n: NightSavings) => ({
      night: n.night,
      ...figures(n),
      zones: n.zones.map(zoneNightView),
    })),
    total: figures(r.total),
  };
}
