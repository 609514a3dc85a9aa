import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type {
  IngestedOf,
  IngestionListener,
  MessageOrigin,
} from '../ingestion/ingested-message.js';
import type { Schema } from '../storage/schema.js';
import { deviceKeyOf, type ReportedConfig } from './device-config-record.js';
import { deviceConfigStore } from './device-config-store.js';
import { ignoredKeysOf, sameIgnoredKeys } from './ignored-keys.js';

/**
 * Records what devices report about their configuration (`…/state`): the version they run and
 * the version they refused, with the reason, and the local-only keys they ignored. Only the last report of each device in a batch is
 * kept, and a report is written only when it says something new and is not older (by arrival)
 * than the stored one, so the retained report the broker hands over again at every API
 * reconnect, or a batch handed over again, changes nothing. Devices not in the registry are
 * skipped and logged once each.
 */
export function deviceConfigListener(deps: {
  readonly db: Kysely<Schema>;
  readonly log: Logger;
}): IngestionListener {
  const unknownLogged = new Set<string>();
  return {
    name: 'device-config',
    async onBatch(messages) {
      const last = new Map<string, IngestedOf<'reportedState'>>();
      for (const m of messages) {
        if (m.kind === 'reportedState') last.set(deviceKeyOf(m), m);
      }
      if (last.size === 0) return;
      const sites = [...new Set([...last.values()].map((m) => m.site))];
      const known = new Map(
        (await deviceConfigStore.devicesWithReports(deps.db, sites)).map((d) => [
          deviceKeyOf(d),
          d.report,
        ]),
      );
      for (const [id, message] of last) {
        const stored = known.get(id);
        if (stored === undefined) {
          if (!unknownLogged.has(id)) {
            unknownLogged.add(id);
            deps.log.warn({ device: id }, 'reported state from a device not in the registry');
          }
          continue;
        }
        const report = reportOf(message);
        if (stored !== null && (stored.receivedAt > report.receivedAt || same(stored, report))) {
          continue;
        }
        await deviceConfigStore.upsertReport(deps.db, message, report);
        logChange(deps.log, message, stored, report);
      }
    },
  };
}

function reportOf(m: IngestedOf<'reportedState'>): ReportedConfig {
  const { configVersion, rejected, at, modules } = m.payload;
  return {
    configVersion,
    rejected:
      rejected === undefined ? null : { version: rejected.version, reason: rejected.reason },
    ignoredKeys: ignoredKeysOf(modules),
    at: Date.parse(at),
    receivedAt: m.receivedAt,
  };
}

/** The same report, whenever it arrived. */
function same(a: ReportedConfig, b: ReportedConfig): boolean {
  return (
    a.configVersion === b.configVersion &&
    a.at === b.at &&
    a.rejected?.version === b.rejected?.version &&
    a.rejected?.reason === b.rejected?.reason &&
    sameIgnoredKeys(a.ignoredKeys, b.ignoredKeys)
  );
}

function logChange(
  log: Logger,
  origin: MessageOrigin,
  before: ReportedConfig | null,
  after: ReportedConfig,
): void {
  const fields = { site: origin.site, device: origin.device };
  if ((before?.configVersion ?? null) !== after.configVersion) {
    log.info(
      { ...fields, version: after.configVersion, previous: before?.configVersion ?? null },
      'device runs a new config version',
    );
  }
  const rejected = after.rejected;
  if (rejected !== null && rejected.version !== before?.rejected?.version) {
    // The reason stays in the database: it is the device's text about the configuration.
    log.warn(
      { ...fields, version: rejected.version, running: after.configVersion },
      'device rejected a desired config',
    );
  }
  const ignored = after.ignoredKeys;
  if (Object.keys(ignored).length > 0 && !sameIgnoredKeys(before?.ignoredKeys ?? {}, ignored)) {
    // Key names only: the device never reports the values it ignored.
    log.warn(
      { ...fields, version: after.configVersion, ignoredKeys: ignored },
      'device runs a config whose local-only keys it ignored',
    );
  }
}
