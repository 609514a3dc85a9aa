import type { Kysely } from 'kysely';
import { z } from 'zod';
import { deviceConfigStore } from '../device-config/device-config-store.js';
import { deviceStore } from '../devices/device-store.js';
import { apiSchemas } from '../http/api-schemas.js';
import { IsoTime, isoTime, isoTimeOrNull } from '../http/common-schemas.js';
import type { IngestedMessage } from '../ingestion/ingested-message.js';
import { isTonightReport } from '../lighting/lighting-event-listener.js';
import { LIGHTING_EVENT_TYPES } from '../lighting/lighting-events.js';
import type { LightingReportService } from '../lighting/lighting-report-service.js';
import { lightingSectionOf } from '../lighting/lighting-section.js';
import type { ZoneLevel } from '../lighting/lighting-store.js';
import { zoneNamesOf } from '../lighting/zone-names.js';
import type { Schema } from '../storage/schema.js';
import { round } from '../energy/energy-schemas.js';
import { defineSection } from './feed-section.js';

/** The longest reason line sent: the page shows one line, not the technician's whole trace. */
const REASON_CHARS = 160;

const ZoneView = z
  .object({
    site: z.string(),
    device: z.string(),
    zone: z.string(),
    name: z.string().nullable().describe("The zone's name in its controller's configuration"),
    level: z.number().int().min(0).max(100),
    mode: z.string().describe('`off`, `program`, `event`, `override` or `failsafe`'),
    reason: z.string().nullable().describe('The line of the reason trace that set the level'),
    changedAt: z.iso.datetime(),
  })
  .strict();

/**
 * The lighting section: each zone's level and why, tonight's savings so far while a night is in
 * progress, and the last night's.
 */
export const LightingFeedView = z
  .object({
    zones: z.array(ZoneView),
    litZones: z.number().int(),
    averageLitLevel: z.number().nullable().describe('Mean level of the lit zones, %'),
    tonight: z
      .object({
        night: z.string().describe('The local date the night started on'),
        since: IsoTime.nullable().describe('Switch-on (the earliest of the zones)'),
        at: IsoTime.describe('The newest report the figures include'),
        savingsPct: z.number().nullable().describe('Energy saved against full power so far, %'),
        energyWh: z.number(),
        baselineWh: z.number().describe('The same lamps at 100 % over the same hours'),
        zones: z.number().int(),
      })
      .strict()
      .nullable()
      .describe(
        'The night in progress so far, as the controllers report it every few minutes; null ' +
          'by day (from switch-off): the page then shows `lastNight`',
      ),
    lastNight: z
      .object({
        night: z.string().describe('The local date the night started on'),
        savingsPct: z.number().nullable().describe('Energy saved against full power, %'),
        energyWh: z.number(),
        baselineWh: z.number().describe('The same lamps at 100 % over the same hours'),
        zones: z.number().int(),
      })
      .strict()
      .nullable()
      .describe('The latest night a controller summed up (at switch-off); null before any'),
  })
  .strict()
  .register(apiSchemas, { id: 'PublicLightingSection' });
export type LightingFeedView = z.output<typeof LightingFeedView>;

export interface LightingFeedDeps {
  readonly db: Kysely<Schema>;
  /** The lighting domain's report service: levels and savings, as the console reads them. */
  readonly reports: LightingReportService;
}

const LIGHTING_EVENTS = new Set<string>(LIGHTING_EVENT_TYPES);

/**
 * What may change the section: a level-changed or night-summary event, and a zone's report
 * with its night so far.
 */
export function triggersLighting(m: IngestedMessage): boolean {
  return m.kind === 'event' ? LIGHTING_EVENTS.has(m.type) : isTonightReport(m);
}

/**
 * The lighting zones of every controller at their last reported level, tonight's savings so far
 * and those of the last night summarised.
 */
export function lightingFeedSection(deps: LightingFeedDeps) {
  return defineSection({
    key: 'lighting',
    schema: LightingFeedView,
    // Zone names come from the desired configuration, which technicians edit outside ingestion,
    // and tonight ends at switch-off whether a report comes or not.
    refreshMs: 300_000,
    triggers: triggersLighting,
    async compute(): Promise<LightingFeedView> {
      const controllers = (await deviceStore.list(deps.db)).filter((d) => d.kind === 'lighting');
      const zones: LightingFeedView['zones'] = [];
      for (const c of controllers) {
        const names = await zoneNames(deps.db, c);
        for (const level of await deps.reports.levels(c)) {
          zones.push({
            site: level.site,
            device: level.device,
            zone: level.zone,
            name: names.get(level.zone) ?? null,
            level: level.level,
            mode: level.mode,
            reason: reasonOf(level),
            changedAt: isoTime(level.changedAt),
          });
        }
      }
      const lit = zones.filter((z) => z.level > 0);
      const savings = await deps.reports.savings({});
      const last = savings.nights.at(-1);
      const tonight = await deps.reports.tonight();
      return {
        zones,
        litZones: lit.length,
        averageLitLevel:
          lit.length === 0 ? null : round(lit.reduce((s, z) => s + z.level, 0) / lit.length, 1),
        tonight:
          tonight === null
            ? null
            : {
                night: tonight.night,
                since: isoTimeOrNull(tonight.since),
                at: isoTime(tonight.at),
                savingsPct: tonight.savingsPct === null ? null : round(tonight.savingsPct, 1),
                energyWh: round(tonight.energyWh, 1),
                baselineWh: round(tonight.baselineWh, 1),
                zones: tonight.zones.length,
              },
        lastNight:
          last === undefined
            ? null
            : {
                night: last.night,
                savingsPct: last.savingsPct === null ? null : round(last.savingsPct, 1),
                energyWh: round(last.energyWh, 1),
                baselineWh: round(last.baselineWh, 1),
                zones: last.zones.length,
              },
      };
    },
  });
}

/** Zone id → name, from the controller's newest desired lighting section. */
async function zoneNames(
  db: Kysely<Schema>,
  key: { readonly site: string; readonly device: string },
): Promise<Map<string, string>> {
  return zoneNamesOf(lightingSectionOf((await deviceConfigStore.latest(db, key))?.config));
}

/** Which stage of the trace decided, by mode (docs/lighting.md, "Reason trace"). */
const DECIDING_STAGE: Readonly<Record<string, RegExp>> = {
  off: /^astro:/,
  program: /^calendar:/,
  event: /^events? /,
  override: /^override /,
  failsafe: /^failsafe:/,
};

/** The trace line that explains the level: the stage of its mode (the last such line). */
export function reasonOf(level: Pick<ZoneLevel, 'mode' | 'reasons'>): string | null {
  const stage = DECIDING_STAGE[level.mode];
  const line =
    (stage === undefined ? undefined : level.reasons.findLast((r) => stage.test(r))) ??
    level.reasons[0];
  if (line === undefined) return null;
  return line.length > REASON_CHARS ? `${line.slice(0, REASON_CHARS - 1)}…` : line;
}
