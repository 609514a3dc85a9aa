import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { IngestedMessage, IngestionListener } from '../ingestion/ingested-message.js';
import type { Schema } from '../storage/schema.js';
import {
  NO_STATUS,
  STATUS_COLUMNS,
  deviceStatusStore,
  statusFromJoin,
  type DeviceStatus,
} from './device-status-store.js';

/** The telemetry stream and source on which agents report their outbox (edge outbox-reporter). */
const OUTBOX_STREAM = 'outbox';

/**
 * Folds one message into a device's status. Births and wills are ordered by their session
 * counter, not by arrival: a will of session 6 arriving after the birth of session 7 (the
 * broker noticed the dead connection late) must not mark the device offline. Within one
 * session, offline is the later word. A birth with a lower session is accepted: the agent lost
 * its database and counts again from 0 (ingestion logs it). A birth names the agent software
 * running now (or none, for an agent that does not say); a will leaves the version as it was.
 */
export function foldStatus(status: DeviceStatus, message: IngestedMessage): DeviceStatus {
  const seen = { ...status, lastSeen: Math.max(status.lastSeen, message.receivedAt) };
  switch (message.kind) {
    case 'status': {
      const { state, session, at, version } = message.payload;
      const newer =
        session > status.session ||
        (session === status.session && state === 'offline') ||
        (state === 'online' && session < status.session);
      if (!newer) return seen;
      if (state === 'offline') return { ...seen, online: false, session };
      return {
        ...seen,
        online: true,
        session,
        lastBirth: Date.parse(at),
        agentVersion: version ?? null,
      };
    }
    case 'telemetry': {
      const { payload } = message;
      // A replayed report describes the outbox as it was during the outage, not now.
      if (message.stream !== OUTBOX_STREAM || payload.source !== 'outbox' || payload.historical) {
        return seen;
      }
      const depth = payload.values.depth;
      const ageS = payload.values.oldest_age_s;
      return {
        ...seen,
        outboxDepth: typeof depth === 'number' ? depth : seen.outboxDepth,
        outboxOldestAgeMs: typeof ageS === 'number' ? ageS * 1000 : seen.outboxOldestAgeMs,
      };
    }
    case 'reportedState':
      return { ...seen, configVersion: message.payload.configVersion };
    case 'event':
    case 'commandResult':
      return seen;
  }
}

/**
 * Keeps `device_status` current from ingested messages: one read and at most one write per
 * device and batch. Devices missing from the registry are skipped (a broker on a credential
 * file may carry them), and logged once each.
 */
export function deviceStatusListener(deps: {
  readonly db: Kysely<Schema>;
  readonly log: Logger;
  readonly now: () => number;
}): IngestionListener {
  const unknownLogged = new Set<string>();
  return {
    name: 'device-status',
    async onBatch(messages) {
      const byDevice = new Map<string, IngestedMessage[]>();
      for (const m of messages) {
        const key = `${m.site}/${m.device}`;
        let list = byDevice.get(key);
        if (!list) byDevice.set(key, (list = []));
        list.push(m);
      }
      const sites = [...new Set(messages.map((m) => m.site))];
      if (sites.length === 0) return;
      const rows = await deps.db
        .selectFrom('devices as d')
        .leftJoin('device_status as s', (j) =>
          j.onRef('s.site_id', '=', 'd.site_id').onRef('s.device_id', '=', 'd.device_id'),
        )
        .select(['d.site_id', 'd.device_id', ...STATUS_COLUMNS])
        .where('d.site_id', 'in', sites)
        .execute();
      const known = new Map(rows.map((r) => [`${r.site_id}/${r.device_id}`, r]));
      const now = deps.now();
      const changed: { site: string; device: string; status: DeviceStatus }[] = [];
      for (const [key, list] of byDevice) {
        const row = known.get(key);
        if (!row) {
          if (!unknownLogged.has(key)) {
            unknownLogged.add(key);
            deps.log.warn({ device: key }, 'message from a device not in the registry');
          }
          continue;
        }
        const before = statusFromJoin(row) ?? NO_STATUS;
        const after = list.reduce(foldStatus, before);
        if (before.online !== after.online || before.session !== after.session) {
          deps.log.info(
            { device: key, online: after.online, session: after.session },
            after.online ? 'device online' : 'device offline',
          );
        }
        changed.push({
          site: row.site_id,
          device: row.device_id,
          status: { ...after, updatedAt: now },
        });
      }
      await deviceStatusStore.upsertMany(deps.db, changed);
    },
  };
}
