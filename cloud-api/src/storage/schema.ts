import type { Generated } from 'kysely';
import type { CommandsTable } from '../commands/command-tables.js';
import type { AlarmEventMarksTable, AlarmsTable } from '../alarms/alarm-tables.js';
import type {
  DeviceConfigReportsTable,
  DeviceConfigsTable,
} from '../device-config/device-config-tables.js';
import type { EnergyMetersTable } from '../energy/energy-tables.js';
import type { IngestCursorsTable } from '../ingestion/ingestion-tables.js';
import type {
  LightingNightsTable,
  LightingTonightTable,
  LightingZoneLevelsTable,
} from '../lighting/lighting-tables.js';
import type {
  LockerBanksTable,
  LockerBoxesTable,
  LockerReservationHistoryTable,
  LockerReservationsTable,
} from '../lockers/locker-tables.js';
import type { UsersTable } from '../users/user-tables.js';

/**
 * Tables of the cloud database, as Kysely sees them. Every timestamp is integer milliseconds
 * since the Unix epoch (a JS number on both dialects: PostgreSQL's int8 is parsed to a number by
 * `openDatabase`), every boolean is an integer 0/1 (SQLite has no boolean type, so PostgreSQL
 * stores the same integers and the query code is identical on both).
 *
 * A later migration that adds a table adds its interface here and its key to `Schema`.
 */
export interface Schema {
  sites: SitesTable;
  devices: DevicesTable;
  mqtt_accounts: MqttAccountsTable;
  device_status: DeviceStatusTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  commands: CommandsTable;
  alarms: AlarmsTable;
  alarm_event_marks: AlarmEventMarksTable;
  ingest_cursors: IngestCursorsTable;
  device_configs: DeviceConfigsTable;
  device_config_reports: DeviceConfigReportsTable;
  energy_meters: EnergyMetersTable;
  locker_banks: LockerBanksTable;
  locker_boxes: LockerBoxesTable;
  locker_reservations: LockerReservationsTable;
  locker_reservation_history: LockerReservationHistoryTable;
  lighting_zone_levels: LightingZoneLevelsTable;
  lighting_nights: LightingNightsTable;
  lighting_tonight: LightingTonightTable;
  users: UsersTable;
}

/** One place in town with one edge agent box. */
export interface SitesTable {
  id: string;
  name: string;
  created_at: number;
}

export interface DevicesTable {
  site_id: string;
  device_id: string;
  kind: string;
  created_at: number;
}

/**
 * Who may connect to the broker. Same shape as the broker's credential file: a device account
 * (`site/device`) carries its site, device and kind; a service account (`cloud`, `observer`)
 * carries none of them. `hash` is a PHC `$scrypt$…` string, never the secret.
 */
export interface MqttAccountsTable {
  username: string;
  role: 'device' | 'cloud' | 'observer';
  site_id: string | null;
  device_id: string | null;
  kind: string | null;
  hash: string;
  created_at: number;
}

/** The last known state of a device, written by MQTT ingestion from status and telemetry. */
export interface DeviceStatusTable {
  site_id: string;
  device_id: string;
  /** 1 online, 0 offline. */
  online: number;
  session: number;
  last_seen: number;
  last_birth: number | null;
  outbox_depth: number | null;
  outbox_oldest_age_ms: number | null;
  config_version: number | null;
  updated_at: number;
  /** The agent software version of the latest birth; null when it never announced one. */
  agent_version: string | null;
}

/**
 * Bearer tokens for the HTTP API; `hash` is the sha256 of the token, hex. A console session is a
 * token with its person's `user_name` and an `expires_at`; an admin-made token has neither.
 */
export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: number;
  revoked_at: number | null;
  user_name: string | null;
  expires_at: number | null;
}

/** Every mutating admin action, in order. `details` is a JSON object as text. */
export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  subject: string;
  details: string;
}
