import type { Generated } from 'kysely';

/**
 * One alarm: something a technician must look at. At most one row per (site, device, type,
 * subject) is active (open or acknowledged); a repeat counts `occurrences` on it. `subject` is
 * `''` when the alarm is about the device as a whole, so the unique index sees it on both
 * dialects (a null would never collide). `details` is a JSON object as text.
 */
export interface AlarmsTable {
  id: Generated<number>;
  site_id: string;
  device_id: string;
  type: string;
  subject: string;
  severity: 'warning' | 'alarm';
  state: 'open' | 'acknowledged' | 'resolved';
  source: 'event' | 'rule';
  message: string;
  details: string;
  occurrences: number;
  first_raised_at: number;
  last_raised_at: number;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  acknowledge_note: string | null;
  resolved_by: string | null;
  resolved_at: number | null;
  resolve_note: string | null;
}

/**
 * Which device message already counted as an occurrence of which alarm type, so that a batch
 * replayed by ingestion after a crash does not count twice. Pruned after a retention period.
 */
export interface AlarmEventMarksTable {
  site_id: string;
  device_id: string;
  seq: number;
  type: string;
  marked_at: number;
}
