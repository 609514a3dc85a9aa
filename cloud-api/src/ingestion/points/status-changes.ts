import type { Kysely } from 'kysely';
import { foldStatus } from '../../devices/device-status-listener.js';
import {
  NO_STATUS,
  STATUS_COLUMNS,
  statusFromJoin,
  type DeviceStatus,
} from '../../devices/device-status-store.js';
import type { Schema } from '../../storage/schema.js';
import type { Point } from '../../timeseries/point.js';
import type { IngestedMessage, IngestedOf } from '../ingested-message.js';
import { statusToPoint } from './status-point.js';

const keyOf = (m: { site: string; device: string }) => `${m.site}/${m.device}`;

/**
 * The `device_status` points of a batch: one for each birth or will that changes a registered
 * device's state (online or session), folded in arrival order from the state `device_status`
 * holds with the device-status listener's own rule (`foldStatus`: a late will of an older
 * session changes nothing). So a retained birth delivered again, a duplicate will, or a stale
 * will writes nothing, and a batch handed over again writes the same points (same arrival
 * times, same state read back). Devices not in the registry are skipped, as that listener
 * skips them.
 *
 * Relies on the device-status listener (registered by every app) to have recorded the previous
 * batches in `device_status` before this one runs, which the pipeline's order guarantees.
 */
export async function statusChangePoints(
  db: Kysely<Schema>,
  messages: readonly IngestedMessage[],
): Promise<Point[]> {
  const statuses = messages.filter((m): m is IngestedOf<'status'> => m.kind === 'status');
  if (statuses.length === 0) return [];
  const current = await currentStatuses(db, statuses);
  const points: Point[] = [];
  for (const message of statuses) {
    const key = keyOf(message);
    const before = current.get(key);
    if (before === undefined) continue;
    const after = foldStatus(before, message);
    current.set(key, after);
    if (after.online !== before.online || after.session !== before.session) {
      points.push(statusToPoint(message));
    }
  }
  return points;
}

/** The stored status of each registered device among these, in one query. */
async function currentStatuses(
  db: Kysely<Schema>,
  devices: readonly { site: string; device: string }[],
): Promise<Map<string, DeviceStatus>> {
  const wanted = new Set(devices.map(keyOf));
  const rows = await db
    .selectFrom('devices as d')
    .leftJoin('device_status as s', (j) =>
      j.onRef('s.site_id', '=', 'd.site_id').onRef('s.device_id', '=', 'd.device_id'),
    )
    .select(['d.site_id', 'd.device_id', ...STATUS_COLUMNS])
    .where('d.site_id', 'in', [...new Set(devices.map((d) => d.site))])
    .where('d.device_id', 'in', [...new Set(devices.map((d) => d.device))])
    .execute();
  const out = new Map<string, DeviceStatus>();
  for (const row of rows) {
    const key = `${row.site_id}/${row.device_id}`;
    if (!wanted.has(key)) continue;
    out.set(key, statusFromJoin(row) ?? NO_STATUS);
  }
  return out;
}
