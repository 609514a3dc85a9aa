import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { LightingId, parseIsoDate } from '@hameau/protocol';
import { deviceKeyOf } from '../device-config/device-config-record.js';
import { deviceStore } from '../devices/device-store.js';
import type {
  IngestedMessage,
  IngestedOf,
  IngestionListener,
} from '../ingestion/ingested-message.js';
import type { Schema } from '../storage/schema.js';
import {
  LevelChangedData,
  LIGHTING_EVENT_TYPES,
  NightSummaryData,
  type LightingEventType,
} from './lighting-events.js';
import { LIGHTING_STREAM } from './lighting-report-service.js';
import { lightingStore } from './lighting-store.js';

const isLightingEvent = (type: string): type is LightingEventType =>
  (LIGHTING_EVENT_TYPES as readonly string[]).includes(type);

/** A `lighting` report that carries its zone's night so far. */
type TonightReport = IngestedOf<'telemetry'> & {
  readonly payload: { readonly night: NonNullable<IngestedOf<'telemetry'>['payload']['night']> };
};

/** Whether a message is a lighting report with the night so far. */
export const isTonightReport = (m: IngestedMessage): m is TonightReport =>
  m.kind === 'telemetry' && m.stream === LIGHTING_STREAM && m.payload.night !== undefined;

const ZoneId = LightingId('zone id');

/**
 * Keeps what lighting controllers say about their zones: the latest `level-changed` of each
 * zone (level, mode, reason trace), every `night-summary` (energy against full power), and the
 * night so far that their `lighting` telemetry carries through the night, for the technician
 * console and the public savings.
 *
 * Idempotent: each row keeps the controller's seq and is replaced only by a later one, so a
 * batch handed over again, or older events replayed from the outbox after newer ones, change
 * nothing. Events from devices that are not registered lighting controllers, and events whose
 * data cannot be read, are logged (once per device) and skipped: retrying would not help.
 */
export function lightingEventListener(deps: {
  readonly db: Kysely<Schema>;
  readonly log: Logger;
}): IngestionListener {
  const logged = new Set<string>();
  const warnOnce = (key: string, fields: Record<string, unknown>, message: string) => {
    if (logged.has(key)) return;
    logged.add(key);
    deps.log.warn(fields, message);
  };
  return {
    name: 'lighting',
    async onBatch(messages: readonly IngestedMessage[]) {
      const controllers = new Map<string, boolean>();
      for (const m of messages) {
        const event = m.kind === 'event' && isLightingEvent(m.type);
        if (!event && !isTonightReport(m)) continue;
        const id = deviceKeyOf(m);
        let known = controllers.get(id);
        if (known === undefined) {
          known = (await deviceStore.get(deps.db, m.site, m.device))?.kind === 'lighting';
          controllers.set(id, known);
        }
        if (!known) {
          warnOnce(
            `device:${id}`,
            { device: id, kind: m.kind, ...(m.kind === 'event' && { type: m.type }) },
            'lighting message from a device that is not a registered lighting controller; skipped',
          );
          continue;
        }
        if (m.kind === 'event') {
          if (m.type === 'level-changed') await levelChanged(deps, m, warnOnce);
          else await nightSummary(deps, m, warnOnce);
        } else if (isTonightReport(m)) {
          await tonight(deps, m, warnOnce);
        }
      }
    },
  };
}

type WarnOnce = (key: string, fields: Record<string, unknown>, message: string) => void;

/** The event's data and zone, or null (logged) when it cannot be read. */
function read<S extends z.ZodType<{ zone?: string | undefined }>>(
  schema: S,
  m: IngestedOf<'event'>,
  warnOnce: WarnOnce,
): { data: z.output<S>; zone: string } | null {
  const parsed = schema.safeParse(m.payload.data);
  const zone = parsed.success ? (parsed.data.zone ?? m.payload.subject) : undefined;
  if (!parsed.success || zone === undefined) {
    // Paths only: the values are the device's, and the log is not the place for them.
    const problems = parsed.success
      ? ['zone: neither data.zone nor subject']
      : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    warnOnce(
      `data:${deviceKeyOf(m)}:${m.type}`,
      { device: deviceKeyOf(m), type: m.type, seq: m.payload.seq, problems },
      'lighting event with unreadable data; skipped',
    );
    return null;
  }
  return { data: parsed.data, zone };
}

async function levelChanged(
  deps: { readonly db: Kysely<Schema> },
  m: IngestedOf<'event'>,
  warnOnce: WarnOnce,
): Promise<void> {
  const event = read(LevelChangedData, m, warnOnce);
  if (event === null) return;
  const { data, zone } = event;
  await lightingStore.upsertLevel(deps.db, {
    site: m.site,
    device: m.device,
    zone,
    level: data.level,
    mode: data.mode,
    reasons: data.reasons,
    changedAt: Date.parse(m.payload.at),
    seq: m.payload.seq,
    receivedAt: m.receivedAt,
  });
}

async function nightSummary(
  deps: { readonly db: Kysely<Schema> },
  m: IngestedOf<'event'>,
  warnOnce: WarnOnce,
): Promise<void> {
  const event = read(NightSummaryData, m, warnOnce);
  if (event === null) return;
  const { data, zone } = event;
  await lightingStore.upsertNight(deps.db, {
    site: m.site,
    device: m.device,
    zone,
    night: data.night,
    energyWh: data.energyWh,
    baselineWh: data.baselineWh,
    savingsPct: data.savingsPct,
    litHours: data.litHours,
    minLevel: data.minLevel,
    seq: m.payload.seq,
    receivedAt: m.receivedAt,
  });
}

async function tonight(
  deps: { readonly db: Kysely<Schema> },
  m: TonightReport,
  warnOnce: WarnOnce,
): Promise<void> {
  const { night } = m.payload;
  // The protocol checked the shape; a zone id and a real date are the cloud's own needs.
  if (!ZoneId.safeParse(m.payload.source).success || Number.isNaN(parseIsoDate(night.night))) {
    warnOnce(
      `tonight:${deviceKeyOf(m)}`,
      { device: deviceKeyOf(m), seq: m.payload.seq, problems: ['source or night.night'] },
      'lighting telemetry with an unreadable night; skipped',
    );
    return;
  }
  await lightingStore.upsertTonight(deps.db, {
    site: m.site,
    device: m.device,
    zone: m.payload.source,
    night: night.night,
    since: night.since === null ? null : Date.parse(night.since),
    until: night.until === null ? null : Date.parse(night.until),
    energyWh: night.energyWh,
    baselineWh: night.baselineWh,
    savingsPct: night.savingsPct,
    litHours: night.litHours,
    minLevel: night.minLevel,
    coveredHours: night.coveredHours,
    at: Date.parse(m.payload.at),
    seq: m.payload.seq,
    receivedAt: m.receivedAt,
  });
}
